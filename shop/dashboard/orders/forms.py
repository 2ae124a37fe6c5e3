"""Why forked: the order page's own forms (R-D6, R-C5) and the refund form (R-P4, R-X6)."""

from decimal import Decimal

from django import forms
from oscar.apps.dashboard.orders.forms import *  # noqa: F403

from shop.payment.models import Refund

# What an admin may choose on the refunds page; an unplaced payment's refund is automatic.
ADMIN_REFUND_KINDS = [(value, label) for value, label in Refund.Kind.choices if value != Refund.Kind.UNPLACED]


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


class RefundForm(forms.Form):
    """R-P4, R-X6, R-C5: what to refund, and why (the customer is told the reason)."""

    kind = forms.ChoiceField(choices=ADMIN_REFUND_KINDS, widget=forms.RadioSelect, label="What to refund")
    amount = forms.DecimalField(
        required=False,
        min_value=Decimal("0.01"),
        decimal_places=2,
        label="Amount (£), for a price correction",
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Reason (the customer sees it)")

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        self.order = order
        for line in order.lines.select_related("product__product_class"):
            kind = line.product.get_product_class().name if line.product else ""
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                required=False,
                min_value=0,
                max_value=line.quantity,
                initial=0,
                label=f"{line.title} ({kind}, {line.quantity} ordered, {line.status or 'pending'})",
            )

    def line_fields(self):
        return [self[name] for name in self.fields if name.startswith("line_")]

    def line_quantities(self) -> dict[int, int]:
        return {
            int(name[5:]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("line_") and value
        }

    def clean(self):
        data = super().clean()
        if data.get("kind") == Refund.Kind.AMOUNT and not data.get("amount"):
            self.add_error("amount", "Enter the amount to refund.")
        return data
