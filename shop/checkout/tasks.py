"""Background work of the checkout: confirmation emails and refunds of orders that could not be
placed. Every task is safe to run twice."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task
from oscar.core.loading import get_class, get_model

from shop.payment import stripe_api
from shop.payment.models import CheckoutPayment, to_pence

logger = logging.getLogger(__name__)

Order = get_model("order", "Order")
CommunicationEventType = get_model("communication", "CommunicationEventType")
OrderDispatcher = get_class("order.utils", "OrderDispatcher")

ORDER_PLACED = "ORDER_PLACED"


def site_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def order_status_url(order) -> str:
    if order.user_id:
        return site_url(reverse("customer:order", kwargs={"order_number": order.number}))
    return site_url(
        reverse(
            "customer:anon-order", kwargs={"order_number": order.number, "hash": order.verification_hash()}
        )
    )


def confirmation_context(order) -> dict:
    return {
        "order": order,
        "lines": order.lines.select_related("product").all(),
        "status_url": order_status_url(order),
        "returns_url": site_url("/legal/returns/"),
        "site_url": site_url("/"),
        "contact_email": settings.OSCAR_FROM_EMAIL,
    }


@task()
def send_order_confirmation(order_id: int) -> bool:
    """R-L5: the Order Confirmation, sent once payment is received, and never twice."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.communication_events.filter(event_type__code=ORDER_PLACED).exists():
            return False
        CommunicationEventType.objects.get_or_create(
            code=ORDER_PLACED,
            defaults={"name": "Order confirmation", "category": CommunicationEventType.ORDER_RELATED},
        )
        # Oscar's dispatcher renders our templates, sends HTML + text, and records the
        # CommunicationEvent (and the Email, for customers with an account).
        OrderDispatcher(logger=logger).send_order_placed_email_for_user(order, confirmation_context(order))
    return True


@task()
def refund_unplaced_payment(checkout_payment_id: int) -> str:
    """The money came in but the order could not be placed: give it all back and say why."""
    payment = CheckoutPayment.objects.get(pk=checkout_payment_id)
    if payment.refund_reference:
        return payment.refund_reference
    refund = stripe_api.create_refund(
        payment_intent_id=payment.payment_intent_id,
        amount_pence=to_pence(payment.amount),
        metadata={"order_number": payment.order_number, "reason": "order could not be placed"},
        idempotency_key=f"checkout-{payment.payment_intent_id}-unplaced",
    )
    CheckoutPayment.objects.filter(pk=payment.pk).update(refund_reference=refund.id)
    _send_unplaced_email(payment)
    return refund.id


def _send_unplaced_email(payment: CheckoutPayment) -> None:
    context = {
        "payment": payment,
        "site_url": site_url("/"),
        "basket_url": site_url(reverse("basket:summary")),
    }
    subject = f"Your order {payment.order_number} could not be completed: you have been refunded"
    message = EmailMultiAlternatives(
        subject,
        render_to_string("oscar/communication/emails/order_unavailable_body.txt", context),
        settings.OSCAR_FROM_EMAIL,
        [payment.email],
    )
    message.attach_alternative(
        render_to_string("oscar/communication/emails/order_unavailable_body.html", context), "text/html"
    )
    message.send()
