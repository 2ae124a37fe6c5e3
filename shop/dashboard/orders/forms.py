from django import forms
from oscar.apps.dashboard.orders.forms import *  # noqa: F403


class EstimatedDeliveryForm(forms.Form):
    """R-D6: a new estimated delivery date, and why (the customer is emailed both)."""

    new_date = forms.DateField(
        label="New estimated delivery date",
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(
        label="Reason (sent to the customer)",
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        max_length=1000,
        help_text="For example: the carrier's strike delays parcels by three days.",
    )


class LinePriceCorrectionForm(forms.Form):
    """R-C5: the price a line should have cost; the difference is refunded."""

    line = forms.ModelChoiceField(
        queryset=None, label="Line", widget=forms.Select(attrs={"class": "form-control"})
    )
    new_unit_price = forms.DecimalField(
        label="Correct unit price (incl. VAT, £)",
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01"}),
    )
    reason = forms.CharField(
        label="Reason", widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}), max_length=1000
    )

    def __init__(self, order, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = order.lines.all()
        self.fields["line"].label_from_instance = lambda line: (
            f"{line.title} x {line.quantity} at £{line.unit_price_incl_tax}"
        )
