"""The order admins' subscription screens (R-U2, R-S5, R-S9). Thin: they read, show the effect of
an action before it is confirmed, then call one rule (``bookclub.lifecycle``,
``bookclub.refunding``, ``bookclub.withdrawals``) and say what happened or why it was refused."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import generic

from bookclub import billing, lifecycle, months, pricing, refunding, refunds, withdrawals
from bookclub.exceptions import SubscriptionError
from bookclub.lifecycle import Action
from bookclub.models import (
    BillingCycle,
    Plan,
    PlanRunAlert,
    PlanWithdrawal,
    Subscription,
    SubscriptionEvent,
    SubscriptionRefund,
)

from .forms import (
    CancelForm,
    MonthForm,
    ReinstateForm,
    SubscriptionSearchForm,
    SuspendForm,
    WithdrawForm,
    open_months,
)

ADMIN = lifecycle.Actor.ADMIN
ADMIN_ACTIONS = (Action.CANCEL, Action.SUSPEND, Action.REINSTATE, Action.SKIP_MONTH)


def _subscriptions():
    return Subscription.objects.select_related("plan__product", "customer")


class SubscriptionListView(generic.ListView):
    """/dashboard/subscriptions/: every subscription, filtered by plan, kind and state, or found
    by the customer's email or name."""

    template_name = "bookclub/dashboard/subscription_list.html"
    context_object_name = "subscriptions"
    paginate_by = 25

    def get_queryset(self):
        self.form = SubscriptionSearchForm(self.request.GET or None)
        return self.form.filter(_subscriptions()).order_by("-created_at", "-pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "form": self.form,
            "filtered": bool(self.request.GET.get("q") or self.form.has_changed()),
        }


def _months_ahead(subscription: Subscription) -> list[dict]:
    skipped = {row.month for row in subscription.months.all() if row.skipped}  # prefetched
    return [
        {
            "month": month,
            "charge": pricing.charge_for_month(subscription, month),
            "skipped": month in skipped,
            "deadline": lifecycle.change_deadline(month),
        }
        for month in open_months(subscription)
    ]


class SubscriptionDetailView(generic.DetailView):
    """A subscription, its history (every change: when, from and to, who, why) and the actions
    the rules allow an order admin now."""

    template_name = "bookclub/dashboard/subscription_detail.html"
    context_object_name = "subscription"

    def get_queryset(self):
        return (
            _subscriptions()
            .select_related("delivery_address__country")
            .prefetch_related(
                "plan__product__stockrecords",
                "months",
                Prefetch(
                    "events", SubscriptionEvent.objects.select_related("by").order_by("created_at", "id")
                ),
                Prefetch("refunds", SubscriptionRefund.objects.select_related("refund", "event")),
            )
        )

    def get_context_data(self, **kwargs):
        subscription = self.object
        allowed = {action for action in ADMIN_ACTIONS if not lifecycle.refusal(subscription, action, ADMIN)}
        return super().get_context_data(**kwargs) | {
            "events": subscription.events.all(),
            "paybacks": subscription.refunds.all(),
            "can_cancel": Action.CANCEL in allowed,
            "can_suspend": Action.SUSPEND in allowed,
            "can_reinstate": Action.REINSTATE in allowed,
            "can_change_months": Action.SKIP_MONTH in allowed,
            "months_ahead": _months_ahead(subscription) if Action.SKIP_MONTH in allowed else [],
            "advance": refunds.unreceived_advance(subscription, on=months.london_today())
            if subscription.is_live
            else None,
            "monthly_cost": pricing.total_monthly_cost(subscription)
            if subscription.plan.is_monthly and subscription.is_live
            else None,
        }


# Not one request transaction: a refund Stripe made must stay recorded whatever happens next.
@method_decorator(transaction.non_atomic_requests, name="dispatch")
class SubscriptionActionView(generic.FormView):
    """An action on a subscription in two steps: the form, then a page saying what it will do
    (the refund figure, the months, the email), then the action itself."""

    action: Action
    title = ""
    button = ""
    template_name = "bookclub/dashboard/subscription_action.html"
    confirm_template_name = "bookclub/dashboard/subscription_confirm.html"

    def dispatch(self, request, *args, **kwargs):
        self.subscription = get_object_or_404(
            _subscriptions().prefetch_related("plan__product__stockrecords", "months"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def back(self):
        return redirect("dashboard:subscription-detail", pk=self.subscription.pk)

    def refused(self):
        """Not allowed now (state, kind of plan): say why on the subscription's page."""
        why_not = lifecycle.refusal(self.subscription, self.action, ADMIN)
        if why_not:
            messages.error(self.request, why_not)
            return self.back()
        return None

    def get(self, request, *args, **kwargs):
        return self.refused() or super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"subscription": self.subscription}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "subscription": self.subscription,
            "title": self.title,
            "button": self.button,
        }

    def form_valid(self, form):
        if "confirm" not in self.request.POST:
            context = self.get_context_data(form=form) | {"effects": self.effects(form)}
            context["confirm_button"] = self.confirm_button(form)
            return self.response_class(
                request=self.request, template=[self.confirm_template_name], context=context
            )
        try:
            message = self.perform(form)
        except SubscriptionError as refused:
            messages.error(self.request, refused.message)
            return self.back()
        messages.success(self.request, message)
        return self.back()

    def post(self, request, *args, **kwargs):
        # A stale page (a second tab, the back button) gets the rules' own refusal.
        if lifecycle.refusal(self.subscription, self.action, ADMIN):
            return self.refused()
        return super().post(request, *args, **kwargs)

    def confirm_button(self, form) -> str:
        return f"Confirm: {self.button.lower()}"

    def effects(self, form) -> list[str]:
        raise NotImplementedError

    def perform(self, form) -> str:
        raise NotImplementedError


def _money(amount) -> str:
    return f"£{amount:,.2f}"


def _today_long() -> str:
    today = months.london_today()
    return f"{today.day} {today:%B %Y}"


class CancelView(SubscriptionActionView):
    action = Action.CANCEL
    form_class = CancelForm
    title = "Cancel the subscription"
    button = "Cancel the subscription"

    def preview(self, form):
        return refunding.preview(
            self.subscription,
            reason=form.cleaned_data["reason"],
            refund_pro_rata=form.cleaned_data["refund_pro_rata"],
        )

    def confirm_button(self, form):
        preview = self.preview(form)
        if preview.amount > 0:
            return f"Confirm: cancel and refund {_money(preview.amount)}"
        return "Confirm: cancel the subscription"

    def effects(self, form) -> list[str]:
        subscription, plan = self.subscription, self.subscription.plan
        reason = dict(form.fields["reason"].choices)[form.cleaned_data["reason"]]
        preview = self.preview(form)
        lines = [
            f"{plan.name} for {subscription.customer.get_full_name() or subscription.customer.email} "
            f"ends today, {_today_long()}: no further orders are made and nothing more is charged.",
            f"Reason recorded and given to the customer: {reason}.",
        ]
        if plan.is_pay_monthly:
            lines.append("Invoices for parcels already delivered remain payable.")
        lines.append(
            f"Paid in advance and not yet received: {_money(preview.figure.amount)}. "
            f"{preview.figure.explanation}"
        )
        if preview.due <= 0 and preview.figure.amount > 0:
            lines.append(f"No refund: tick “Refund pro rata” to give back {_money(preview.figure.amount)}.")
        elif preview.amount > 0:
            order = preview.order
            lines.append(
                f"Refund: {_money(preview.amount)} to the card that paid order {order.number}, "
                "through Stripe, at once."
            )
        if preview.note:
            lines.append(f"Not refunded automatically: {preview.note}")
        if plan.is_ebook:
            lines.append(
                "The eBook subscription cannot be resumed by the customer: only their own cancellations can."
                if form.cleaned_data["reason"] != Subscription.CancellationReason.CUSTOMER_REQUEST
                else "The customer can resume it within 90 days."
            )
        lines.append(
            "The customer is emailed the cancellation"
            + (" and, once Stripe has made it, the refund." if preview.amount > 0 else ".")
        )
        return lines

    def perform(self, form) -> str:
        done = refunding.cancel(
            self.subscription,
            by=self.request.user,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            refund_pro_rata=form.cleaned_data["refund_pro_rata"],
        )
        message = "Subscription cancelled; the customer is being emailed."
        if done.refund is not None:
            if done.refund.status == done.refund.Status.SUCCEEDED:
                message += f" {_money(done.refund.amount)} refunded to their card."
            else:
                messages.error(
                    self.request,
                    f"The refund of {_money(done.refund.amount)} did not go through: {done.refund.error} "
                    "Retry it from the refunds page.",
                )
        elif done.payback is not None and done.payback.note:
            messages.warning(self.request, f"Not refunded: {done.payback.note}")
        return message


class SuspendView(SubscriptionActionView):
    action = Action.SUSPEND
    form_class = SuspendForm
    title = "Suspend the subscription"
    button = "Suspend the subscription"

    def effects(self, form) -> list[str]:
        reason = dict(form.fields["reason"].choices)[form.cleaned_data["reason"]]
        return [
            "From now no order forms and nothing is charged until the suspension is lifted; "
            "orders already formed are not affected.",
            f"Reason recorded and given to the customer: {reason}.",
            "Nothing is refunded: to end the contract and refund pro rata, cancel it instead.",
            "The customer is emailed.",
        ]

    def perform(self, form) -> str:
        lifecycle.suspend(
            self.subscription,
            by=self.request.user,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
        return "Subscription suspended; the customer is being emailed."


class ReinstateView(SubscriptionActionView):
    action = Action.REINSTATE
    form_class = ReinstateForm
    title = "Lift the suspension"
    button = "Lift the suspension"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("subscription")
        return kwargs

    def effects(self, form) -> list[str]:
        following = months.add_months(months.month_of(months.london_today()), 1)
        restart = max(self.subscription.next_order_on or following, following)
        return [
            f"Orders form and are charged again from {months.describe(restart)}.",
            "The customer is emailed.",
        ]

    def perform(self, form) -> str:
        lifecycle.reinstate(self.subscription, by=self.request.user, reason=form.cleaned_data["note"])
        return "Suspension lifted; the customer is being emailed."


class MonthView(SubscriptionActionView):
    """Alter or cancel a future month for the customer (R-S6, R-S7), until its order forms."""

    action = Action.SKIP_MONTH
    form_class = MonthForm
    title = "Change a month"
    button = "Change the month"

    def get_initial(self):
        # The "Titles…" link of a month in the months table names the month and the change.
        return {key: self.request.GET[key] for key in ("month", "change") if key in self.request.GET}

    def effects(self, form) -> list[str]:
        data = form.cleaned_data
        month = data["month"]
        now = pricing.charge_for_month(self.subscription, month)
        name = months.describe(month)
        deadline = lifecycle.change_deadline(month)
        if data["change"] == MonthForm.SKIP:
            effect = f"No order and no charge for {name} (now {_money(now.amount)})."
        elif data["change"] == MonthForm.RESTORE:
            effect = f"{name} is ordered and charged as usual again."
        else:
            amount = pricing.plan_price(self.subscription.plan) * data["titles"]
            effect = f"{name} brings {data['titles']} titles for {_money(amount)} (now {_money(now.amount)})."
        return [
            effect,
            f"It can be changed until 23:59 on {deadline.day} {deadline:%B %Y} (London time).",
            "The customer is emailed.",
        ]

    def perform(self, form) -> str:
        data = form.cleaned_data
        common = {"by": self.request.user, "reason": data["note"]}
        if data["change"] == MonthForm.SKIP:
            lifecycle.skip_month(self.subscription, data["month"], **common)
        elif data["change"] == MonthForm.RESTORE:
            lifecycle.restore_month(self.subscription, data["month"], **common)
        else:
            lifecycle.set_month_titles(self.subscription, data["month"], titles=data["titles"], **common)
        return f"{months.describe(data['month'])} changed; the customer is being emailed."


# ---------------------------------------------------------------------------------------------
# Withdrawing a plan altogether (T7.1, R-S9)
# ---------------------------------------------------------------------------------------------
RUNNING = Q(subscriptions__state__in=Subscription.LIVE_STATES)


class PlanWithdrawalListView(generic.TemplateView):
    """Plans with their running subscriptions, and the withdrawals with their progress."""

    template_name = "bookclub/dashboard/plan_withdrawal_list.html"

    def get_context_data(self, **kwargs):
        plans = (
            Plan.objects.filter(withdrawn_at__isnull=True)
            .select_related("product")
            .annotate(running=Count("subscriptions", filter=RUNNING))
            .order_by("product__title")
        )
        done = PlanWithdrawal.objects.select_related("plan__product", "started_by")
        return super().get_context_data(**kwargs) | {
            "plans": plans,
            "withdrawals": [(withdrawal, withdrawals.progress(withdrawal)) for withdrawal in done],
        }


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class WithdrawView(generic.FormView):
    """Withdraw a plan: what it will do (subscribers, refunds due), then the background job."""

    form_class = WithdrawForm
    template_name = "bookclub/dashboard/plan_withdraw.html"

    def dispatch(self, request, *args, **kwargs):
        self.plan = get_object_or_404(
            Plan.objects.select_related("product").filter(withdrawn_at__isnull=True), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def effects(self) -> dict:
        running = (
            lifecycle.subscriptions_of_withdrawn_plan(self.plan)
            .select_related("plan__product")
            .prefetch_related("months", "plan__product__stockrecords")
        )
        today = months.london_today()
        figures = [refunds.unreceived_advance(subscription, on=today).amount for subscription in running]
        return {
            "subscribers": len(figures),
            "refund_total": sum(figures, refunds.ZERO),
            "refunded_subscribers": sum(1 for amount in figures if amount > 0),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"plan": self.plan, **self.effects()}

    def form_valid(self, form):
        if "confirm" not in self.request.POST:
            return self.render_to_response(self.get_context_data(form=form, confirming=True))
        try:
            with transaction.atomic():
                withdrawal = withdrawals.start(
                    self.plan, by=self.request.user, reason=form.cleaned_data["reason"]
                )
        except SubscriptionError as refused:
            messages.error(self.request, refused.message)
            return redirect("dashboard:plan-withdrawal-list")
        messages.success(
            self.request,
            f"{self.plan.name} is withdrawn; its subscriptions are being cancelled and refunded.",
        )
        return redirect("dashboard:plan-withdrawal-detail", pk=withdrawal.pk)


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class WithdrawalDetailView(generic.DetailView):
    """A withdrawal's progress and summary: each subscriber, what was owed and what went back."""

    template_name = "bookclub/dashboard/plan_withdrawal_detail.html"
    context_object_name = "withdrawal"
    queryset = PlanWithdrawal.objects.select_related("plan__product", "started_by")

    def get_context_data(self, **kwargs):
        withdrawal = self.object
        rows = withdrawal.refunds.select_related("subscription__customer", "refund", "event").order_by("pk")
        return super().get_context_data(**kwargs) | {
            "progress": withdrawals.progress(withdrawal),
            "rows": rows,
        }

    def post(self, request, *args, **kwargs):
        withdrawal = self.get_object()
        with transaction.atomic():
            withdrawals.rerun(withdrawal)
        messages.info(
            request, "The withdrawal job runs again: it finishes what is left and refunds nobody twice."
        )
        return redirect("dashboard:plan-withdrawal-detail", pk=withdrawal.pk)


# ---------------------------------------------------------------------------------------------
# The monthly run (R-S10): counts by state per plan, failures with a retry, "run now"
# ---------------------------------------------------------------------------------------------
RUN_COLUMNS = [
    ("to_do", "To do", (BillingCycle.State.TODO, BillingCycle.State.ORDERED, BillingCycle.State.CHARGING)),
    ("paid", "Paid", (BillingCycle.State.PAID,)),
    ("needs_authentication", "Needs authentication", (BillingCycle.State.NEEDS_AUTHENTICATION,)),
    ("retrying", "Retrying", (BillingCycle.State.RETRYING,)),
    ("failed", "Failed", (BillingCycle.State.FAILED,)),
    ("invoiced", "Invoiced", (BillingCycle.State.INVOICED,)),
    ("skipped", "Skipped", (BillingCycle.State.SKIPPED,)),
]


def _period_from(value: str | None):
    """The month asked for as YYYY-MM, else this month in London (bad input is ignored)."""
    from datetime import date

    try:
        year, month = (int(part) for part in (value or "").split("-")[:2])
        return date(year, month, 1)
    except ValueError:
        return months.month_of(months.london_today())


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class MonthlyRunView(generic.TemplateView):
    """/dashboard/subscriptions/run/?period=YYYY-MM: where each plan's month stands."""

    template_name = "bookclub/dashboard/monthly_run.html"

    def get_context_data(self, **kwargs):
        period = _period_from(self.request.GET.get("period"))
        counts = {
            (plan_id, state): n
            for plan_id, state, n in BillingCycle.objects.filter(period=period)
            .values_list("plan_id", "state")
            .annotate(n=Count("pk"))
            .values_list("plan_id", "state", "n")
        }
        due = dict(
            Subscription.objects.filter(state=Subscription.State.ACTIVE, next_order_on=period)
            .values_list("plan_id")
            .annotate(n=Count("pk"))
            .values_list("plan_id", "n")
        )
        alerts = {
            alert.plan_id: alert
            for alert in PlanRunAlert.objects.filter(period=period, resolved_at__isnull=True)
        }
        plan_ids = {plan_id for plan_id, _ in counts} | set(due) | set(alerts)
        rows = []
        for plan in Plan.objects.filter(pk__in=plan_ids).select_related("product").order_by("kind", "pk"):
            cells = [sum(counts.get((plan.pk, state), 0) for state in states) for _, _, states in RUN_COLUMNS]
            rows.append(
                {
                    "plan": plan,
                    "cells": cells,
                    "total": sum(cells),
                    "not_opened": due.get(plan.pk, 0),
                    "alert": alerts.get(plan.pk),
                }
            )
        problems = (
            BillingCycle.objects.filter(
                period=period,
                state__in=[
                    BillingCycle.State.FAILED,
                    BillingCycle.State.NEEDS_AUTHENTICATION,
                    BillingCycle.State.RETRYING,
                ],
            )
            .select_related("subscription__customer", "plan__product", "order")
            .order_by("state", "pk")[:100]
        )
        running = any(counts.get((p, s), 0) for p in plan_ids for s in RUN_COLUMNS[0][2])
        return super().get_context_data(**kwargs) | {
            "period": period,
            "previous": months.add_months(period, -1),
            "next": months.add_months(period, 1),
            "has_begun": months.has_begun(period),
            "columns": [label for _, label, _ in RUN_COLUMNS],
            "rows": rows,
            "problems": problems,
            "running": running,
        }


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class MonthlyRunNowView(generic.View):
    """ "Run now" for a plan and month: starts a run worker (safe: the run is idempotent)."""

    def post(self, request, *args, **kwargs):
        from bookclub.tasks import run_monthly_task

        period = _period_from(request.POST.get("period"))
        plan = get_object_or_404(Plan, pk=request.POST.get("plan") or 0)
        back = redirect(f"{reverse('dashboard:monthly-run')}?period={period:%Y-%m}")
        if not months.has_begun(period):
            messages.error(request, f"{months.describe(period)} has not begun: its run cannot start yet.")
            return back
        transaction.on_commit(lambda: run_monthly_task.enqueue(period.isoformat(), plan.pk))
        messages.success(
            request,
            f"The {months.describe(period)} run of {plan.name} has started. It forms, charges and "
            "confirms only what is not done yet.",
        )
        return back


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class MonthlyRunRetryView(generic.View):
    """Retry a failed cycle: it is worked on again at the next run (a new charge attempt)."""

    def post(self, request, pk: int, *args, **kwargs):
        cycle = get_object_or_404(BillingCycle.objects.select_related("subscription"), pk=pk)
        was_failed = cycle.state == BillingCycle.State.FAILED
        billing.retry(cycle)
        month = f"Subscription #{cycle.subscription_id}'s {months.describe(cycle.period)}"
        if was_failed:
            messages.success(request, f"{month} will be tried again at the next run (or press Run now).")
        else:
            messages.info(request, f"{month} has not failed: there is nothing to retry.")
        return redirect(f"{reverse('dashboard:monthly-run')}?period={cycle.period:%Y-%m}")
