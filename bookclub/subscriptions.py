"""Questions about subscriptions that other parts of the site ask."""

from django.contrib.auth import get_user_model

from bookclub.models import Subscription

# A contract is running: the customer must hear of significant changes to the terms (R-L4),
# suspended ones included, since a suspension can be lifted under the new terms.
CONTRACT_STATES = (Subscription.State.ACTIVE, Subscription.State.SUSPENDED)


def active_subscribers():
    """Every customer with at least one running subscription, once each (R-L4)."""
    return (
        get_user_model()
        .objects.filter(subscriptions__state__in=CONTRACT_STATES, is_active=True)
        .distinct()
        .order_by("pk")
    )


def subscriptions_of(customer):
    """A customer's subscriptions with what their pages show, newest first."""
    return (
        Subscription.objects.filter(customer=customer)
        .select_related("plan__product__product_class", "delivery_address__country")
        .prefetch_related("plan__product__stockrecords", "months")
        .order_by("-created_at", "-pk")
    )
