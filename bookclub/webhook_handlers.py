"""The Stripe events the book club answers; registered by BookclubConfig.ready().

Payments made while joining a plan name ``purpose="bookclub-join"`` in their metadata, so the
payment registry (``shop.payment.events``) hands their events here rather than to the checkout;
the monthly run's charges name ``purpose="bookclub-monthly"`` and their billing cycle.
"""

from bookclub import billing, joining
from bookclub.models import BillingCycle
from shop.payment import events, stripe_api
from shop.payment.models import StripeEvent

JOIN_PURPOSE = joining.JOIN_PURPOSE


@events.handles("payment_intent.succeeded", purpose=JOIN_PURPOSE)
def finish_joining(event: StripeEvent) -> str:
    """R-P2 for plans: the safety net when the browser never comes back after paying the first
    charge; joining finishes once, whichever of the two arrives first."""
    try:
        result = joining.finish_payment(event.object_id)
    except stripe_api.InvalidRequestError as error:
        if stripe_api.is_missing(error):
            raise events.UnknownObject(event.object_id) from error
        raise
    if result.outcome == "unknown":
        raise events.UnknownObject(event.object_id)
    return f"{result.outcome}: subscription {result.subscription.pk}"


@events.handles("payment_intent.payment_failed", purpose=JOIN_PURPOSE)
def note_failed_joining(event: StripeEvent) -> str:
    # Nothing formed before payment: the customer sees the decline on the page and can retry.
    result = joining.finish_payment(event.object_id)
    if result.outcome == "unknown":
        raise events.UnknownObject(event.object_id)
    return f"{result.outcome}: subscription {result.subscription.pk}"


# The monthly run's off-session charges name ``purpose="bookclub-monthly"`` and their cycle.
@events.handles("payment_intent.succeeded", purpose=billing.MONTHLY_PURPOSE)
def settle_monthly_charge(event: StripeEvent) -> str:
    """R-P5, R-S10: a customer finished 3-D Secure on the payment page and never came back to it;
    the month is paid once, whichever of the page, this webhook and the run's own check comes
    first."""
    metadata = event.payload.get("data", {}).get("object", {}).get("metadata") or {}
    cycle_id = str(metadata.get("billing_cycle", ""))
    cycle = BillingCycle.objects.filter(pk=int(cycle_id)).first() if cycle_id.isdigit() else None
    if cycle is None:
        raise events.UnknownObject(event.object_id)
    return f"billing cycle {cycle.pk}: {billing.settle(cycle.pk, event.object_id)}"
