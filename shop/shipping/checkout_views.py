"""The delivery steps of the checkout: address and method (R-D2, R-D3, R-D4).

Mounted through shop/checkout/views.py, where Oscar looks for them. Payment, preview and the
thank-you page are the payment module's.
"""

from django.contrib import messages
from django.shortcuts import redirect
from oscar.apps.checkout import views as oscar_views
from oscar.core.loading import get_model

from . import rules
from .forms import ShippingAddressForm

UserAddress = get_model("address", "UserAddress")


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
