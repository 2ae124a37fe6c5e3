"""The forms of joining a plan and of My Account's subscriptions section.

They turn what was typed into the values ``bookclub.lifecycle`` and ``bookclub.joining`` take;
the rules themselves (age, UK address, deadlines) are checked there, not here.
"""

from datetime import date

from django import forms
from oscar.core.loading import get_model

from bookclub.eligibility import Declaration
from bookclub.models import Plan, SubscriptionAddress
from shop.checkout.forms import OrderAgreementForm

UserAddress = get_model("address", "UserAddress")
Country = get_model("address", "Country")

NEW_ADDRESS = "new"


def style(form: forms.Form) -> None:
    """Bootstrap's classes on the inputs, as the shop's own forms have them."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect)):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class JoinForm(forms.Form):
    """Who is joining (R-S1) and, for paperback plans, where the books go (R-D3)."""

    date_of_birth = forms.DateField(
        label="Date of birth",
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
        help_text="Our plans are for readers aged 18 or over.",
        error_messages={
            "required": "Please give your date of birth: our plans are for readers aged 18 or over.",
            "invalid": "Please give your date of birth as a date, for example 15/06/1990.",
        },
    )
    uk_resident = forms.BooleanField(label="I live in the United Kingdom.", required=False)
    ebook_titles = forms.TypedChoiceField(label="eBooks a month", coerce=int, required=False)
    auto_renew = forms.BooleanField(
        label="Renew automatically at the end of each term, charged to the card I save.",
        required=False,
        initial=True,
    )
    address_choice = forms.ChoiceField(label="Deliver to", required=False, widget=forms.RadioSelect)

    def __init__(self, *args, plan: Plan, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.user = user
        if plan.is_ebook:
            self.fields["ebook_titles"].choices = [
                (n, f"{n} title{'s' if n != 1 else ''}") for n in range(plan.min_titles, plan.max_titles + 1)
            ]
            self.fields["ebook_titles"].initial = plan.default_titles
            self.fields["ebook_titles"].required = True
        else:
            del self.fields["ebook_titles"]
        if not plan.is_prepaid:
            del self.fields["auto_renew"]
        if plan.is_physical:
            self.fields[
                "uk_resident"
            ].help_text = "Paperback plans are for UK residents, posted to UK addresses."
            self.saved_addresses = list(
                UserAddress._default_manager.filter(user=user)
                .select_related("country")
                .order_by("-is_default_for_shipping", "-pk")
            )
            choices = [(str(a.pk), ", ".join(a.active_address_fields())) for a in self.saved_addresses]
            self.fields["address_choice"].choices = [*choices, (NEW_ADDRESS, "A new address")]
            self.fields["address_choice"].initial = choices[0][0] if choices else NEW_ADDRESS
            self.address_form = DeliveryAddressForm(*args, prefix="address", **kwargs)
        else:
            del self.fields["uk_resident"]
            del self.fields["address_choice"]
            self.saved_addresses = []
            self.address_form = None
        style(self)

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if self.address_form is not None and self.cleaned_data.get("address_choice") == NEW_ADDRESS:
            valid = self.address_form.is_valid() and valid
        return valid

    def clean_address_choice(self):
        choice = self.cleaned_data.get("address_choice") or NEW_ADDRESS
        if choice != NEW_ADDRESS and choice not in {str(a.pk) for a in self.saved_addresses}:
            raise forms.ValidationError("That address is not in your address book.")
        return choice

    def declaration(self) -> Declaration:
        return Declaration(
            date_of_birth=self.cleaned_data.get("date_of_birth"),
            uk_resident=bool(self.cleaned_data.get("uk_resident")),
        )

    def delivery_address(self) -> SubscriptionAddress | None:
        """An unsaved copy of the chosen address (``lifecycle.join`` keeps its own copy)."""
        if not self.plan.is_physical:
            return None
        choice = self.cleaned_data.get("address_choice")
        if choice == NEW_ADDRESS:
            return self.address_form.save(commit=False)
        saved = next(a for a in self.saved_addresses if str(a.pk) == choice)
        fields = {
            name: getattr(saved, name)
            for name in ("title", "first_name", "last_name", "line1", "line2", "line3", "line4", "state")
        }
        return SubscriptionAddress(
            postcode=saved.postcode, country=saved.country, phone_number=saved.phone_number, **fields
        )

    def titles(self) -> int | None:
        return self.cleaned_data.get("ebook_titles") if self.plan.is_ebook else None


class DeliveryAddressForm(forms.ModelForm):
    """A new delivery address. Every shipping country is listed, so a reader abroad is told
    plainly that plans post to the UK only (R-D3) rather than finding their country missing."""

    class Meta:
        model = SubscriptionAddress
        fields = ["first_name", "last_name", "line1", "line2", "line4", "postcode", "country", "phone_number"]
        labels = {"line1": "Address", "line2": "Address line 2", "line4": "Town or city"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country._default_manager.filter(is_shipping_country=True)
        self.fields["country"].initial = "GB"
        for name in ("first_name", "last_name", "line1", "line4", "postcode"):
            self.fields[name].required = True
        style(self)


class JoinAgreementForm(OrderAgreementForm):
    """The review's boxes: the Terms (as the checkout records them, R-L3) and what was declared."""

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["confirm_age"]  # the date of birth was given and checked
        self.fields["confirm_declarations"] = forms.BooleanField(
            required=True,
            label=(
                "What I declared is true: I am 18 or over and live in the United Kingdom."
                if plan.is_physical
                else "What I declared is true: I am 18 or over."
            ),
            error_messages={"required": "Please confirm that what you declared is true."},
        )
        style(self)


class TitlesForm(forms.Form):
    """An eBook month's number of titles (R-S7)."""

    titles = forms.TypedChoiceField(coerce=int, label="eBooks that month")

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["titles"].choices = [(n, str(n)) for n in range(plan.min_titles, plan.max_titles + 1)]
        style(self)


def parse_month(value: str) -> date | None:
    """A month named ``2027-04`` or ``2027-04-01`` in a URL or form, or None."""
    try:
        year, month = (int(part) for part in value.split("-")[:2])
        return date(year, month, 1)
    except (ValueError, TypeError):
        return None
