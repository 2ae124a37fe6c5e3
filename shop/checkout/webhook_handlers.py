"""The Stripe events the checkout answers; registered by CheckoutConfig.ready()."""

from shop.checkout.placement import place_order_for_payment_intent
from shop.payment import events, stripe_api
from shop.payment.models import CheckoutPayment, StripeEvent


@events.handles("payment_intent.succeeded")
def place_paid_order(event: StripeEvent) -> str:
    """R-P2: the safety net when the customer's browser never comes back after paying.

    A PaymentIntent no checkout of ours started is not ours to place, and one Stripe does not
    know cannot become known by asking again: both end as an unknown object, once.
    """
    if not CheckoutPayment.objects.filter(payment_intent_id=event.object_id).exists():
        raise events.UnknownObject(event.object_id)
    try:
        placement = place_order_for_payment_intent(event.object_id)
    except stripe_api.InvalidRequestError as error:
        if stripe_api.is_missing(error):
            raise events.UnknownObject(event.object_id) from error
        raise
    if placement.outcome == "unknown":
        raise events.UnknownObject(event.object_id)
    if placement.outcome == "placed":
        return f"order {placement.order.number}"
    return placement.outcome
