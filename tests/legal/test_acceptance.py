"""R-L3: each order keeps the exact Terms of Sale and Privacy Policy versions accepted, for ever."""

import pytest
from django.db.models import ProtectedError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from oscar.test.factories import create_order

from legal import acceptance as legal_acceptance
from legal import versions
from legal.acceptance import NotAPublishedVersion
from legal.models import LegalPage
from shop.order import acceptance
from tests.factories import UserFactory, make_book
from tests.legal.conftest import TERMS_V2, body, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def order_under_first_terms(terms, privacy):
    make_book()
    customer = UserFactory(email="buyer@example.com")
    order = create_order(user=customer)
    acceptance.record_acceptance(
        order,
        terms_revision=versions.version_in_force("terms"),
        privacy_revision=versions.version_in_force("privacy"),
        accepted_at=timezone.now(),
    )
    return order


def test_R_L3_order_records_the_versions_in_force(order_under_first_terms, terms, privacy):
    record = acceptance.accepted_versions(order_under_first_terms)
    assert record.terms_revision == terms.live_revision
    assert record.privacy_revision == privacy.live_revision


def test_R_L3_customer_order_page_links_the_accepted_version_after_a_new_one_goes_live(
    client, order_under_first_terms, terms
):
    publish(terms, summary="Adds where we are.", content=TERMS_V2)
    assert versions.version_url(versions.version_in_force("terms")) == "/legal/terms/versions/2/"

    client.force_login(order_under_first_terms.user)
    html = client.get(
        reverse("customer:order", kwargs={"order_number": order_under_first_terms.number})
    ).content.decode()
    assert 'href="/legal/terms/versions/1/"' in html and "version 1" in html
    assert 'href="/legal/privacy/versions/1/"' in html
    assert "/legal/terms/versions/2/" not in html


def test_R_L3_dashboard_order_page_links_the_accepted_version(client, order_under_first_terms, terms):
    publish(terms, summary="Adds where we are.", content=TERMS_V2)
    client.force_login(UserFactory(order_admin=True))
    html = client.get(
        reverse("dashboard:order-detail", kwargs={"number": order_under_first_terms.number})
    ).content.decode()
    assert "Terms accepted" in html and 'href="/legal/terms/versions/1/"' in html


def test_R_L3_an_order_without_a_record_says_so(client, terms):
    make_book()
    order = create_order(user=UserFactory())
    client.force_login(order.user)
    html = client.get(reverse("customer:order", kwargs={"order_number": order.number})).content.decode()
    assert "No record of the accepted terms" in html


def test_R_L3_R_L5_email_carries_the_full_text_of_the_accepted_terms(order_under_first_terms, terms):
    publish(terms, summary="Adds where we are.", content=TERMS_V2)
    html = render_to_string("shop/order/emails/accepted_terms.html", {"order": order_under_first_terms})
    text = render_to_string("shop/order/emails/accepted_terms.txt", {"order": order_under_first_terms})
    for copy in (html, text):
        assert versions.version_full_url(terms.revisions.order_by("pk").first()) in copy
        assert "://" in versions.version_full_url(terms.revisions.order_by("pk").first())  # absolute
        assert "We are a small book club." in copy and "You may cancel within 14 days." in copy
        assert "in Bristol" not in copy  # the newer version is not what they agreed to
    assert "2.1 You may cancel within 14 days." in text and "<p>" not in text


def test_R_L3_only_published_versions_of_the_right_document_can_be_accepted(terms, privacy):
    make_book()
    order = create_order(user=UserFactory())
    page = LegalPage.objects.get(pk=terms.pk)
    page.change_summary, page.body = "Draft.", body(("Draft", ["Not published."]))
    draft = page.save_revision()
    with pytest.raises(NotAPublishedVersion):
        acceptance.record_acceptance(order, draft, privacy.live_revision, timezone.now())
    with pytest.raises(NotAPublishedVersion):
        acceptance.record_acceptance(order, privacy.live_revision, terms.live_revision, timezone.now())
    assert acceptance.accepted_versions(order) is None


def test_R_L3_what_was_accepted_is_never_rewritten(order_under_first_terms, terms, privacy):
    second = publish(terms, summary="Adds where we are.", content=TERMS_V2)
    again = acceptance.record_acceptance(
        order_under_first_terms, second, privacy.live_revision, timezone.now()
    )
    assert again.terms_revision != second
    with pytest.raises(ProtectedError):
        again.terms_revision.delete()


def test_R_L3_a_version_going_live_mid_checkout_means_agreeing_again(terms, privacy):
    shown_terms, shown_privacy = legal_acceptance.versions_to_accept()
    assert legal_acceptance.still_in_force(shown_terms.pk, shown_privacy.pk)
    publish(terms, summary="Adds where we are.", content=TERMS_V2)
    assert not legal_acceptance.still_in_force(shown_terms.pk, shown_privacy.pk)
    now_in_force = legal_acceptance.versions_to_accept()
    assert legal_acceptance.still_in_force(*(revision.pk for revision in now_in_force))
