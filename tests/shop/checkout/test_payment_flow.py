"""The checkout against localstripe: pay, 3-D Secure, declines, agreement boxes, exactly-once placement."""

import pytest
from django.core import mail
from django.urls import reverse
from oscar.core.loading import get_model

from legal import acceptance, versions
from shop.checkout.placement import place_order_for_payment_intent
from shop.order import acceptance as order_acceptance
from shop.payment import stripe_api
from shop.payment.models import CheckoutPayment
from tests.factories import BookFactory
from tests.factories.legal import publish_legal_version

from .helpers import authenticate_3ds, checkout_to_review, place_order, return_from_bank

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
Basket = get_model("basket", "Basket")
CommunicationEvent = get_model("order", "CommunicationEvent")
StockRecord = get_model("partner", "StockRecord")


@pytest.fixture
def paperback():
    return BookFactory(stockrecord__price="8.99", stockrecord__stock=3)


def test_R_P2_R_L5_a_guest_pays_by_card_and_gets_one_order_and_one_confirmation(
    client, localstripe, paperback
):
    review = checkout_to_review(client, localstripe, paperback)
    assert review.status_code == 200
    assert b"Pay \xc2\xa38.99 and place order" in review.content
    assert b"Visa ending 4242" in review.content

    response = place_order(client)

    assert response.status_code == 302 and response.url == reverse("checkout:thank-you")
    order = Order.objects.get()
    assert (
        order.guest_email == "ada@example.com" and order.total_incl_tax == paperback.stockrecords.get().price
    )
    payment = CheckoutPayment.objects.get()
    intent = stripe_api.retrieve_payment_intent(payment.payment_intent_id)
    assert intent.status == "succeeded" and intent.amount == 899 and intent.currency == "gbp"
    assert intent.metadata["basket_id"] == str(payment.basket_id)
    source = order.sources.get()
    assert source.reference == intent.id and source.amount_debited == order.total_incl_tax
    assert [e.event_type.name for e in order.payment_events.all()] == ["Paid"]
    assert len(mail.outbox) == 1 and order.number in mail.outbox[0].subject
    assert CommunicationEvent.objects.filter(order=order, event_type__code="ORDER_PLACED").count() == 1

    thanks = client.get(response.url)
    assert order.number.encode() in thanks.content and b"ada@example.com" in thanks.content


def test_R_P2_browser_return_and_webhook_place_the_order_exactly_once(client, localstripe, paperback):
    checkout_to_review(client, localstripe, paperback)
    place_order(client)
    payment = CheckoutPayment.objects.get()

    again = place_order_for_payment_intent(payment.payment_intent_id)
    twice = place_order_for_payment_intent(payment.payment_intent_id)

    assert again.outcome == twice.outcome == "placed"
    assert Order.objects.count() == 1 and again.order == twice.order
    assert again.order.sources.count() == 1 and again.order.payment_events.count() == 1
    assert len(mail.outbox) == 1


def test_R_P1_the_card_step_posts_only_a_stripe_payment_method_id(client, localstripe, paperback):
    review = checkout_to_review(client, localstripe, paperback)
    card_page = client.get(reverse("checkout:payment-details")).content.decode()
    assert 'name="payment_method_id"' in card_page and f"{localstripe}/js.stripe.com/v3/" in card_page
    for card_field in ('name="number"', 'name="cvc"', 'name="card_number"'):
        assert card_field not in card_page
    assert review.status_code == 200
    refused = client.post(reverse("checkout:preview"), {"payment_method_id": "4242424242424242"})
    assert refused.status_code == 200 and b"did not receive your card details" in refused.content


def test_R_L2_no_order_and_no_payment_without_agreeing_to_the_terms(client, localstripe, paperback):
    checkout_to_review(client, localstripe, paperback)
    response = place_order(client, agree=False)
    assert response.status_code == 200
    assert b"only take your order once you agree to our Terms and Conditions of Sale" in response.content
    assert not Order.objects.exists() and not CheckoutPayment.objects.exists()


def test_R_A5_no_order_without_confirming_eighteen_or_over(client, localstripe, paperback):
    checkout_to_review(client, localstripe, paperback)
    response = place_order(client, age=False)
    assert response.status_code == 200 and b"need to be 18 or over" in response.content
    assert not Order.objects.exists() and not CheckoutPayment.objects.exists()


def test_R_L2_R_A5_agreement_boxes_start_unticked_and_required(client, localstripe, paperback):
    review = checkout_to_review(client, localstripe, paperback).content.decode()
    for name in ("agree_terms", "confirm_age"):
        tag = review.split(f'name="{name}"')[1].split(">")[0]
        assert "checked" not in tag and "required" in tag
    terms, privacy = acceptance.versions_to_accept()
    assert f'href="{versions.version_url(terms)}"' in review
    assert f'href="{versions.version_url(privacy)}"' in review


def test_R_L3_the_order_records_the_terms_and_privacy_versions_agreed_to(client, localstripe, paperback):
    terms, privacy = acceptance.versions_to_accept()
    checkout_to_review(client, localstripe, paperback)
    place_order(client)
    accepted = order_acceptance.accepted_versions(Order.objects.get())
    assert (accepted.terms_revision, accepted.privacy_revision) == (terms, privacy)
    # A newer version later does not change what this order was placed under.
    publish_legal_version("terms", title="Terms and Conditions of Sale", clause="New wording.", summary="v2")
    accepted = order_acceptance.accepted_versions(Order.objects.get())
    assert accepted.terms_revision == terms


def test_R_L3_terms_changed_mid_checkout_must_be_agreed_again(client, localstripe, paperback):
    shown = acceptance.versions_to_accept()
    review = checkout_to_review(client, localstripe, paperback)
    assert review.status_code == 200
    newer = publish_legal_version(
        "terms", title="Terms and Conditions of Sale", clause="Changed today.", summary="v2"
    )
    refused = place_order(client, shown=shown)
    assert refused.status_code == 200 and b"changed while you were checking out" in refused.content
    assert versions.version_url(newer) in refused.content.decode()
    assert not Order.objects.exists() and not CheckoutPayment.objects.exists()

    place_order(client)  # the reader ticks the box again, for the version now in force
    assert order_acceptance.accepted_versions(Order.objects.get()).terms_revision == newer


def test_R_P1_a_declined_card_is_shown_on_the_card_step_with_the_basket_kept(client, localstripe, paperback):
    checkout_to_review(client, localstripe, paperback, card="declined")
    response = place_order(client)
    assert response.status_code == 302 and response.url == reverse("checkout:payment-details")
    page = client.get(response.url, follow=True)
    assert b"Your card was declined." in page.content
    assert not Order.objects.exists()
    basket = Basket.objects.get()
    assert basket.status == Basket.OPEN and basket.num_items == 1


@pytest.mark.parametrize("card", ["3ds", "3ds_other"])
def test_R_P1_three_d_secure_passed_places_the_order(client, localstripe, paperback, card):
    checkout_to_review(client, localstripe, paperback, card=card)
    challenge = place_order(client)
    assert challenge.status_code == 200 and b"Confirm the payment with your bank" in challenge.content
    assert not Order.objects.exists()  # not before the bank said yes

    authenticate_3ds(localstripe, challenge.context["client_secret"], success=True)
    response = return_from_bank(client, challenge)

    assert response.url == reverse("checkout:thank-you")
    assert Order.objects.count() == 1 and len(mail.outbox) == 1


def test_R_P1_three_d_secure_failed_returns_to_the_card_step_with_the_basket_kept(
    client, localstripe, paperback
):
    checkout_to_review(client, localstripe, paperback, card="3ds")
    challenge = place_order(client)
    authenticate_3ds(localstripe, challenge.context["client_secret"], success=False)
    response = return_from_bank(client, challenge)

    assert response.url == reverse("checkout:payment-details")
    assert b"bank did not confirm" in client.get(response.url).content
    assert not Order.objects.exists() and Basket.objects.get().num_items == 1


def test_R_P2_a_return_for_someone_elses_payment_is_refused(client, localstripe, paperback):
    response = client.get(reverse("checkout:payment-return") + "?payment_intent=pi_notyours")
    assert response.status_code == 302 and not Order.objects.exists()


def test_R_C2_a_book_sold_out_during_payment_is_refunded_and_the_customer_told(
    client, localstripe, paperback
):
    checkout_to_review(client, localstripe, paperback, card="3ds")
    challenge = place_order(client)
    StockRecord.objects.filter(product=paperback).update(num_in_stock=0)  # the last copy went elsewhere
    authenticate_3ds(localstripe, challenge.context["client_secret"], success=True)

    response = return_from_bank(client, challenge)

    assert response.url == reverse("checkout:unavailable")
    payment = CheckoutPayment.objects.get()
    assert payment.status == CheckoutPayment.Status.UNAVAILABLE
    assert payment.refunds.get().stripe_refund_id.startswith("re_")
    assert not Order.objects.exists()
    page = client.get(response.url).content.decode()
    assert paperback.get_title() in page and "refunded the full £8.99" in page
    assert len(mail.outbox) == 1 and "refunded" in mail.outbox[0].subject
    refunds = stripe_api.client().v1.refunds.list(params={"payment_intent": payment.payment_intent_id})
    assert [r.amount for r in refunds.data] == [899]
    # Placing again (e.g. a late webhook) neither places an order nor refunds twice.
    assert place_order_for_payment_intent(payment.payment_intent_id).outcome == "unavailable"
    assert (
        len(stripe_api.client().v1.refunds.list(params={"payment_intent": payment.payment_intent_id}).data)
        == 1
    )


def test_R_D4_an_ebook_only_order_asks_for_no_address_and_charges_no_delivery(client, localstripe):
    ebook = BookFactory(format="ebook", stockrecord__price="4.99")
    review = checkout_to_review(client, localstripe, ebook)
    assert b"Delivery address" not in review.content and b"nothing to post" in review.content
    place_order(client)
    order = Order.objects.get()
    assert (
        order.shipping_address is None
        and order.shipping_incl_tax == 0
        and order.total_incl_tax.compare(ebook.stockrecords.get().price) == 0
    )
