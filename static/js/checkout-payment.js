/* Card payments with Stripe.js (R-P1): the card goes from this page to Stripe, never to us.
 *
 * Card step: Stripe.js turns the card Element into a PaymentMethod; only its id (pm_...) is
 * posted to our server. Authentication page: Stripe.js runs the bank's 3-D Secure check, then
 * the browser goes back to the server, which reads the PaymentIntent from Stripe and decides.
 * The same code runs against Stripe and against localstripe's stand-in (tests, demo).
 */
(function () {
  'use strict';

  var cardForm = document.getElementById('card-form');
  if (cardForm) {
    var stripe = Stripe(cardForm.dataset.stripeKey);
    var card = stripe.elements().create('card', {hidePostalCode: false});
    var errors = document.getElementById('card-errors');
    var button = document.getElementById('card-continue');
    card.mount('#card-element');
    card.on('change', function (event) {
      errors.textContent = event && event.error ? event.error.message : '';
    });
    cardForm.addEventListener('submit', function (event) {
      event.preventDefault();
      button.disabled = true;
      errors.textContent = '';
      stripe.createPaymentMethod({type: 'card', card: card}).then(function (result) {
        if (result.error) {
          errors.textContent = result.error.message || 'Please check your card details.';
          button.disabled = false;
          return;
        }
        document.getElementById('payment_method_id').value = result.paymentMethod.id;
        cardForm.submit();
      });
    });
  }

  var authenticate = document.getElementById('authenticate');
  if (authenticate) {
    var bank = Stripe(authenticate.dataset.stripeKey);
    var back = function () { window.location.assign(authenticate.dataset.returnUrl); };
    // Whatever the answer, the server asks Stripe for the outcome; the page only comes back.
    bank.confirmCardPayment(authenticate.dataset.clientSecret).then(back, back);
  }
})();
