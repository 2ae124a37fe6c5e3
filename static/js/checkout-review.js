/* The review step (R-P1): one press, one payment. The button is disabled while the page is
 * sent, so a second press cannot start a second payment (the server's idempotency key is the
 * other half of that promise). */
(function () {
    'use strict';
    var form = document.getElementById('place_order_form');
    if (!form) return;
    form.addEventListener('submit', function () {
        var button = document.getElementById('place-order');
        setTimeout(function () { button.disabled = true; button.textContent = 'Paying…'; }, 0);
    });
})();
