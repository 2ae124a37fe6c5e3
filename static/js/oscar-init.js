/* Oscar's page behaviours, started from a file: the Content-Security-Policy runs no inline
 * script, so the `onbodyload` blocks of Oscar's templates are not used (docs/configuration.md).
 * Each behaviour binds to elements only the pages that have them carry, so all can start on
 * every page: site-wide forms and date pickers, the basket's line links and voucher form, the
 * search and catalogue sort widget, the checkout sign-in choice, wishlists and notifications. */
(function ($) {
    'use strict';
    $(function () {
        oscar.init();
        oscar.basket.init({basketURL: document.body.dataset.basketUrl});
        oscar.search.init();
        if ($('form input[name=options]').length) {
            oscar.checkout.gateway.init();
        }
        oscar.customer.wishlists.init();
        oscar.notifications.init();
    });
})(jQuery);
