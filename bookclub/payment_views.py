"""The page a subscriber reaches from the "please confirm with your bank" email (R-P5, R-S7):
it finishes 3-D Secure on-session for a monthly charge the bank would not take off-session.

Thin: the cycle is the signed-in customer's own (anyone else gets a 404); what the payment's
state means is ``bookclub.billing``'s. Coming back from the bank, the page asks Stripe for the
outcome (``billing.check_authentication``): paid, the order is confirmed by email.
"""

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View

from bookclub import billing
from bookclub.models import BillingCycle
from shop.payment import stripe_api


@method_decorator(login_required, name="dispatch")
@method_decorator(transaction.non_atomic_requests, name="dispatch")
class AuthenticatePaymentView(View):
    template_name = "bookclub/authenticate_payment.html"

    def get(self, request, cycle_id: int):
        cycle = get_object_or_404(
            BillingCycle.objects.select_related("subscription__plan__product", "order"),
            pk=cycle_id,
            subscription__customer=request.user,
        )
        if cycle.state == BillingCycle.State.NEEDS_AUTHENTICATION and "returned" in request.GET:
            billing.check_authentication(cycle.pk)
            cycle.refresh_from_db()
        context = {
            "cycle": cycle,
            "subscription": cycle.subscription,
            "plan": cycle.subscription.plan,
            "returned": "returned" in request.GET,
        }
        if cycle.state == BillingCycle.State.NEEDS_AUTHENTICATION and cycle.payment_intent_id:
            intent = stripe_api.retrieve_payment_intent(cycle.payment_intent_id)
            context |= {
                "stripe_js_url": stripe_api.js_url(),
                "stripe_publishable_key": stripe_api.publishable_key(),
                "client_secret": intent.client_secret,
                # After Stripe's off-session refusal the intent waits for its card again.
                "payment_method": cycle.subscription.stripe_payment_method_id
                if intent.status == "requires_payment_method"
                else "",
                "return_url": reverse("bookclub_payments:authenticate", kwargs={"cycle_id": cycle.pk})
                + "?returned=1",
            }
        return render(request, self.template_name, context)
