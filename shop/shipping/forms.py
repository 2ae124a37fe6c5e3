"""The checkout's delivery address form: only countries we deliver to (R-D2, R-D3)."""

from oscar.apps.checkout.forms import ShippingAddressForm as OscarShippingAddressForm

from . import rules

BLOCKED_MESSAGE = "Sorry, we cannot deliver to that country. Please choose another delivery address."


class ShippingAddressForm(OscarShippingAddressForm):
    """Oscar's form with its countries narrowed to where this basket may go.

    Blocked countries are not offered (Oscar lists only shipping countries); a basket with
    a subscription plan is offered the UK alone. A forged POST naming another country fails
    with a message that says why.
    """

    def __init__(self, *args, basket=None, **kwargs):
        self.basket = basket
        super().__init__(*args, **kwargs)

    def adjust_country_field(self):
        super().adjust_country_field()
        field = self.fields.get("country")
        if field is None:
            return
        field.error_messages["invalid_choice"] = BLOCKED_MESSAGE
        if self.basket is not None and rules.basket_has_subscription_plan(self.basket):
            field.queryset = field.queryset.filter(iso_3166_1_a2=rules.UK)
            field.help_text = "Subscription plans are delivered to UK addresses only."
            field.error_messages["invalid_choice"] = rules.destination_refusal(self.basket, "FR")

    def clean(self):
        cleaned = super().clean()
        country = cleaned.get("country") or getattr(self.instance, "country", None)
        if country is not None:
            refusal = rules.destination_refusal(self.basket, country)
            if refusal:
                self.add_error("country" if "country" in self.fields else None, refusal)
        return cleaned
