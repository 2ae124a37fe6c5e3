"""Cookie consent on the server side (R-A4): records, the consent cookie, GPC, the page cache."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from legal.privacy import consent
from legal.privacy.models import ConsentRecord
from tests.factories import UserFactory, make_book

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site_settings():
    """Wagtail creates the settings rows on first use, which would count as a content change."""
    from wagtail.models import Site

    from website.models import FooterSettings, NavigationSettings

    site = Site.objects.get(is_default_site=True)
    NavigationSettings.for_site(site)
    FooterSettings.for_site(site)


@pytest.fixture
def cookie_policy(db):
    """A published Cookie Policy at /legal/cookies/, as the demo content has."""
    from legal.models import LegalPage
    from tests.factories.legal import publish_legal_version

    publish_legal_version(
        "cookies", title="Cookie Policy", clause="We set essential cookies only, until you choose."
    )
    return LegalPage.objects.get(kind="cookies")


def choose(client, choice, **headers):
    return client.post(reverse("cookie-consent"), {"choice": choice, "next": "/books/"}, headers=headers)


def test_R_A4_first_visit_sets_no_cookie_and_shows_the_banner(client):
    paperback, _ = make_book()
    response = client.get(paperback.get_absolute_url())
    assert response.status_code == 200 and not response.cookies
    html = response.content.decode()
    assert 'id="consent-banner"' in html and "Essential cookies only" in html
    assert "js/consent.js" in html
    # The analytics script is only named as data for consent.js, never loaded by the page itself.
    assert '<script src="/static/js/analytics.js' not in html


def test_R_A4_accepting_records_the_choice_with_the_cookie_policy_version(client, cookie_policy):
    response = choose(client, "all")
    assert response.status_code == 302 and response["Location"] == "/books/"
    record = ConsentRecord.objects.get()
    assert record.functional and record.analytics and not record.global_privacy_control
    assert record.policy_revision == cookie_policy.live_revision
    assert record.user is None and record.source == "banner"
    cookie = response.cookies[consent.COOKIE_NAME]
    assert cookie.value == f"v1:{record.consent_id}:f1a1"
    assert cookie["max-age"] == consent.COOKIE_MAX_AGE and not cookie["httponly"]


def test_R_A4_refusing_sets_only_the_essential_consent_cookie(client):
    response = choose(client, "essential")
    record = ConsentRecord.objects.get()
    assert not record.functional and not record.analytics
    set_cookies = {name for name, morsel in response.cookies.items() if morsel.value}
    assert set_cookies == {consent.COOKIE_NAME}
    assert set_cookies <= consent.ESSENTIAL_COOKIES


def test_R_A4_every_change_is_a_new_record_under_the_same_consent_id(client):
    choose(client, "all")
    client.post(reverse("cookie-preferences"), {"functional": "on"})
    first, second = ConsentRecord.objects.order_by("pk")
    assert first.consent_id == second.consent_id
    assert (second.functional, second.analytics, second.source) == (True, False, "preferences")
    assert client.cookies[consent.COOKIE_NAME].value.endswith(":f1a0")


def test_R_A4_withdrawing_analytics_deletes_the_analytics_cookie(client):
    choose(client, "all")
    client.cookies[consent.ANALYTICS_COOKIE_NAME] = "visitor-1"
    response = client.post(reverse("cookie-preferences"), {})
    assert response.cookies[consent.ANALYTICS_COOKIE_NAME]["max-age"] == 0


def test_R_A4_signed_in_reader_choice_names_the_user(client):
    reader = UserFactory()
    client.force_login(reader)
    client.get(reverse("cookie-preferences"))
    client.post(reverse("cookie-preferences"), {"analytics": "on"})
    record = ConsentRecord.objects.get()
    assert record.user == reader and record.analytics and not record.functional


def test_R_A4_global_privacy_control_refuses_analytics_whatever_is_clicked(client):
    choose(client, "all", **{"Sec-GPC": "1"})
    record = ConsentRecord.objects.get()
    assert record.global_privacy_control and record.functional and not record.analytics
    page = client.get(reverse("cookie-preferences"), headers={"Sec-GPC": "1"})
    assert b"Global Privacy Control" in page.content
    assert page.context["form"].fields["analytics"].disabled


def test_R_A4_allows_reads_the_choice_and_gpc(rf):
    request = rf.get("/")
    assert consent.allows(request, "essential") and not consent.allows(request, "analytics")
    request.COOKIES[consent.COOKIE_NAME] = "v1:6f1c1f43-1a36-4d53-9b0e-1b1a3f3c2b10:f0a1"
    assert consent.allows(request, "analytics") and not consent.allows(request, "functional")
    gpc_request = rf.get("/", headers={"Sec-GPC": "1"})
    gpc_request.COOKIES = request.COOKIES
    assert not consent.allows(gpc_request, "analytics")
    request.COOKIES[consent.COOKIE_NAME] = "made-up"
    assert not consent.allows(request, "analytics")


def test_R_A4_a_cross_site_post_cannot_record_consent():
    visitor = Client()
    response = visitor.post(
        reverse("cookie-consent"), {"choice": "all"}, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403 and not ConsentRecord.objects.exists()
    response = visitor.post(
        reverse("cookie-consent"), {"choice": "all"}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 403 and not ConsentRecord.objects.exists()
    assert choose(visitor, "all", Origin="http://testserver").status_code == 302


def test_R_A4_next_never_leaves_the_site(client):
    response = client.post(
        reverse("cookie-consent"), {"choice": "essential", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_R_A4_basket_and_checkout_work_with_essential_cookies_only(client):
    """Consent refused: the basket still fills and the checkout opens, on essential cookies."""
    paperback, _ = make_book()
    choose(client, "essential")
    response = client.post(reverse("basket:add", kwargs={"pk": paperback.pk}), {"quantity": 1})
    assert response.status_code == 302
    assert client.get(reverse("basket:summary")).context["basket"].num_items == 1
    checkout = client.get(reverse("checkout:index"), follow=True)
    assert checkout.status_code == 200
    assert {name for name, morsel in client.cookies.items() if morsel.value} <= consent.ESSENTIAL_COOKIES


def test_R_A4_a_reader_who_has_chosen_still_gets_cached_pages():
    """The consent cookie changes nothing the server renders, so it does not defeat the cache."""
    paperback, _ = make_book()
    url = paperback.get_absolute_url()
    assert Client().get(url)["X-Page-Cache"] == "miss"
    reader = Client()
    reader.cookies[consent.COOKIE_NAME] = "v1:6f1c1f43-1a36-4d53-9b0e-1b1a3f3c2b10:f1a1"
    reader.cookies[consent.ANALYTICS_COOKIE_NAME] = "visitor-1"
    with CaptureQueriesContext(connection) as captured:
        response = reader.get(url)
    assert response["X-Page-Cache"] == "hit" and len(captured) == 0
    assert b'id="consent-banner"' in response.content  # consent.js keeps it hidden for them


def test_R_A4_the_preferences_page_is_never_shared():
    response = Client().get(reverse("cookie-preferences"))
    assert response.status_code == 200 and "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"]
    assert b'id="consent-banner"' not in response.content


def test_R_A4_footer_links_to_the_cookie_settings(client):
    paperback, _ = make_book()
    html = client.get(paperback.get_absolute_url()).content.decode()
    assert f'href="{reverse("cookie-preferences")}">Cookie settings' in html


def test_R_A4_analytics_beacon_answers_without_content(client):
    assert client.post(reverse("cookie-beacon"), b"{}", content_type="application/json").status_code == 204


@pytest.mark.parametrize("url_name", ["cookie-consent", "cookie-preferences"])
@pytest.mark.parametrize("origin", ["http://[", "https://[::1", "http://]x["])
def test_R_A4_an_origin_that_is_not_a_url_is_refused_not_a_500(url_name, origin):
    """Issue 10: ``Origin: http://[`` made urlsplit raise ValueError (Invalid IPv6 URL)."""
    response = Client().post(reverse(url_name), {"choice": "all"}, headers={"Origin": origin})
    assert response.status_code == 403 and not ConsentRecord.objects.exists()
