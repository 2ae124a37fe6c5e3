"""Questions about subscriptions that other parts of the site ask."""

from django.contrib.auth import get_user_model

from bookclub.models import Subscription


def active_subscribers():
    """Every customer with at least one active subscription, once each."""
    return (
        get_user_model()
        .objects.filter(subscriptions__status=Subscription.Status.ACTIVE, is_active=True)
        .distinct()
        .order_by("pk")
    )
