from django import template

from shop.returns import cancelling

register = template.Library()


@register.simple_tag
def order_cancellations(order) -> dict:
    """For an order page: its cancellations, and whether anything can still be cancelled."""
    return {
        "cancellations": list(
            order.cancellations.prefetch_related("lines__line").select_related(
                "refund", "return_refund", "replacement"
            )
        ),
        "can_cancel": cancelling.can_cancel_anything(order),
        # Each step is a shipping event on the lines; the customer sees them all here.
        "events": list(order.shipping_events.select_related("event_type").order_by("date_created", "pk")),
    }
