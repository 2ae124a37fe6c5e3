"""My Account → Subscriptions: thin views over ``bookclub.account`` and ``bookclub.lifecycle``."""

import logging
import re

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import generic

from bookclub import account, invoices, joining
from bookclub.exceptions import SubscriptionError
from bookclub.forms import TitlesForm, parse_month
from bookclub.models import Subscription
from bookclub.views.joining import NOT_REACHED, stripe_context
from shop.payment import stripe_api

logger = logging.getLogger(__name__)

DONE = "Done. We have emailed you a confirmation."


class AccountMixin(LoginRequiredMixin):
    def subscription(self) -> Subscription:
        found = (
            account.subscriptions_of(self.request.user).filter(pk=self.kwargs["pk"]).first()
            if str(self.kwargs.get("pk", "")).isdigit()
            else None
        )
        if found is None:
            raise Http404("No such subscription")
        return found

    def page(self, template: str, context: dict, status: int = 200):
        title = context["subscription"].plan.name if "subscription" in context else "Subscriptions"
        defaults = {"active_tab": "subscriptions", "page_title": title}
        return render(self.request, template, {**defaults, **context}, status=status)


class SubscriptionListView(AccountMixin, generic.View):
    def get(self, request):
        subscriptions = list(account.subscriptions_of(request.user))
        rows = [(subscription, account.next_step(subscription)) for subscription in subscriptions]
        return self.page("bookclub/account/subscriptions.html", {"rows": rows})


class SubscriptionDetailView(AccountMixin, generic.View):
    def get(self, request, pk):
        subscription = self.subscription()
        if subscription.state == Subscription.State.PENDING:
            return redirect("bookclub:join-review", pk=subscription.pk)
        return self.page(
            "bookclub/account/subscription.html",
            {"details": account.details(subscription, by=request.user), "subscription": subscription},
        )


class SubscriptionActionView(AccountMixin, generic.View):
    """GET explains what the change will do; POST (the confirm button) does it and emails."""

    template_name = "bookclub/account/confirm.html"

    def explanation(self, request, subscription, data):
        month = parse_month(data.get("month", "")) if data.get("month") else None
        titles = None
        if self.kwargs["action"] == "titles" and "titles" in data:
            form = TitlesForm(data, plan=subscription.plan)
            if not form.is_valid():
                raise SubscriptionError("Choose how many eBooks.")
            titles = form.cleaned_data["titles"]
        return account.explain(
            subscription, self.kwargs["action"], by=request.user, month=month, titles=titles
        )

    def refuse(self, subscription, error):
        messages.error(self.request, str(error))
        return redirect("bookclub:subscription", pk=subscription.pk)

    def get(self, request, pk, action):
        subscription = self.subscription()
        if action == "titles" and "titles" not in request.GET:
            # First choose the number; the next page shows the new charge before confirming.
            month = parse_month(request.GET.get("month", ""))
            try:
                account.check(subscription, action, by=request.user, month=month)
            except SubscriptionError as error:
                return self.refuse(subscription, error)
            form = TitlesForm(plan=subscription.plan, initial={"titles": subscription.ebook_titles})
            return self.page(
                "bookclub/account/titles.html", {"subscription": subscription, "form": form, "month": month}
            )
        try:
            explanation = self.explanation(request, subscription, request.GET)
        except SubscriptionError as error:
            return self.refuse(subscription, error)
        return self.page(self.template_name, {"subscription": subscription, "explanation": explanation})

    def post(self, request, pk, action):
        subscription = self.subscription()
        try:
            explanation = self.explanation(request, subscription, request.POST)
            account.perform(subscription, explanation, by=request.user)
        except SubscriptionError as error:
            return self.refuse(subscription, error)
        messages.success(request, DONE)
        return redirect("bookclub:subscription", pk=subscription.pk)


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class ReplaceCardView(AccountMixin, generic.View):
    """Replace the saved card with a new SetupIntent (3-D Secure in the page, R-P5)."""

    template_name = "bookclub/account/card.html"

    def render_card(self, subscription, error="", status=200):
        context = {"subscription": subscription, "error": error}
        try:
            intent = joining.start_card_setup(subscription, purpose="replace")
        except stripe_api.StripeError:
            logger.exception("Could not start a SetupIntent for subscription %s", subscription.pk)
            return self.page(self.template_name, {**context, "error": NOT_REACHED}, status=503)
        return self.page(
            self.template_name, {**context, **stripe_context(), "client_secret": intent.client_secret}, status
        )

    def allowed(self, subscription) -> bool:
        return subscription.state in (
            Subscription.State.ACTIVE,
            Subscription.State.SUSPENDED,
        ) and joining.needs_card(subscription.plan)

    def get(self, request, pk):
        subscription = self.subscription()
        if not self.allowed(subscription):
            return redirect("bookclub:subscription", pk=subscription.pk)
        return self.render_card(subscription)

    def post(self, request, pk):
        subscription = self.subscription()
        if not self.allowed(subscription):
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
        messages.success(request, "Your new card is saved. We have emailed you a confirmation.")
        return redirect("bookclub:subscription", pk=subscription.pk)


INVOICE_SESSION_KEY = "bookclub_invoice_payment_intent"


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class PayInvoiceView(AccountMixin, generic.View):
    """Pay an open invoice of a pay-monthly plan by card (Stripe.js, 3-D Secure in the page)."""

    template_name = "bookclub/account/pay_invoice.html"

    def invoice(self, subscription):
        order = invoices.open_invoice(subscription, self.kwargs["number"])
        if order is None:
            raise Http404("No such invoice to pay")
        return order

    def render_form(self, subscription, order, error="", status=200):
        context = {"subscription": subscription, "order": order, "error": error, **stripe_context()}
        return self.page(self.template_name, context, status)

    def get(self, request, pk, number):
        subscription = self.subscription()
        return self.render_form(subscription, self.invoice(subscription))

    def post(self, request, pk, number):
        subscription = self.subscription()
        order = self.invoice(subscription)
        method_id = request.POST.get("payment_method_id", "")
        if not re.fullmatch(r"pm_\w+", method_id):
            return self.render_form(subscription, order, "We did not receive your card details.", 400)
        try:
            intent = invoices.start_payment(subscription, order, payment_method_id=method_id)
        except stripe_api.CardError as error:
            return self.render_form(subscription, order, stripe_api.card_error_message(error), 402)
        except stripe_api.StripeError:
            logger.exception("Stripe error paying invoice %s", order.number)
            return self.render_form(subscription, order, NOT_REACHED, 503)
        request.session[INVOICE_SESSION_KEY] = intent.id
        if intent.status == "requires_action":
            return self.page(
                "bookclub/account/authenticate.html",
                {
                    **stripe_context(),
                    "subscription": subscription,
                    "order": order,
                    "client_secret": intent.client_secret,
                    "return_url": reverse("bookclub:invoice-return") + f"?payment_intent={intent.id}",
                },
            )
        return invoice_paid(request, subscription, intent.id)


def invoice_paid(request, subscription, payment_intent_id: str):
    result = invoices.finish_payment(payment_intent_id)
    if result.outcome == "paid":
        request.session.pop(INVOICE_SESSION_KEY, None)
        messages.success(request, f"Thank you: order {result.order.number} is paid.")
    elif result.outcome == "waiting":
        messages.info(request, "Your bank is still processing the payment.")
    else:
        messages.error(request, "Your bank did not confirm this payment, so nothing has been charged.")
    return redirect("bookclub:subscription", pk=subscription.pk)


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class InvoiceReturnView(LoginRequiredMixin, generic.View):
    def get(self, request):
        payment_intent_id = request.GET.get("payment_intent", "")
        if not payment_intent_id or payment_intent_id != request.session.get(INVOICE_SESSION_KEY):
            messages.error(request, "That payment is not one of your invoices.")
            return redirect("bookclub:subscriptions")
        intent_subscription = invoices.subscription_of(payment_intent_id, request.user)
        if intent_subscription is None:
            return redirect("bookclub:subscriptions")
        return invoice_paid(request, intent_subscription, payment_intent_id)
