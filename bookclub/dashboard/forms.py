"""The order admins' subscription forms: what they may choose for this subscription, and why."""

from datetime import date

from django import forms
from django.db.models import Q

from bookclub import lifecycle, months
from bookclub.models import Plan, Subscription

Cancellation = Subscription.CancellationReason
Suspension = Subscription.SuspensionReason


class SubscriptionSearchForm(forms.Form):
    q = forms.CharField(required=False, label="Customer (email or name)", max_length=200)
    plan = forms.ModelChoiceField(
        queryset=Plan.objects.select_related("product").order_by("product__title"),
        required=False,
        empty_label="All plans",
    )
    kind = forms.ChoiceField(choices=[("", "All kinds"), *Plan.Kind.choices], required=False)
    state = forms.ChoiceField(choices=[("", "All states"), *Subscription.State.choices], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def filter(self, subscriptions):
        if not self.is_valid():
            return subscriptions
        data = self.cleaned_data
        if data["plan"]:
            subscriptions = subscriptions.filter(plan=data["plan"])
        if data["kind"]:
            subscriptions = subscriptions.filter(plan__kind=data["kind"])
        if data["state"]:
            subscriptions = subscriptions.filter(state=data["state"])
        for word in data["q"].split():
            subscriptions = subscriptions.filter(
                Q(customer__email__icontains=word)
                | Q(customer__first_name__icontains=word)
                | Q(customer__last_name__icontains=word)
            )
        return subscriptions


def _note_field(label: str, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def cancellation_reasons(subscription: Subscription) -> list[tuple[str, str]]:
    """The reasons an order admin may give for this plan (lifecycle's tables)."""
    plan = subscription.plan
    allowed = lifecycle.CANCELLATIONS_BY_ACTOR[lifecycle.Actor.ADMIN]
    return [
        (value, label)
        for value, label in Cancellation.choices
        if value in allowed
        and plan.kind in lifecycle.CANCELLATION_KINDS.get(value, frozenset(Plan.Kind.values))
        and (value != Cancellation.PLAN_WITHDRAWN or plan.is_withdrawn)
    ]


class CancelForm(forms.Form):
    reason = forms.ChoiceField(label="Why is it cancelled?", widget=forms.RadioSelect)
    note = _note_field("What happened (kept in the history; the customer is told the reason only)")
    refund_pro_rata = forms.BooleanField(
        required=False, label="Refund pro rata what the customer paid in advance for months not yet received"
    )

    def __init__(self, *args, subscription: Subscription, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = cancellation_reasons(subscription)


class SuspendForm(forms.Form):
    reason = forms.ChoiceField(label="Why is it suspended?", widget=forms.RadioSelect)
    note = _note_field("What happened (kept in the history)")

    def __init__(self, *args, subscription: Subscription, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [
            (value, label)
            for value, label in Suspension.choices
            if subscription.plan.kind in lifecycle.SUSPENSION_KINDS.get(value, lifecycle.MONTHLY)
        ]


class ReinstateForm(forms.Form):
    note = _note_field("Why the suspension is lifted (kept in the history)", required=False)


def open_months(subscription: Subscription, count: int = 6) -> list[date]:
    """The months an admin may still change for the customer: from the next order not yet
    formed, up to ``count`` of them (lifecycle checks each again)."""
    if subscription.next_order_on is None:
        return []
    first = max(subscription.next_order_on, months.add_months(months.month_of(months.london_today()), 1))
    return [months.add_months(first, n) for n in range(count)]


class MonthForm(forms.Form):
    """Alter or cancel a future month for the customer (R-S6, R-S7)."""

    SKIP, RESTORE, TITLES = "skip", "restore", "titles"

    month = forms.TypedChoiceField(label="Month", coerce=date.fromisoformat)
    change = forms.ChoiceField(
        label="Change",
        choices=[
            (SKIP, "Skip the month"),
            (RESTORE, "Restore the month"),
            (TITLES, "Set the month's titles"),
        ],
    )
    titles = forms.IntegerField(label="eBook titles that month", required=False, min_value=1)
    note = _note_field("Why (kept in the history)", required=False)

    def __init__(self, *args, subscription: Subscription, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [
            (month.isoformat(), months.describe(month)) for month in open_months(subscription)
        ]
        if not subscription.plan.is_ebook:
            self.fields["change"].choices = self.fields["change"].choices[:2]
            del self.fields["titles"]

    def clean(self):
        data = super().clean()
        if data.get("change") == self.TITLES and not data.get("titles"):
            self.add_error("titles", "Say how many titles the month brings.")
        return data


class WithdrawForm(forms.Form):
    reason = _note_field("Why the plan is withdrawn (in every subscriber's history and the job's summary)")
