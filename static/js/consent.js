/* Cookie consent in the browser (R-A4): show the banner to a reader who has not chosen yet and
   load the analytics script only after they opted in. The choice itself is kept by the server
   in the essential "bookclub_consent" cookie ("v1:<id>:f<0|1>a<0|1>"). Runs on cached pages too,
   so it must not depend on anything rendered per reader. Loaded right after the banner, not
   deferred, so the banner is shown before the first paint. */
(function () {
    "use strict";
    var COOKIE = "bookclub_consent";

    function readChoice() {
        var cookies = document.cookie ? document.cookie.split(/;\s*/) : [];
        for (var i = 0; i < cookies.length; i++) {
            if (cookies[i].indexOf(COOKIE + "=") !== 0) continue;
            var value = decodeURIComponent(cookies[i].slice(COOKIE.length + 1)).replace(/^"|"$/g, "");
            var match = /^v1:[0-9a-f-]{36}:f([01])a([01])$/.exec(value);
            if (match) return { functional: match[1] === "1", analytics: match[2] === "1" };
        }
        return null;
    }

    var script = document.currentScript;
    var choice = readChoice();
    // Global Privacy Control: the browser's standing refusal of tracking.
    var gpc = navigator.globalPrivacyControl === true;
    var banner = document.getElementById("consent-banner");

    if (banner && !choice) {
        banner.hidden = false;
        if (gpc) {
            var note = banner.querySelector("[data-gpc-note]");
            if (note) note.hidden = false;
        }
    }
    // The settings page (parsed after this script): with GPC, analytics cannot be ticked there.
    if (gpc) {
        document.addEventListener("DOMContentLoaded", function () {
            var analyticsBox = document.querySelector(".cookie-preferences input[name=analytics]");
            if (analyticsBox) {
                analyticsBox.checked = false;
                analyticsBox.disabled = true;
            }
        });
    }
    if (choice && choice.analytics && !gpc && script) {
        var analytics = document.createElement("script");
        analytics.src = script.getAttribute("data-analytics-src");
        analytics.async = true;
        document.head.appendChild(analytics);
    }
    window.bookclubConsent = { choice: choice, globalPrivacyControl: gpc };
})();
