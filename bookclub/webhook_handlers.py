"""The Stripe events the monthly run answers; registered by BookclubConfig.ready().

A monthly charge's PaymentIntent carries ``billing_cycle`` in its metadata. When a customer
finishes 3-D Secure on the payment page and never comes back to it, Stripe's
``payment_intent.succeeded`` still settles the month (R-P5, R-S10): the cycle is paid once,
whichever of the page, the webhook and the run's own check gets there first.
"""

from bookclub import billing
from bookclub.models import BillingCycle
from shop.payment import events
from shop.payment.models import StripeEvent


@events.handles("payment_intent.succeeded", metadata_key="billing_cycle")
def settle_monthly_charge(event: StripeEvent) -> str:
    cycle_id = str(event.payload["data"]["object"]["metadata"]["billing_cycle"])
    cycle = BillingCycle.objects.filter(pk=int(cycle_id)).first() if cycle_id.isdigit() else None
    if cycle is None:
        raise events.UnknownObject(event.object_id)
    return f"billing cycle {cycle.pk}: {billing.settle(cycle.pk, event.object_id)}"
