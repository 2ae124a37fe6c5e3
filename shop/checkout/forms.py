"""The review step's agreement boxes (contract 4): both unticked, both required (R-L2, R-A5)."""

from django import forms
from django.utils.html import format_html

# The delivery address form lives with the delivery rules (shop/shipping/forms.py).
from shop.shipping.forms import ShippingAddressForm  # noqa: F401

TERMS_REFUSED = (
    "We can only take your order once you agree to our Terms and Conditions of Sale. "
    "Please tick the box to agree; nothing has been charged."
)
AGE_REFUSED = (
    "You need to be 18 or over to buy from us. Please confirm your age to continue; nothing has been charged."
)


class OrderAgreementForm(forms.Form):
    agree_terms = forms.BooleanField(
        required=True,
        initial=False,
        label=format_html(
            'I agree to the <a href="{}" target="_blank" rel="noopener">Terms and Conditions of Sale</a> '
            'and have read the <a href="{}" target="_blank" rel="noopener">Privacy Policy</a>.',
            "/legal/terms/",
            "/legal/privacy/",
        ),
        error_messages={"required": TERMS_REFUSED},
    )
    confirm_age = forms.BooleanField(
        required=True,
        initial=False,
        label="I am 18 or over.",
        error_messages={"required": AGE_REFUSED},
    )
