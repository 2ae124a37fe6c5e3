/* Saving a card for a plan with Stripe.js (R-P1, R-P5): a SetupIntent confirmed in the page.
 *
 * The card goes from this page to Stripe, never to us; the bank's 3-D Secure check happens
 * here, with the customer present. Only the SetupIntent's id is posted to our server, which
 * asks Stripe whether it succeeded before keeping the card's references.
 */
(function () {
  'use strict';

  var form = document.getElementById('setup-card-form');
  if (!form) { return; }
  var stripe = Stripe(form.dataset.stripeKey);
  var card = stripe.elements().create('card', {hidePostalCode: false});
  var errors = document.getElementById('card-errors');
  var button = document.getElementById('card-save');
  card.mount('#card-element');
  card.on('change', function (event) {
    errors.textContent = event && event.error ? event.error.message : '';
  });
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    button.disabled = true;
    errors.textContent = '';
    stripe.confirmCardSetup(form.dataset.clientSecret, {payment_method: {card: card}}).then(function (result) {
      if (result.error) {
        errors.textContent = result.error.message || 'Your card was not saved. Please check the details.';
        button.disabled = false;
        return;
      }
      document.getElementById('setup_intent_id').value = result.setupIntent.id;
      form.submit();
    });
  });
})();
