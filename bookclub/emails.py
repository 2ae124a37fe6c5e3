"""The emails a subscription's changes send, through Oscar's communication app.

Each email has an event type code (``BOOKCLUB_...``) and three templates at Oscar's path,
``templates/oscar/communication/emails/commtype_<code>_{subject.txt,body.txt,body.html}``;
order admins can override them in the dashboard. ``lifecycle`` queues one ``SubscriptionEmail``
row per (history row, code) inside its transaction; once that commits, a task sends it. The
row decides "already sent", so a retried or duplicated task never sends twice.
"""

import logging
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_class

from bookclub.models import SubscriptionEmail, SubscriptionEvent

logger = logging.getLogger(__name__)

CONFIRMED = "BOOKCLUB_SUBSCRIPTION_CONFIRMED"
SUSPENDED = "BOOKCLUB_SUBSCRIPTION_SUSPENDED"
REINSTATED = "BOOKCLUB_SUBSCRIPTION_REINSTATED"
CANCELLED = "BOOKCLUB_SUBSCRIPTION_CANCELLED"
RESUMED = "BOOKCLUB_SUBSCRIPTION_RESUMED"
PURGED = "BOOKCLUB_SUBSCRIPTION_PURGED"
ENDED = "BOOKCLUB_SUBSCRIPTION_ENDED"
RENEWED = "BOOKCLUB_SUBSCRIPTION_RENEWED"
AUTO_RENEWAL = "BOOKCLUB_AUTO_RENEWAL_CHANGED"
MONTH_CHANGED = "BOOKCLUB_MONTH_CHANGED"
USUAL_TITLES = "BOOKCLUB_USUAL_TITLES_CHANGED"
ADDRESS_CHANGED = "BOOKCLUB_DELIVERY_ADDRESS_CHANGED"
CARD_CHANGED = "BOOKCLUB_CARD_CHANGED"
# The monthly run's (bookclub.billing): not about a history row, each once by its BillingEmail.
PAYMENT_AUTHENTICATION = "BOOKCLUB_PAYMENT_AUTHENTICATION"
PAYMENT_FAILED = "BOOKCLUB_PAYMENT_FAILED"
RENEWAL_REMINDER = "BOOKCLUB_RENEWAL_REMINDER"

# Code -> the name order admins see in the dashboard's email templates.
EVENT_TYPES = {
    CONFIRMED: "Subscription: order confirmation (the contract forms)",
    SUSPENDED: "Subscription suspended",
    REINSTATED: "Subscription reinstated",
    CANCELLED: "Subscription cancelled",
    RESUMED: "eSubscription resumed",
    PURGED: "eSubscription details removed after 90 days",
    ENDED: "Pre-paid plan ended with its term",
    RENEWED: "Pre-paid plan renewed",
    AUTO_RENEWAL: "Automatic renewal switched on or off",
    MONTH_CHANGED: "A month of a plan skipped, restored or changed",
    USUAL_TITLES: "eBook titles a month changed",
    ADDRESS_CHANGED: "Plan delivery address changed",
    CARD_CHANGED: "Plan card replaced",
    PAYMENT_AUTHENTICATION: "Monthly payment: please confirm it with your bank",
    PAYMENT_FAILED: "Monthly payment failed: a new card is needed",
    RENEWAL_REMINDER: "Pre-paid plan renews in 3 days",
}


def site_url(path: str = "/") -> str:
    return settings.SITE_URL + path


def queue(event: SubscriptionEvent, code: str) -> SubscriptionEmail:
    """Owe the customer the ``code`` email about ``event``; sent by a task after commit."""
    email, created = SubscriptionEmail.objects.get_or_create(event=event, code=code)
    if created:
        from bookclub.tasks import send_subscription_email_task

        send_subscription_email_task.enqueue(email.pk)
    return email


def _month(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _money(value: str | None) -> Decimal | None:
    return Decimal(value) if value not in (None, "") else None


class SubscriptionDispatcher:
    """Renders and sends subscription emails, like Oscar's ``OrderDispatcher`` does for orders."""

    def __init__(self, logger=None, mail_connection=None):
        Dispatcher = get_class("communication.utils", "Dispatcher")
        self.dispatcher = Dispatcher(logger=logger, mail_connection=mail_connection)

    def context(self, event: SubscriptionEvent) -> dict:
        from bookclub import lifecycle, pricing

        subscription = event.subscription
        details = event.details or {}
        month = _month(details.get("month"))
        plan = subscription.plan
        first = subscription.first_period
        return {
            "customer": subscription.customer,
            "subscription": subscription,
            "plan": subscription.plan,
            "event": event,
            "details": details,
            "month": month,
            "month_deadline": lifecycle.change_deadline(month) if month else None,
            "month_charge": _money(details.get("charge")),
            "monthly_cost": pricing.total_monthly_cost(subscription),
            "unit_price": pricing.plan_price(plan),
            "first_charge": pricing.charge_for_month(subscription, first) if first else None,
            "refund_due": _money(details.get("refund_due")),
            "applies_from": _month(details.get("applies_from")),
            "renewal_deadline": lifecycle.renewal_deadline(subscription) if subscription.renews_on else None,
            "account_url": site_url("/accounts/"),
            "site_url": site_url("/"),
            "contact_email": settings.OSCAR_FROM_EMAIL,
        }

    def send(self, email: SubscriptionEmail) -> bool:
        customer = email.event.subscription.customer
        messages = self.dispatcher.get_messages(email.code, self.context(email.event))
        sent = self.dispatcher.dispatch_user_messages(customer, messages)
        return bool(sent.get("email"))


def can_receive(customer) -> bool:
    return bool(customer.is_active and customer.email and not customer.email.endswith("@closed.invalid"))


def send_queued(subscription_email_id: int) -> bool:
    """Send one queued email unless it was sent already; returns whether it was sent now.

    The row is locked and marked in the same transaction as the sending: if sending fails,
    nothing is marked and a retry sends it.
    """
    with transaction.atomic():
        email = (
            SubscriptionEmail.objects.select_for_update(of=("self",))
            .select_related("event__subscription__plan__product", "event__subscription__customer")
            .get(pk=subscription_email_id)
        )
        if email.sent_at or email.skipped:
            return False
        if not can_receive(email.event.subscription.customer):
            email.skipped = True
            email.save(update_fields=["skipped"])
            return False
        SubscriptionDispatcher(logger=logger).send(email)
        email.sent_at = timezone.now()
        email.save(update_fields=["sent_at"])
    return True


# ---------------------------------------------------------------------------------------------
# The monthly run's emails (bookclub.billing): one BillingEmail row each, sent once
# ---------------------------------------------------------------------------------------------
def billing_context(email) -> dict:
    from django.urls import reverse

    from bookclub import lifecycle, pricing

    subscription = email.subscription
    cycle = email.cycle
    context = {
        "customer": subscription.customer,
        "subscription": subscription,
        "plan": subscription.plan,
        "cycle": cycle,
        "account_url": site_url("/accounts/"),
        "site_url": site_url("/"),
        "contact_email": settings.OSCAR_FROM_EMAIL,
    }
    if cycle is not None:
        context["month"] = cycle.period
        context["amount"] = cycle.amount
        context["order"] = cycle.order
        context["pay_url"] = site_url(
            reverse("bookclub_payments:authenticate", kwargs={"cycle_id": cycle.pk})
        )
    if email.code == RENEWAL_REMINDER:
        context["renews_on"] = subscription.renews_on
        context["renewal_deadline"] = lifecycle.renewal_deadline(subscription)
        context["renewal_price"] = pricing.plan_price(subscription.plan)
    return context


def send_billing_email(billing_email_id: int) -> bool:
    """Send one of the run's emails unless it went already (the row is locked and marked in the
    same transaction); returns whether it was sent now."""
    from bookclub.models import BillingEmail

    with transaction.atomic():
        email = (
            BillingEmail.objects.select_for_update(of=("self",))
            .select_related("subscription__plan__product", "subscription__customer", "cycle__order")
            .get(pk=billing_email_id)
        )
        if email.sent_at or email.skipped:
            return False
        customer = email.subscription.customer
        if not can_receive(customer):
            email.skipped = True
            email.save(update_fields=["skipped"])
            return False
        dispatcher = SubscriptionDispatcher(logger=logger).dispatcher
        messages = dispatcher.get_messages(email.code, billing_context(email))
        dispatcher.dispatch_user_messages(customer, messages)
        email.sent_at = timezone.now()
        email.save(update_fields=["sent_at"])
    return True
