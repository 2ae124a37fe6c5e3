// Pages from the shared cache are the same for every reader: this fills in the header's personal
// corner (account links, basket count) from /_header/, which is never cached (website/page_cache.py).
(function () {
    "use strict";
    var nav = document.querySelector(".account-nav[data-personal]");
    if (!nav || !window.fetch) {
        return;
    }
    fetch(nav.getAttribute("data-personal"), { credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
            return response.ok ? response.text() : null;
        })
        .then(function (html) {
            if (html !== null) {
                nav.innerHTML = html;
                nav.setAttribute("data-personal-loaded", "");
            }
        })
        .catch(function () {});
})();
