"""A payment whose order could not be placed is refunded through a Refund row like any other (R-P4)."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from shop.payment import refunds, stripe_api
from shop.payment.models import CheckoutPayment, Refund
from tests.commit import committed
from tests.factories import UserFactory


def _paid_checkout(status=CheckoutPayment.Status.UNAVAILABLE) -> CheckoutPayment:
    intent = stripe_api.client().v1.payment_intents.create(
        params={"amount": 1250, "currency": "gbp", "payment_method": "pm_card_visa", "confirm": True}
    )
    return CheckoutPayment.objects.create(
        payment_intent_id=intent.id,
        order_number="100051",
        amount="12.50",
        guest_email="dora@example.com",
        agreed_terms_at=timezone.now(),
        status=status,
        unavailable_titles=["The Last Copy"],
    )


@pytest.mark.django_db
def test_R_P4_an_unplaced_payment_is_refunded_once_as_a_refund_row(localstripe):
    payment = _paid_checkout()
    with committed():
        refund = refunds.refund_unplaced_payment(payment)
        again = refunds.refund_unplaced_payment(payment)  # a second placement attempt

    refund.refresh_from_db()
    assert again.pk == refund.pk and Refund.objects.count() == 1
    assert refund.order is None and refund.checkout_payment == payment and refund.kind == Refund.Kind.UNPLACED
    assert refund.amount == Decimal("12.50") and refund.status == Refund.Status.SUCCEEDED
    assert refund.idempotency_key == f"checkout-{payment.payment_intent_id}-unplaced"
    answer = stripe_api.client().v1.refunds.list(params={"payment_intent": payment.payment_intent_id})
    assert [(r.id, r.amount) for r in answer.data] == [(refund.stripe_refund_id, 1250)]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["dora@example.com"]


@pytest.mark.django_db
def test_R_P4_the_refunds_screen_lists_refunds_of_payments_that_never_became_orders(client, localstripe):
    payment = _paid_checkout()
    with committed():
        refunds.refund_unplaced_payment(payment)
    client.force_login(UserFactory(order_admin=True))
    page = client.get(reverse("dashboard:refund-list")).content.decode()
    assert "not placed (100051, dora@example.com)" in page and "Whole payment" in page
    assert reverse("dashboard:refund-list") in client.get(reverse("dashboard:index")).content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_refund_references_of_unplaced_payments_become_refund_rows(migrator):
    """Migration payment/0008: a refund stored on the checkout payment becomes its Refund row."""
    before, after = (
        [("payment", "0007_refund_checkout_payment")],
        [("payment", "0009_remove_checkoutpayment_refund_reference")],
    )
    old_apps = migrator(before).project_state(before).apps
    OldPayment = old_apps.get_model("payment", "CheckoutPayment")
    common = {"amount": "8.00", "guest_email": "eve@example.com", "agreed_terms_at": timezone.now()}
    OldPayment.objects.create(
        payment_intent_id="pi_done",
        order_number="1",
        status="unavailable",
        refund_reference="re_done",
        **common,
    )
    OldPayment.objects.create(payment_intent_id="pi_open", order_number="2", status="unavailable", **common)
    OldPayment.objects.create(payment_intent_id="pi_placed", order_number="3", status="placed", **common)

    migrator(after)

    rows = {
        r.checkout_payment.payment_intent_id: r for r in Refund.objects.select_related("checkout_payment")
    }
    assert set(rows) == {"pi_done", "pi_open"}
    assert rows["pi_done"].status == Refund.Status.SUCCEEDED and rows["pi_done"].stripe_refund_id == "re_done"
    assert rows["pi_done"].customer_emailed_at is not None
    assert rows["pi_open"].status == Refund.Status.PENDING and rows["pi_open"].customer_emailed_at is None
    assert all(r.kind == Refund.Kind.UNPLACED and r.order is None for r in rows.values())


@pytest.mark.django_db
def test_R_P4_a_failed_unplaced_refund_is_retried_from_the_list_and_nonsense_is_not_a_500(
    client, localstripe
):
    payment = _paid_checkout()
    refund = Refund.objects.create(
        checkout_payment=payment,
        kind=Refund.Kind.UNPLACED,
        amount="12.50",
        reason="The order could not be placed",
        status=Refund.Status.FAILED,
    )
    client.force_login(UserFactory(order_admin=True))
    url = reverse("dashboard:refund-list")
    assert client.post(url, {"retry": "not-a-number"}).status_code == 404
    with committed():
        done = client.post(url, {"retry": str(refund.pk)}, follow=True)
    refund.refresh_from_db()
    assert done.status_code == 200 and refund.status == Refund.Status.SUCCEEDED
    assert len(mail.outbox) == 1 and "could not be completed" in mail.outbox[0].subject
