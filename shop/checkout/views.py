"""Oscar's checkout with Stripe card payments (R-P1, R-P2, R-L2, R-A5).

Steps: sign in or continue as a guest, delivery address and method (only where this basket may
go, R-D2, R-D3; skipped for eBook-only baskets, R-D4), card (Stripe.js makes a PaymentMethod in
the page: no card data reaches us), review (agreement boxes, "Pay and place order"), then 3-D
Secure if the bank asks, then confirmation.
The order itself is placed by shop.checkout.placement, only once the payment has succeeded.
"""

import logging
import re

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import generic
from oscar.apps.checkout import views as oscar_views
from oscar.apps.checkout.exceptions import FailedPreCondition
from oscar.apps.checkout.utils import CheckoutSessionData
from oscar.core.loading import get_model

from shop.checkout import placement
from shop.checkout.forms import OrderAgreementForm, ShippingAddressForm
from shop.payment import stripe_api
from shop.payment.models import CheckoutPayment
from shop.shipping import rules

logger = logging.getLogger(__name__)

UserAddress = get_model("address", "UserAddress")

PAYMENT_INTENT_SESSION_KEY = "checkout_payment_intent"
UNAVAILABLE_SESSION_KEY = "checkout_unavailable_payment"
NOT_REACHED = (
    "We could not reach our card payment provider, so no payment has been taken. "
    "Please try again in a moment."
)
NOT_AUTHORISED = (
    "Your bank did not confirm this payment, so nothing has been charged. "
    "Please try again or use another card."
)


# ---------------------------------------------------------------------------------------------
# Delivery address and method (R-D2, R-D3, R-D4)
# ---------------------------------------------------------------------------------------------
class ShippingAddressView(oscar_views.ShippingAddressView):
    form_class = ShippingAddressForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["basket"] = self.request.basket
        return kwargs

    def get_available_addresses(self):
        # Only address-book entries this basket may be sent to.
        addresses = super().get_available_addresses()
        if rules.basket_has_subscription_plan(self.request.basket):
            addresses = addresses.filter(country_id=rules.UK)
        return addresses

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["uk_only"] = rules.basket_has_subscription_plan(self.request.basket)
        return context

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated and "address_id" in request.POST:
            address = UserAddress._default_manager.filter(
                pk=request.POST.get("address_id"), user=request.user
            ).first()
            if address is None:
                messages.error(request, "That address is not in your address book.")
                return redirect("checkout:shipping-address")
            refusal = rules.destination_refusal(request.basket, address.country)
            if refusal:
                messages.error(request, refusal)
                return redirect("checkout:shipping-address")
        return super().post(request, *args, **kwargs)


class ShippingMethodView(oscar_views.ShippingMethodView):
    def get(self, request, *args, **kwargs):
        if request.basket.is_shipping_required() and self.checkout_session.is_shipping_address_set():
            address = self.get_shipping_address(request.basket)
            refusal = rules.destination_refusal(request.basket, address) if address else ""
            if refusal:
                messages.error(request, refusal)
                return redirect("checkout:shipping-address")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        address = self.get_shipping_address(self.request.basket)
        context["international"] = rules.is_international(address)
        return context


# ---------------------------------------------------------------------------------------------
# Card, review and payment (R-P1, R-P2, R-L2, R-A5)
# ---------------------------------------------------------------------------------------------
def stripe_context() -> dict:
    return {"stripe_js_url": stripe_api.js_url(), "stripe_publishable_key": stripe_api.publishable_key()}


def estimated_delivery_for(shipping_method):
    """The delivery method's estimate (R-D6), when the method gives one."""
    estimate = getattr(shipping_method, "estimated_delivery", None)
    return estimate() if callable(estimate) else estimate


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class PaymentDetailsView(oscar_views.PaymentDetailsView):
    """'payment-details' (the card) and 'preview' (the review step, ``preview=True``).

    Not wrapped in one request transaction: a PaymentIntent that Stripe created must be
    recorded even if something later in the request fails.
    """

    # ---- pre-conditions -------------------------------------------------------------------
    def get_pre_conditions(self, request):
        conditions = super().get_pre_conditions(request)
        if request.method == "POST" and request.POST.get("action") != "place_order":
            # The card step posts its PaymentMethod to the preview URL (Oscar's way).
            conditions = [c for c in conditions if c != "check_payment_data_is_captured"]
        return conditions

    def check_payment_data_is_captured(self, request):
        if not self.checkout_session._get("payment", "method_id"):
            raise FailedPreCondition(
                url=reverse("checkout:payment-details"), message="Please enter your card details first."
            )

    # ---- context ----------------------------------------------------------------------------
    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(stripe_context())
        ctx["card_label"] = self.checkout_session._get("payment", "card_label")
        ctx.setdefault("agreement_form", OrderAgreementForm())
        ctx["estimated_delivery"] = estimated_delivery_for(ctx.get("shipping_method"))
        return ctx

    # ---- the card step ----------------------------------------------------------------------
    def handle_payment_details_submission(self, request):
        method_id = request.POST.get("payment_method_id", "")
        if not re.fullmatch(r"pm_\w+", method_id):
            return self.render_payment_details(
                request, error="We did not receive your card details. Please enter them again."
            )
        try:
            method = stripe_api.retrieve_payment_method(method_id)
        except stripe_api.StripeError:
            logger.exception("Could not read PaymentMethod %s", method_id)
            return self.render_payment_details(request, error=NOT_REACHED)
        card = getattr(method, "card", None)
        label = f"{card.brand.title()} ending {card.last4}" if card else "Card"
        self.checkout_session._set("payment", "method_id", method_id)
        self.checkout_session._set("payment", "card_label", label)
        return redirect("checkout:preview")

    # ---- the review step: pay, then place the order -----------------------------------------
    def handle_place_order_submission(self, request):
        form = OrderAgreementForm(request.POST)
        if not form.is_valid():
            # A change of terms is explained inside the form; otherwise point at the boxes.
            error = None if form.non_field_errors() else "Please tick both boxes below to place your order."
            return self.render_preview(request, agreement_form=form, error=error)
        submission = self.build_submission()
        basket = submission["basket"]
        try:
            _payment, intent = placement.start_payment(
                basket=basket,
                user=submission["user"],
                guest_email=submission["order_kwargs"].get("guest_email") or "",
                shipping_address=submission["shipping_address"],
                shipping_method=submission["shipping_method"],
                order_total=submission["order_total"],
                payment_method_id=self.checkout_session._get("payment", "method_id"),
                card_label=self.checkout_session._get("payment", "card_label") or "",
                confirmed_age=form.cleaned_data["confirm_age"],
            )
        except stripe_api.CardError as error:
            logger.info("Card declined for basket %s: %s", basket.id, getattr(error, "code", ""))
            return back_to_card_step(request, stripe_api.card_error_message(error))
        except stripe_api.StripeError:
            logger.exception("Stripe error while paying for basket %s", basket.id)
            return self.render_preview(request, agreement_form=form, error=NOT_REACHED)

        request.session[PAYMENT_INTENT_SESSION_KEY] = intent.id
        if intent.status == "requires_action":
            return render(
                request,
                "oscar/checkout/authenticate.html",
                {
                    **stripe_context(),
                    "client_secret": intent.client_secret,
                    "return_url": reverse("checkout:payment-return") + f"?payment_intent={intent.id}",
                    "order_total": submission["order_total"],
                },
            )
        return finish_payment(request, intent.id)


def back_to_card_step(request, message: str):
    """The card was not accepted: the basket is untouched; ask for the card again."""
    CheckoutSessionData(request)._unset("payment", "method_id")
    messages.error(request, message)
    return redirect("checkout:payment-details")


def finish_payment(request, payment_intent_id: str):
    """Where the browser lands once Stripe has an answer: the order, or the reason there is none."""
    result = placement.place_order_for_payment_intent(payment_intent_id)
    session = CheckoutSessionData(request)
    if result.outcome == "placed":
        session.flush()
        request.session.pop(PAYMENT_INTENT_SESSION_KEY, None)
        request.session["checkout_order_id"] = result.order.id
        return redirect("checkout:thank-you")
    if result.outcome == "unavailable":
        session._unset("payment", "method_id")
        request.session[UNAVAILABLE_SESSION_KEY] = result.payment.pk
        return redirect("checkout:unavailable")
    if result.outcome == "not_paid" and result.intent.status == "processing":
        messages.info(
            request, "Your bank is still processing the payment. We will email you as soon as it clears."
        )
        return redirect("basket:summary")
    error = getattr(result.intent, "last_payment_error", None) if result.intent else None
    if error is not None and getattr(error, "code", "") != "payment_intent_authentication_failure":
        return back_to_card_step(request, getattr(error, "message", None) or NOT_AUTHORISED)
    return back_to_card_step(request, NOT_AUTHORISED)


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class PaymentReturnView(generic.View):
    """After 3-D Secure in the page: the server reads the PaymentIntent itself and decides."""

    def get(self, request):
        payment_intent_id = request.GET.get("payment_intent", "")
        if not payment_intent_id or payment_intent_id != request.session.get(PAYMENT_INTENT_SESSION_KEY):
            messages.error(request, "That payment is not part of your checkout. Please start again.")
            return redirect("basket:summary")
        return finish_payment(request, payment_intent_id)


class UnavailableView(generic.TemplateView):
    """The payment went through but a book sold out meanwhile: refunded, and why."""

    template_name = "oscar/checkout/unavailable.html"

    def get(self, request, *args, **kwargs):
        payment = CheckoutPayment.objects.filter(pk=request.session.get(UNAVAILABLE_SESSION_KEY)).first()
        if payment is None:
            return redirect("basket:summary")
        return self.render_to_response(self.get_context_data(payment=payment))


class ThankYouView(oscar_views.ThankYouView):
    def get_context_data(self, *args, **kwargs):
        ctx = super().get_context_data(*args, **kwargs)
        ctx["confirmation_email"] = self.object.email
        return ctx
