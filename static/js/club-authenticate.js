// Finishing 3-D Secure for a monthly charge (bookclub/authenticate_payment.html). Whatever the
// bank answers, the page goes back to the server, which asks Stripe for the outcome.
(function () {
  var box = document.getElementById('club-authenticate');
  if (!box) { return; }
  var button = document.getElementById('club-authenticate-button');
  var status = document.getElementById('club-authenticate-status');
  var bank = Stripe(box.dataset.stripeKey);
  var back = function () { window.location.assign(box.dataset.returnUrl); };
  button.addEventListener('click', function () {
    button.disabled = true;
    status.textContent = 'Waiting for your bank…';
    var options = box.dataset.paymentMethod ? {payment_method: box.dataset.paymentMethod} : undefined;
    bank.confirmCardPayment(box.dataset.clientSecret, options).then(back, back);
  });
})();
