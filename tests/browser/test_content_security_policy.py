"""The journeys' guard against Content-Security-Policy violations catches them (issue 10)."""

import re

from django.urls import reverse


def test_the_guard_reports_an_inline_script_and_an_outside_stylesheet(
    page, live_server, demo_site, csp_violations
):
    """A page the site served with a stray inline script and a stylesheet from elsewhere: the
    policy blocks both, and the guard every journey runs under reports both."""
    url = live_server.url + reverse("basket:summary")

    def with_strays(route):
        response = route.fetch()
        body = response.text().replace(
            "</body>",
            '<script>document.title = "ran"</script><link rel="stylesheet" href="https://example.org/x.css"></body>',
        )
        route.fulfill(response=response, body=body)

    page.route(url, with_strays)
    page.goto(url)
    page.wait_for_timeout(200)
    assert page.title() != "ran"  # the inline script was blocked
    assert any(re.search(r"script-src", v) for v in csp_violations), csp_violations
    assert any("example.org" in v for v in csp_violations), csp_violations
    csp_violations.clear()  # expected here; anywhere else they fail the test
