from django import forms
from django.core.exceptions import ValidationError
from oscar.apps.dashboard.shipping.forms import WeightBandForm  # noqa: F401
from oscar.core.loading import get_model

Country = get_model("address", "Country")
WeightBased = get_model("shipping", "WeightBased")

UK = "GB"


class WeightBasedForm(forms.ModelForm):
    """Oscar's method form with the zone, free-delivery threshold and delivery times (R-D1)."""

    class Meta:
        model = WeightBased
        fields = [
            "name",
            "zone",
            "description",
            "is_active",
            "display_order",
            "countries",
            "serves_rest_of_world",
            "default_weight",
            "free_shipping_threshold",
            "min_days",
            "max_days",
        ]
        widgets = {"countries": forms.SelectMultiple(attrs={"size": 12})}
        help_texts = {"countries": "The destinations this method serves: type a country's name to add it."}

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_days"), cleaned.get("max_days")
        if low is not None and high is not None and low > high:
            self.add_error("max_days", "The slowest time cannot be shorter than the fastest.")
        if not cleaned.get("countries") and not cleaned.get("serves_rest_of_world"):
            raise ValidationError(
                "Choose the countries this method serves, or let it serve the rest of the world."
            )
        return cleaned


class BlockedDestinationsForm(forms.Form):
    """R-D2: the countries we do not deliver to."""

    blocked = forms.ModelMultipleChoiceField(
        queryset=Country.objects.exclude(iso_3166_1_a2=UK).order_by("printable_name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Countries we do not deliver to",
    )
