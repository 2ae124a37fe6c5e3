"""The checkout's forms: the delivery address, only to countries we deliver to (R-D2, R-D3), and
the review step's agreement boxes, both unticked, both required (R-L2, R-A5)."""

from django import forms
from django.utils.html import format_html
from oscar.apps.checkout.forms import ShippingAddressForm as OscarShippingAddressForm

from legal import acceptance, versions
from shop.shipping import rules

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


TERMS_REFUSED = (
    "We can only take your order once you agree to our Terms and Conditions of Sale. "
    "Please tick the box to agree; nothing has been charged."
)
AGE_REFUSED = (
    "You need to be 18 or over to buy from us. Please confirm your age to continue; nothing has been charged."
)


TERMS_CHANGED = (
    "Our Terms and Conditions of Sale or Privacy Policy changed while you were checking out. "
    "Please read the new version and tick the box again; nothing has been charged."
)
TERMS_UNAVAILABLE = (
    "We cannot take orders at the moment because our terms are not published. "
    "Please try again later; nothing has been charged."
)


class OrderAgreementForm(forms.Form):
    """The review step's boxes, tied to the exact legal versions the customer was shown (R-L2, R-L3).

    The versions shown travel with the form; if a newer version went live meanwhile the form is
    refused and shown again with the new one, so nobody agrees to terms they never saw.
    """

    agree_terms = forms.BooleanField(required=True, initial=False, error_messages={"required": TERMS_REFUSED})
    confirm_age = forms.BooleanField(
        required=True,
        initial=False,
        label="I am 18 or over.",
        error_messages={"required": AGE_REFUSED},
    )
    terms_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    privacy_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.terms, self.privacy = acceptance.versions_to_accept()
        self.fields["terms_version"].initial = self.terms.pk if self.terms else None
        self.fields["privacy_version"].initial = self.privacy.pk if self.privacy else None
        self.fields["agree_terms"].label = format_html(
            'I agree to the <a href="{}" target="_blank" rel="noopener">Terms and Conditions of Sale</a> '
            'and have read the <a href="{}" target="_blank" rel="noopener">Privacy Policy</a>.',
            versions.version_url(self.terms) if self.terms else "/legal/terms/",
            versions.version_url(self.privacy) if self.privacy else "/legal/privacy/",
        )

    def clean(self):
        cleaned_data = super().clean()
        if not (self.terms and self.privacy):
            raise forms.ValidationError(TERMS_UNAVAILABLE, code="no_terms")
        shown = (cleaned_data.get("terms_version"), cleaned_data.get("privacy_version"))
        if not acceptance.still_in_force(*shown):
            # Show the new versions: the customer ticks again for what is now in force.
            self.data = self.data.copy()
            self.data["terms_version"], self.data["privacy_version"] = self.terms.pk, self.privacy.pk
            self.data.pop("agree_terms", None)
            raise forms.ValidationError(TERMS_CHANGED, code="terms_changed")
        return cleaned_data
