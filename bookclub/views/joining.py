"""Joining a plan: thin views over ``bookclub.joining`` and ``bookclub.lifecycle``.

Steps: (sign in or register) → about you and delivery → card (pre-paid and eBook plans) →
review and join → (3-D Secure) → joined. Each step reads the pending subscription, which holds
what was declared and chosen, so a reload, the back button or a second tab carry on from it.
"""

import logging
import re

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import generic

from bookclub import joining, lifecycle, months, pricing, selections
from bookclub.exceptions import SubscriptionError
from bookclub.forms import JoinAgreementForm, JoinForm
from bookclub.models import Plan, Subscription
from shop.payment import stripe_api

logger = logging.getLogger(__name__)

NOT_REACHED = (
    "We could not reach our card payment provider, so nothing has been charged. Please try again in a moment."
)
NOT_AUTHORISED = "Your bank did not confirm this payment, so nothing has been charged. Please try again."
RETURN_SESSION_KEY = "bookclub_join_payment_intent"


def stripe_context() -> dict:
    return {"stripe_js_url": stripe_api.js_url(), "stripe_publishable_key": stripe_api.publishable_key()}


def steps(plan: Plan) -> list[str]:
    names = ["About you" if not plan.is_physical else "About you and delivery"]
    if joining.needs_card(plan):
        names.append("Card")
    return [*names, "Review and join"]


class JoinMixin(LoginRequiredMixin):
    """Plans need an account: anyone signed out goes to sign in or register, then comes back."""

    def pending(self) -> Subscription:
        try:
            subscription = joining.pending_for(self.request.user, self.kwargs["pk"])
        except Subscription.DoesNotExist:
            raise Http404("No such subscription") from None
        return subscription

    def step_context(self, plan: Plan, step: int) -> dict:
        return {"plan": plan, "steps": steps(plan), "step": step}


class JoinView(JoinMixin, generic.View):
    """Step 1: date of birth, UK residence and address (paperbacks), titles (eBook), renewal."""

    template_name = "bookclub/join/about_you.html"

    def plan(self) -> Plan:
        plan = get_object_or_404(Plan.objects.select_related("product"), pk=self.kwargs["plan_id"])
        return plan

    def refusal(self, plan: Plan):
        if not plan.accepts_new_members:
            return f"Sorry, {plan.name} is not taking new members."
        return ""

    def render_form(self, plan, form, error=""):
        context = {**self.step_context(plan, 1), "form": form, "error": error}
        try:
            context["quote"] = pricing.quote(plan, today=months.london_today())
        except SubscriptionError:
            context["quote"] = None
        return render(self.request, self.template_name, context, status=400 if error or form.errors else 200)

    def get(self, request, plan_id):
        plan = self.plan()
        refusal = self.refusal(plan)
        if refusal:
            return render(
                request, "bookclub/join/closed.html", {"plan": plan, "message": refusal}, status=200
            )
        current = Subscription.objects.filter(
            customer=request.user, plan=plan, state__in=Subscription.LIVE_STATES
        ).first()
        if current is not None and current.state != Subscription.State.PENDING:
            messages.info(request, f"You already belong to {plan.name}.")
            return redirect("bookclub:subscription", pk=current.pk)
        initial = {}
        if current is not None:
            initial = {
                "date_of_birth": current.declared_date_of_birth,
                "uk_resident": current.declared_uk_resident,
                "ebook_titles": current.ebook_titles,
                "auto_renew": current.auto_renew,
            }
        return self.render_form(plan, JoinForm(plan=plan, user=request.user, initial=initial))

    def post(self, request, plan_id):
        plan = self.plan()
        refusal = self.refusal(plan)
        if refusal:
            return render(
                request, "bookclub/join/closed.html", {"plan": plan, "message": refusal}, status=200
            )
        form = JoinForm(request.POST, plan=plan, user=request.user)
        if not form.is_valid():
            return self.render_form(plan, form)
        try:
            outcome = lifecycle.join(
                plan,
                by=request.user,
                declaration=form.declaration(),
                delivery_address=form.delivery_address(),
                ebook_titles=form.titles(),
                auto_renew=form.cleaned_data.get("auto_renew", True),
            )
        except SubscriptionError as error:
            return self.render_form(plan, form, error=str(error))
        subscription = outcome.subscription
        if joining.needs_card(plan) and not subscription.stripe_payment_method_id:
            return redirect("bookclub:join-card", pk=subscription.pk)
        return redirect("bookclub:join-review", pk=subscription.pk)


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class CardView(JoinMixin, generic.View):
    """Step 2 (pre-paid, eBook): save a card with a SetupIntent, 3-D Secure in the page (R-P5)."""

    template_name = "bookclub/join/card.html"

    def render_card(self, subscription, error="", status=200):
        context = {
            **self.step_context(subscription.plan, 2),
            "subscription": subscription,
            "error": error,
            "quote": joining.quote_for(subscription),
        }
        try:
            intent = joining.start_card_setup(subscription)
        except stripe_api.StripeError:
            logger.exception("Could not start a SetupIntent for subscription %s", subscription.pk)
            context["error"] = NOT_REACHED
            return render(self.request, self.template_name, context, status=503)
        context.update(stripe_context(), client_secret=intent.client_secret)
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        subscription = self.pending()
        if subscription.state != Subscription.State.PENDING:
            return redirect("bookclub:subscription", pk=subscription.pk)
        return self.render_card(subscription)

    def post(self, request, pk):
        subscription = self.pending()
        if subscription.state != Subscription.State.PENDING:
            return redirect("bookclub:subscription", pk=subscription.pk)
        setup_intent_id = request.POST.get("setup_intent_id", "")
        if not re.fullmatch(r"seti_\w+", setup_intent_id):
            return self.render_card(
                subscription, "We did not receive your card details. Please enter them again.", 400
            )
        try:
            result = joining.save_card(subscription, setup_intent_id, by=request.user)
        except stripe_api.StripeError:
            logger.exception("Could not read SetupIntent %s", setup_intent_id)
            return self.render_card(subscription, NOT_REACHED, 503)
        except SubscriptionError as error:
            return self.render_card(subscription, str(error), 400)
        if not result.saved:
            return self.render_card(subscription, result.message, 400)
        return redirect("bookclub:join-review", pk=subscription.pk)


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class ReviewView(JoinMixin, generic.View):
    """The last step: the plan's terms, what it costs, the boxes, then Join (and pay)."""

    template_name = "bookclub/join/review.html"

    def render_review(self, subscription, form=None, error="", status=200):
        plan = subscription.plan
        quote = joining.quote_for(subscription)
        context = {
            **self.step_context(plan, len(steps(plan))),
            "subscription": subscription,
            "quote": quote,
            "form": form or JoinAgreementForm(plan=plan),
            "error": error,
            "picks": selections.picks_for(plan, quote.first_month),
            "change_url": reverse("bookclub:join", kwargs={"plan_id": plan.pk}),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        subscription = self.pending()
        if subscription.state != Subscription.State.PENDING:
            return redirect("bookclub:subscription", pk=subscription.pk)
        if joining.needs_card(subscription.plan) and not subscription.stripe_payment_method_id:
            return redirect("bookclub:join-card", pk=subscription.pk)
        return self.render_review(subscription)

    def post(self, request, pk):
        subscription = self.pending()
        if subscription.state == Subscription.State.ACTIVE:  # a second tab joined already
            return redirect("bookclub:joined", pk=subscription.pk)
        if subscription.state != Subscription.State.PENDING:
            return redirect("bookclub:subscription", pk=subscription.pk)
        plan = subscription.plan
        form = JoinAgreementForm(request.POST, plan=plan)
        if not form.is_valid():
            error = None if form.non_field_errors() else "Please tick both boxes below to join."
            return self.render_review(subscription, form, error or "", status=400)
        agreed_at = timezone.now()
        try:
            if not joining.needs_card(plan):
                joining.join_without_payment(subscription, by=request.user, agreed_terms_at=agreed_at)
                return redirect("bookclub:joined", pk=subscription.pk)
            started = joining.pay(subscription, by=request.user, agreed_terms_at=agreed_at)
        except SubscriptionError as error:
            return self.render_review(subscription, form, str(error), status=400)
        except stripe_api.CardError as error:
            return self.render_review(subscription, form, stripe_api.card_error_message(error), status=402)
        except stripe_api.StripeError:
            logger.exception("Stripe error while joining, subscription %s", subscription.pk)
            return self.render_review(subscription, form, NOT_REACHED, status=503)
        intent = started.intent
        request.session[RETURN_SESSION_KEY] = intent.id
        if intent.status == "requires_action":
            return render(
                request,
                "bookclub/join/authenticate.html",
                {
                    **stripe_context(),
                    **self.step_context(plan, len(steps(plan))),
                    "client_secret": intent.client_secret,
                    "amount": started.payment.amount,
                    "return_url": reverse("bookclub:join-return") + f"?payment_intent={intent.id}",
                },
            )
        return finish(request, intent.id)


def finish(request, payment_intent_id: str):
    """Where the browser lands once Stripe has answered: joined, or why not."""
    result = joining.finish_payment(payment_intent_id)
    subscription = result.subscription
    if result.outcome == "joined":
        request.session.pop(RETURN_SESSION_KEY, None)
        return redirect("bookclub:joined", pk=subscription.pk)
    if result.outcome == "unknown" or subscription is None:
        messages.error(request, "That payment is not part of joining a plan. Please start again.")
        return redirect("/plans/")
    if result.outcome == "waiting" and result.intent.status == "processing":
        messages.info(request, "Your bank is still processing the payment. We will email you once it clears.")
        return redirect("bookclub:subscriptions")
    error = getattr(result.intent, "last_payment_error", None)
    message = getattr(error, "message", None) if error is not None else None
    if getattr(error, "code", "") == "payment_intent_authentication_failure" or not message:
        message = NOT_AUTHORISED
    messages.error(request, message)
    return redirect("bookclub:join-review", pk=subscription.pk)


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class PaymentReturnView(LoginRequiredMixin, generic.View):
    """After 3-D Secure: the server reads the PaymentIntent itself and decides."""

    def get(self, request):
        payment_intent_id = request.GET.get("payment_intent", "")
        if not payment_intent_id or payment_intent_id != request.session.get(RETURN_SESSION_KEY):
            messages.error(request, "That payment is not part of joining a plan. Please start again.")
            return redirect("/plans/")
        return finish(request, payment_intent_id)


class JoinedView(JoinMixin, generic.View):
    """Welcome: what happens next, and where to find the plan."""

    def get(self, request, pk):
        subscription = self.pending()
        if subscription.state == Subscription.State.PENDING:
            return redirect("bookclub:join-review", pk=subscription.pk)
        first_order = subscription.orders.select_related("order").order_by("month").first()
        return render(
            request,
            "bookclub/join/joined.html",
            {
                "subscription": subscription,
                "plan": subscription.plan,
                "first_order": first_order.order if first_order else None,
                "monthly_cost": pricing.total_monthly_cost(subscription),
                "first_charge": pricing.charge_for_month(subscription, subscription.first_period)
                if subscription.first_period
                else None,
            },
        )
