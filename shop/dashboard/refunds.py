"""The order admin's refund screen: /dashboard/orders/<number>/refunds/ (R-P4, R-X6, R-C5)."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import user_passes_test
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.views import generic
from oscar.core.loading import get_model

from shop.payment import refunds
from shop.payment.models import Refund

Order = get_model("order", "Order")

staff_only = user_passes_test(lambda user: user.is_active and user.is_staff, login_url="dashboard:login")


class RefundForm(forms.Form):
    kind = forms.ChoiceField(choices=Refund.Kind.choices, widget=forms.RadioSelect, label="What to refund")
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


@method_decorator(staff_only, name="dispatch")
@method_decorator(transaction.non_atomic_requests, name="dispatch")
class OrderRefundsView(generic.TemplateView):
    template_name = "oscar/dashboard/orders/refunds.html"

    def dispatch(self, request, *args, **kwargs):
        self.order = get_object_or_404(Order, number=kwargs["number"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            order=self.order,
            refunds=self.order.refunds.select_related("created_by"),
            refundable=refunds.refundable_amount(self.order),
            form=kwargs.get("form") or RefundForm(order=self.order),
        )
        return ctx

    def post(self, request, *args, **kwargs):
        if "retry" in request.POST:
            refund = get_object_or_404(Refund, pk=request.POST["retry"], order=self.order)
            self._report(request, refunds.send_refund(refund))
            return redirect("dashboard:order-refunds", number=self.order.number)
        form = RefundForm(request.POST, order=self.order)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            refund = refunds.request_refund(
                self.order,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                user=request.user,
                line_quantities=form.line_quantities(),
                amount=form.cleaned_data.get("amount"),
            )
        except refunds.RefundRefused as refused:
            form.add_error(None, str(refused))
            return self.render_to_response(self.get_context_data(form=form))
        self._report(request, refund)
        return redirect("dashboard:order-refunds", number=self.order.number)

    def _report(self, request, refund):
        if refund.status == Refund.Status.SUCCEEDED:
            messages.success(
                request, f"Refunded £{refund.amount} to the customer's card; they have been emailed."
            )
        else:
            messages.error(request, f"Refund of £{refund.amount} not done: {refund.error}")
