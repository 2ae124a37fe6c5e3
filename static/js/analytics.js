/* The Bookclub's own page-view counter. Loaded by consent.js only after the reader accepted
   analytics cookies, and never when the browser sends Global Privacy Control (R-A4). */
(function () {
    "use strict";
    var COOKIE = "bookclub_analytics";
    if (document.cookie.indexOf(COOKIE + "=") === -1) {
        var id = window.crypto && crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2);
        document.cookie = COOKIE + "=" + id + "; path=/; max-age=31536000; SameSite=Lax";
    }
    var view = JSON.stringify({ path: location.pathname, referrer: document.referrer });
    if (navigator.sendBeacon) {
        navigator.sendBeacon("/cookies/beacon/", new Blob([view], { type: "application/json" }));
    }
})();
