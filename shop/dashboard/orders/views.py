"""Why forked: two more order actions on Oscar's order page (R-C5, R-D6), dispatched Oscar's way."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.decorators import method_decorator
from oscar.apps.dashboard.orders import views as oscar_views

from shop.order import corrections, delivery
from shop.payment import refunds

from .forms import EstimatedDeliveryForm, LinePriceCorrectionForm


def _first_error(form) -> str:
    return "; ".join(
        f"{form.fields[name].label if name in form.fields else ''}: {errors[0]}"
        for name, errors in form.errors.items()
    )


# Not one request transaction: a refund Stripe made must stay recorded whatever happens next.
@method_decorator(transaction.non_atomic_requests, name="dispatch")
class OrderDetailView(oscar_views.OrderDetailView):
    order_actions = oscar_views.OrderDetailView.order_actions + (
        "revise_estimated_delivery",
        "correct_line_price",
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = self.object
        context["estimated_delivery_form"] = EstimatedDeliveryForm(
            initial={"new_date": order.estimated_delivery}
        )
        context["delivery_revisions"] = order.delivery_revisions.select_related("revised_by")
        context["price_correction_form"] = LinePriceCorrectionForm(order)
        context["price_corrections"] = corrections.LinePriceCorrection.objects.filter(
            line__order=order
        ).select_related("line", "corrected_by")
        return context

    def revise_estimated_delivery(self, request, order):
        form = EstimatedDeliveryForm(request.POST)
        if not form.is_valid():
            return self.reload_page(error=_first_error(form))
        try:
            revision = delivery.revise_estimated_delivery(
                order,
                new_date=form.cleaned_data["new_date"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            return self.reload_page(error=" ".join(error.messages))
        messages.success(
            request,
            f"Estimated delivery moved to {revision.new_date:%d %B %Y}; the customer is being emailed.",
        )
        return self.reload_page()

    def correct_line_price(self, request, order):
        form = LinePriceCorrectionForm(order, request.POST)
        if not form.is_valid():
            return self.reload_page(error=_first_error(form))
        try:
            correction = corrections.correct_line_price(
                form.cleaned_data["line"],
                new_unit_price=form.cleaned_data["new_unit_price"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            return self.reload_page(error=" ".join(error.messages))
        try:
            refund = refunds.refund_price_correction(correction, user=request.user)
        except refunds.RefundRefused as refused:
            messages.warning(request, f"Price corrected; £{correction.refund_amount} not refunded: {refused}")
            return self.reload_page()
        if refund.status == refund.Status.SUCCEEDED:
            messages.success(
                request, f"Price corrected and £{refund.amount} refunded to the customer's card."
            )
        else:
            messages.error(
                request,
                f"Price corrected, but the £{refund.amount} refund did not go through: {refund.error} "
                "Retry it from the refunds page.",
            )
        return self.reload_page()
