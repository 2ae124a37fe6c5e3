"""The club's plans and subscriptions (docs/subscriptions.md).

These models hold data; the rules live in plain modules: ``plans`` and ``pricing`` (plans and
what a month costs), ``eligibility`` (R-S1), ``discounts`` (R-S5), ``refunds`` (R-S9), and
``lifecycle``, the only module that writes a subscription's state and dates.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from oscar.core.loading import get_class

AbstractShippingAddress = get_class("address.abstract_models", "AbstractShippingAddress")


class Plan(models.Model):
    """What a plan is beyond its Oscar product (a "Subscription plan" product of the catalogue).

    The price is the product's own stock record price, VAT-inclusive as the strategy prices it:
    the term's price for a pre-paid plan, the monthly price for a pay-monthly paperback plan,
    the price of one title for an eBook plan (``bookclub.pricing``).
    """

    class Kind(models.TextChoices):
        PREPAID = "prepaid", "Pre-paid"
        PAY_MONTHLY = "pay_monthly", "Pay-monthly paperbacks"
        EBOOK = "ebook", "Pay-monthly eBooks"

    product = models.OneToOneField("catalogue.Product", on_delete=models.PROTECT, related_name="plan")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    term_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Pre-paid plans: the months one payment covers (3, 6, 12...)."
    )
    books_per_month = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Paperback plans: books posted each month."
    )
    min_titles = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="eBook plans: the fewest titles a member may choose for a month."
    )
    max_titles = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="eBook plans: the most titles a member may choose for a month."
    )
    default_titles = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="eBook plans: the titles a month brings unless the member chose."
    )
    is_open_to_new_members = models.BooleanField(default=True)
    closed_to_new_members_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(
        null=True, blank=True, help_text="The plan was withdrawn altogether: every subscription ends."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "term_months", "id"]
        constraints = [
            models.CheckConstraint(
                name="plan_prepaid_has_a_term_and_books",
                condition=~Q(kind="prepaid") | Q(term_months__gte=1, books_per_month__gte=1),
            ),
            models.CheckConstraint(
                name="plan_pay_monthly_has_books",
                condition=~Q(kind="pay_monthly") | Q(books_per_month__gte=1, term_months__isnull=True),
            ),
            models.CheckConstraint(
                name="plan_ebook_has_a_title_range",
                condition=~Q(kind="ebook")
                | Q(
                    min_titles__gte=1,
                    default_titles__gte=models.F("min_titles"),
                    max_titles__gte=models.F("default_titles"),
                    term_months__isnull=True,
                    books_per_month__isnull=True,
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.product.title

    @property
    def name(self) -> str:
        return self.product.title

    @property
    def is_prepaid(self) -> bool:
        return self.kind == self.Kind.PREPAID

    @property
    def is_pay_monthly(self) -> bool:
        """Pay-monthly paperbacks (invoiced), not eBooks."""
        return self.kind == self.Kind.PAY_MONTHLY

    @property
    def is_ebook(self) -> bool:
        return self.kind == self.Kind.EBOOK

    @property
    def is_physical(self) -> bool:
        """Paperbacks posted to a UK address (R-D3)."""
        return self.kind in (self.Kind.PREPAID, self.Kind.PAY_MONTHLY)

    @property
    def is_monthly(self) -> bool:
        """Charged month by month (both pay-monthly kinds)."""
        return self.kind in (self.Kind.PAY_MONTHLY, self.Kind.EBOOK)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def accepts_new_members(self) -> bool:
        return self.is_open_to_new_members and not self.is_withdrawn


class SubscriptionAddress(AbstractShippingAddress):
    """A copy of the UK address a physical plan is posted to, taken when the customer chose it.

    A copy rather than a link to the address book: customers edit and delete their saved
    addresses freely, and a plan's parcels must not change destination (or lose it) unless the
    customer changes the plan's own address, which is recorded in its history.
    """

    class Meta:
        verbose_name = "subscription delivery address"
        verbose_name_plural = "subscription delivery addresses"


ACTORS = [("customer", "The customer"), ("admin", "An order admin"), ("system", "The system")]


class Subscription(models.Model):
    """One customer's membership of one plan. Written only by ``bookclub.lifecycle``."""

    class State(models.TextChoices):
        PENDING = "pending", "Joining"
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        CANCELLED = "cancelled", "Cancelled"
        ENDED = "ended", "Ended"
        PURGED = "purged", "Closed, details removed"
        ABANDONED = "abandoned", "Joining not completed"

    # States with a running contract (or one being formed): one per customer and plan.
    LIVE_STATES = (State.PENDING, State.ACTIVE, State.SUSPENDED)

    class CancellationReason(models.TextChoices):
        CUSTOMER_REQUEST = "customer_request", "At the customer's request"
        SIGNIFICANT_CHANGE = "significant_change", "The customer ended it before a change to the terms"
        MISUSE_OF_DISCOUNT = "misuse_of_discount", "Misuse of the first-order discount"
        NON_PAYMENT = "non_payment", "Non-payment after a reminder"
        WRONG_DETAILS = "wrong_details", "Incorrect details not corrected"
        BREACH = "breach", "Breach of the terms"
        PLAN_WITHDRAWN = "plan_withdrawn", "The plan was withdrawn"
        ACCOUNT_CLOSED = "account_closed", "The customer closed their account"

    class SuspensionReason(models.TextChoices):
        MISUSE_OF_DISCOUNT = "misuse_of_discount", "Misuse of the first-order discount"
        NON_PAYMENT = "non_payment", "Non-payment after a reminder"
        WRONG_DETAILS = "wrong_details", "Incorrect details not corrected"
        BREACH = "breach", "Breach of the terms"

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="subscriptions"
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    # The contract (R-L5, R-S3): formed when the confirmation is sent.
    started_at = models.DateTimeField(null=True, blank=True)
    first_period = models.DateField(null=True, blank=True, help_text="The month of the first order.")
    next_order_on = models.DateField(
        null=True, blank=True, help_text="The month whose order forms next (on its first day)."
    )
    # Pre-paid terms (R-S3)
    current_term_start = models.DateField(null=True, blank=True)
    current_term_end = models.DateField(null=True, blank=True)
    renews_on = models.DateField(null=True, blank=True)
    auto_renew = models.BooleanField(default=True)
    term_price = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, help_text="What the current term cost."
    )
    # eBook plans (R-S7): titles a month brings unless a month says otherwise.
    ebook_titles = models.PositiveSmallIntegerField(null=True, blank=True)
    # Physical plans (R-D3)
    delivery_address = models.OneToOneField(
        SubscriptionAddress, null=True, blank=True, on_delete=models.SET_NULL, related_name="subscription"
    )
    # The saved card (R-P5), filled in by joining; never a card number, only Stripe's references.
    stripe_customer_id = models.CharField(max_length=255, blank=True)
    stripe_payment_method_id = models.CharField(max_length=255, blank=True)
    card_brand = models.CharField(max_length=32, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    card_exp_month = models.PositiveSmallIntegerField(null=True, blank=True)
    card_exp_year = models.PositiveSmallIntegerField(null=True, blank=True)
    card_fingerprint = models.CharField(max_length=64, blank=True)
    card_saved_at = models.DateTimeField(null=True, blank=True)
    # What the customer declared to join (R-S1)
    declared_date_of_birth = models.DateField(null=True, blank=True)
    declared_uk_resident = models.BooleanField(null=True, blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    # The once-in-a-lifetime first-order discount (R-S5)
    first_order_discount = models.BooleanField(default=False)
    discount_claimed_at = models.DateTimeField(null=True, blank=True)
    # Cancellation (R-S6, R-S8, R-S9)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Who, as a role; the person is on the history row. No link to the staff member here, so
    # an order admin's data export never carries the subscriptions they dealt with.
    cancelled_by = models.CharField(max_length=10, choices=ACTORS, blank=True)
    cancellation_reason = models.CharField(max_length=32, choices=CancellationReason.choices, blank=True)
    cancellation_note = models.TextField(blank=True)
    cancellation_effective_on = models.DateField(null=True, blank=True)
    keep_details_until = models.DateField(
        null=True, blank=True, help_text="eBook plans: resumable until this day (90 days, R-S8)."
    )
    # Suspension (R-S5, R-S9)
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_by = models.CharField(max_length=10, choices=ACTORS, blank=True)
    suspension_reason = models.CharField(max_length=32, choices=SuspensionReason.choices, blank=True)
    suspension_note = models.TextField(blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Two tabs joining the same plan make one subscription.
            models.UniqueConstraint(
                fields=["customer", "plan"],
                condition=Q(state__in=["pending", "active", "suspended"]),
                name="one_live_subscription_per_customer_and_plan",
            ),
        ]
        indexes = [models.Index(fields=["state", "next_order_on"], name="subscription_due")]

    def __str__(self) -> str:
        # No customer details: this text appears in other people's data exports and logs.
        return f"{self.plan} subscription #{self.pk} ({self.get_state_display()})"

    @property
    def is_live(self) -> bool:
        return self.state in self.LIVE_STATES

    @property
    def card_label(self) -> str:
        """'Visa ending 4242', or '' without a saved card."""
        if not self.card_last4:
            return ""
        return f"{(self.card_brand or 'Card').title()} ending {self.card_last4}"


class SubscriptionEvent(models.Model):
    """One line of a subscription's history: every state change and every change the customer
    or an admin makes (the dashboard shows these)."""

    class Actor(models.TextChoices):
        CUSTOMER = "customer", "The customer"
        ADMIN = "admin", "An order admin"
        SYSTEM = "system", "The system"

    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=32)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20)
    actor = models.CharField(max_length=10, choices=Actor.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=64, blank=True, help_text="A reason code, where there is one.")
    note = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["subscription", "created_at"], name="subscription_history")]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_state or '-'} -> {self.to_state}"

    # What each action is called in the dashboard's history (bookclub.lifecycle.Action).
    ACTION_LABELS = {
        "join": "Joining began",
        "abandon": "Joining not completed",
        "confirm": "Contract formed (confirmation sent)",
        "suspend": "Suspended",
        "reinstate": "Suspension lifted",
        "cancel": "Cancelled",
        "resume": "Resumed",
        "purge": "Details removed",
        "end_term": "Ended with its term",
        "renew_term": "Term renewed",
        "set_auto_renewal": "Automatic renewal changed",
        "skip_month": "Month skipped",
        "restore_month": "Month restored",
        "set_month_titles": "Month's titles changed",
        "set_usual_titles": "Usual titles changed",
        "set_delivery_address": "Delivery address changed",
        "record_card": "Card saved",
        "erase_details": "Personal details erased",
    }

    @property
    def is_state_change(self) -> bool:
        return self.from_state != self.to_state

    @property
    def action_label(self) -> str:
        return self.ACTION_LABELS.get(self.action, self.action.replace("_", " ").capitalize())

    @property
    def from_state_label(self) -> str:
        return dict(Subscription.State.choices).get(self.from_state, self.from_state)

    @property
    def to_state_label(self) -> str:
        return dict(Subscription.State.choices).get(self.to_state, self.to_state)

    @property
    def reason_label(self) -> str:
        choices = dict(Subscription.CancellationReason.choices) | dict(Subscription.SuspensionReason.choices)
        return choices.get(self.reason, self.reason)


class SubscriptionMonth(models.Model):
    """What the customer (or an admin for them) chose ahead of time for one month of a plan:
    skip it, or (eBook plans) how many titles it brings. The monthly run reads these at its
    cut-off; a month without a row follows the subscription's defaults."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="months")
    month = models.DateField(help_text="The first day of the month.")
    skipped = models.BooleanField(default=False)
    ebook_titles = models.PositiveSmallIntegerField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "month"], name="one_choice_per_subscription_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.month:%Y-%m}"


class SubscriptionEmail(models.Model):
    """An email a subscription event owes the customer. One row per (event, email code): a retried
    task finds it sent and sends nothing."""

    event = models.ForeignKey(SubscriptionEvent, on_delete=models.PROTECT, related_name="emails")
    code = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    skipped = models.BooleanField(default=False, help_text="Not sent: the account has no usable email.")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "code"], name="one_email_per_event_and_code")]

    def __str__(self) -> str:
        return f"{self.code} for event {self.event_id}"


class DiscountClaim(models.Model):
    """The once-per-person-for-life ledger of the 50 % first-order discount (R-S5).

    No link to the user or the subscription: it outlives both (cancellation, account closure).
    It keeps only what matching needs, keyed hashes (``bookclub.discounts``) of the normalised
    email, delivery address and card, each unique, so a second claim by the same person fails
    in the database even when two arrive at once.
    """

    email_hash = models.CharField(max_length=64, unique=True)
    address_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    card_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    claimed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["claimed_at", "id"]

    def __str__(self) -> str:
        return f"Discount claimed {self.claimed_at:%Y-%m-%d}"


class PlanWithdrawal(models.Model):
    """A plan withdrawn altogether (T7.1, R-S9): the job that cancels every subscription and
    refunds each subscriber pro rata, with its progress (``bookclub.withdrawals``)."""

    plan = models.OneToOneField(Plan, on_delete=models.PROTECT, related_name="withdrawal")
    reason = models.TextField(help_text="Why the plan is withdrawn (in every subscriber's history).")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    subscriber_count = models.PositiveIntegerField(
        default=0, help_text="Running subscriptions when the withdrawal began."
    )
    runs = models.PositiveIntegerField(default=0, help_text="How many times the job has run.")
    last_run_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Withdrawal of {self.plan}"


class SubscriptionRefund(models.Model):
    """The pro-rata refund of one cancellation (R-S9): what was owed, how much went back to which
    order's payment (the shop's ``payment.Refund``), or why nothing could. One per cancellation,
    and one per subscription and withdrawal: a job run twice refunds a subscriber once."""

    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="refunds")
    event = models.OneToOneField(SubscriptionEvent, on_delete=models.PROTECT, related_name="refund")
    withdrawal = models.ForeignKey(
        PlanWithdrawal, null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    amount_due = models.DecimalField(max_digits=10, decimal_places=2)
    amount = models.DecimalField(
        max_digits=10, decimal_places=2, help_text="Sent back to the card: at most what the order has left."
    )
    order_number = models.CharField(max_length=128, blank=True)
    refund = models.OneToOneField(
        "payment.Refund", null=True, blank=True, on_delete=models.PROTECT, related_name="subscription_refund"
    )
    note = models.TextField(blank=True, help_text="Why less or nothing went back, for the order admins.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["withdrawal", "subscription"],
                condition=Q(withdrawal__isnull=False),
                name="one_withdrawal_refund_per_subscription",
            )
        ]

    def __str__(self) -> str:
        return f"Pro-rata refund of {self.amount} for subscription {self.subscription_id}"


class SubscriptionOrder(models.Model):
    """An order made for one month of a subscription (the first at joining, then the monthly run's).

    What My Account lists as the plan's past orders; one order per subscription and month.
    """

    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="orders")
    order = models.OneToOneField("order.Order", on_delete=models.PROTECT, related_name="subscription_order")
    month = models.DateField(help_text="The first day of the month the order is for.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "month"], name="one_order_per_subscription_month")
        ]

    def __str__(self) -> str:
        return f"Order for {self.month:%B %Y} of subscription {self.subscription_id}"


class JoiningPayment(models.Model):
    """The first charge of a pre-paid (the term) or eBook plan (the first month), paid by card
    while joining: one Stripe PaymentIntent on the card the joining saved (R-P1, R-P5).

    The order number is reserved before Stripe is asked, so a second press of "Pay and join"
    finds this row and reads the same PaymentIntent instead of charging twice; the browser's
    return and the ``payment_intent.succeeded`` webhook both finish joining through it, once.
    """

    class Status(models.TextChoices):
        STARTED = "started", "Waiting for the payment"
        PAID = "paid", "Paid: the subscription is confirmed"
        FAILED = "failed", "Not paid"

    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="joining_payments")
    payment_intent_id = models.CharField(max_length=255, unique=True)
    order_number = models.CharField(max_length=128, unique=True)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.STARTED)
    agreed_terms_at = models.DateTimeField(help_text="When the customer ticked the Terms box (R-L3).")
    order = models.OneToOneField(
        "order.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="joining_payment"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Joining payment {self.payment_intent_id} for subscription {self.subscription_id}"


# ==============================================================================
# The monthly run (R-S10, R-S7, R-S3, R-P3, R-P5): one billing cycle per subscription and month
# ==============================================================================
class BillingCycle(models.Model):
    """One subscription's month in the monthly run, and the run's idempotency key (R-S10).

    Created in bulk when a period is opened (``bookclub.billing.open_period``), claimed by
    workers under a lease, and moved on one recorded step at a time: the order formed, the
    charge asked for (its idempotency key names this row and the attempt), then paid, waiting
    for the customer's authentication, retrying, failed, invoiced or skipped. A second run, a
    crashed worker's lease running out, or two workers at once find the step already recorded.
    """

    class State(models.TextChoices):
        TODO = "todo", "To do"
        ORDERED = "ordered", "Order formed, not charged yet"
        CHARGING = "charging", "Charge asked for"
        PAID = "paid", "Paid"
        NEEDS_AUTHENTICATION = "needs_authentication", "Needs the customer's authentication"
        RETRYING = "retrying", "Declined, retrying"
        FAILED = "failed", "Failed"
        INVOICED = "invoiced", "Invoiced"
        SKIPPED = "skipped", "Skipped"

    # States the run still has work to do in (a worker may claim them).
    OPEN_STATES = (State.TODO, State.ORDERED, State.CHARGING, State.RETRYING)
    DONE_STATES = (State.PAID, State.INVOICED, State.SKIPPED, State.FAILED)

    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="cycles")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="cycles")
    period = models.DateField(help_text="The month (its first day).")
    state = models.CharField(max_length=24, choices=State.choices, default=State.TODO)
    order = models.OneToOneField(
        "order.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="billing_cycle"
    )
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    titles = models.PositiveSmallIntegerField(null=True, blank=True, help_text="eBook plans.")
    renews_term = models.BooleanField(default=False, help_text="Pre-paid: this month starts a new term.")
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Charges asked for so far.")
    payment_intent_id = models.CharField(max_length=255, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    failure_code = models.CharField(max_length=64, blank=True)
    failure_message = models.TextField(blank=True)
    note = models.CharField(max_length=255, blank=True)
    leased_until = models.DateTimeField(null=True, blank=True)
    leased_by = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["period", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "period"], name="one_cycle_per_subscription_month"
            )
        ]
        indexes = [models.Index(fields=["period", "state"], name="cycle_todo")]

    def __str__(self) -> str:
        return f"Cycle {self.period:%Y-%m} of subscription {self.subscription_id} ({self.state})"

    @property
    def idempotency_key(self) -> str:
        """Stripe's key for this cycle's current charge attempt."""
        return f"cycle-{self.pk}-attempt-{self.attempts}"


class RateBucket(models.Model):
    """A token bucket shared by every worker on every machine (``bookclub.pacing``): the run's
    calls to Stripe stay under a configured rate however many workers there are."""

    name = models.CharField(max_length=64, unique=True)
    tokens = models.FloatField(default=0)
    refilled_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name}: {self.tokens:.1f} tokens"


class PlanRunAlert(models.Model):
    """A plan's month that could not run: no live selection by its run date. The plan's run
    stops there, whole (never a half-built month), until the selection is live and it runs again."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="run_alerts")
    period = models.DateField()
    message = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period", "plan_id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "period"], name="one_run_alert_per_plan_month")
        ]

    def __str__(self) -> str:
        return f"{self.plan}: {self.period:%B %Y} did not run"


class Invoice(models.Model):
    """A pay-monthly paperback month's invoice (R-P3): due 14 days after delivery."""

    cycle = models.OneToOneField(BillingCycle, on_delete=models.PROTECT, related_name="invoice")
    order = models.OneToOneField("order.Order", on_delete=models.PROTECT, related_name="invoice")
    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="invoices")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    issued_at = models.DateTimeField(default=timezone.now)
    delivery_expected_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(help_text="14 days after delivery (R-P3).")
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return f"Invoice for order {self.order_id}: {self.amount}, due {self.due_on}"


class BillingEmail(models.Model):
    """An email the run owes a customer, once: an authentication request for a charge, a
    declined card, a renewal reminder 3 days before a pre-paid renewal (R-S3). ``key`` names
    what it is about ("renewal-<subscription>-<date>", "cycle-<id>-auth-<attempt>"), unique: a
    second run or a retried task finds it and sends nothing."""

    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="billing_emails")
    cycle = models.ForeignKey(
        BillingCycle, null=True, blank=True, on_delete=models.PROTECT, related_name="emails"
    )
    code = models.CharField(max_length=64)
    key = models.CharField(max_length=128, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    skipped = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.code} ({self.key})"


# ==============================================================================
# The editors' side (Wagtail): a page per plan and a dated selection per plan and month (R-S2)
# ==============================================================================
# Imported here so Django finds the page models with the rest of the app's models.
from bookclub.pages import MonthlySelectionPage, PlanPage, PlansIndexPage, SelectionPick  # noqa: E402

__all__ = [
    "BillingCycle",
    "BillingEmail",
    "DiscountClaim",
    "Invoice",
    "JoiningPayment",
    "MonthlySelectionPage",
    "Plan",
    "PlanPage",
    "PlanRunAlert",
    "PlanWithdrawal",
    "PlansIndexPage",
    "RateBucket",
    "SelectionPick",
    "Subscription",
    "SubscriptionAddress",
    "SubscriptionEmail",
    "SubscriptionEvent",
    "SubscriptionMonth",
    "SubscriptionOrder",
    "SubscriptionRefund",
]
