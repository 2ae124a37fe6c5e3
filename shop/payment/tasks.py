"""Background work of payment: Stripe webhook events and refunds. Thin tasks, one rule each."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django_tasks import task

from shop.payment import events
from shop.payment.models import Refund


@task()
def process_stripe_event_task(event_id: int) -> str:
    """R-P2: run the handler registered for one stored Stripe event, once."""
    return events.process(event_id)


@task()
def send_refund_email(refund_id: int) -> None:
    """Tell the customer what was refunded, why, and to which card (R-P4, R-X6)."""
    from shop.checkout.tasks import order_status_url, site_url

    refund = Refund.objects.select_related("order").get(pk=refund_id)
    order = refund.order
    lines = {line.pk: line for line in order.lines.all()}
    context = {
        "refund": refund,
        "order": order,
        "lines": [(lines[int(pk)], qty) for pk, qty in refund.line_quantities.items() if int(pk) in lines],
        "status_url": order_status_url(order),
        "site_url": site_url("/"),
    }
    if refund.kind == Refund.Kind.UNAVAILABLE:
        subject = f"Order {order.number}: a book we cannot supply, refunded"
    else:
        subject = f"Order {order.number}: we have refunded £{refund.amount}"
    message = EmailMultiAlternatives(
        subject,
        render_to_string("oscar/communication/emails/refund_body.txt", context),
        settings.OSCAR_FROM_EMAIL,
        [order.email],
    )
    message.attach_alternative(
        render_to_string("oscar/communication/emails/refund_body.html", context), "text/html"
    )
    message.send()
