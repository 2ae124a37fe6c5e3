"""Why forked: two more order actions on Oscar's order page (R-C5, R-D6), dispatched Oscar's way,
and the refunds pages (R-P4, R-X6, R-C5). Every change to an order goes through the order's
EventHandler (shop/order/processing.py)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.views import generic
from oscar.apps.dashboard.orders import views as oscar_views
from oscar.core.loading import get_class, get_model

from shop.order import delivery
from shop.payment import refunds
from shop.payment.models import Refund

from .forms import EstimatedDeliveryForm, LinePriceCorrectionForm, RefundForm

EventHandlerMixin = get_class("order.mixins", "EventHandlerMixin")
Order = get_model("order", "Order")
LinePriceCorrection = get_model("order", "LinePriceCorrection")


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
        context["price_corrections"] = LinePriceCorrection.objects.filter(line__order=order).select_related(
            "line", "corrected_by"
        )
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
        handler = self.get_handler(user=request.user)
        try:
            correction = handler.correct_line_price(
                form.cleaned_data["line"],
                new_unit_price=form.cleaned_data["new_unit_price"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            return self.reload_page(error=" ".join(error.messages))
        try:
            refund = handler.refund_price_correction(correction)
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


def _refund_to_retry(request, **among) -> Refund:
    """The failed refund a Retry button names; anything else is not found (never a 500)."""
    pk = request.POST.get("retry", "")
    if not pk.isdigit():
        raise Http404("No such refund")
    return get_object_or_404(Refund, pk=int(pk), status=Refund.Status.FAILED, **among)


def _report(request, refund: Refund) -> None:
    if refund.status == Refund.Status.SUCCEEDED:
        messages.success(
            request, f"Refunded £{refund.amount} to the customer's card; they have been emailed."
        )
    else:
        messages.error(request, f"Refund of £{refund.amount} not done: {refund.error}")


# Not one request transaction: a refund Stripe made must stay recorded whatever happens next.
@method_decorator(transaction.non_atomic_requests, name="dispatch")
class OrderRefundsView(EventHandlerMixin, generic.TemplateView):
    """/dashboard/orders/<number>/refunds/: refund an order, or cancel a line we cannot supply."""

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
        handler = self.get_handler(user=request.user)
        if "retry" in request.POST:
            _report(request, handler.retry_refund(_refund_to_retry(request, order=self.order)))
            return redirect("dashboard:order-refunds", number=self.order.number)
        form = RefundForm(request.POST, order=self.order)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            refund = handler.refund(
                self.order,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                line_quantities=form.line_quantities(),
                amount=form.cleaned_data.get("amount"),
            )
        except refunds.RefundRefused as refused:
            form.add_error(None, str(refused))
            return self.render_to_response(self.get_context_data(form=form))
        _report(request, refund)
        return redirect("dashboard:order-refunds", number=self.order.number)


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class RefundListView(EventHandlerMixin, generic.ListView):
    """/dashboard/orders/refunds/: every refund, of orders and of payments that never became one."""

    template_name = "oscar/dashboard/orders/refund_list.html"
    context_object_name = "refunds"
    paginate_by = 50

    def get_queryset(self):
        shown = Refund.objects.select_related("order", "checkout_payment", "created_by")
        status = self.request.GET.get("status")
        if status in Refund.Status.values:
            shown = shown.filter(status=status)
        return shown.order_by("-created_at")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "statuses": Refund.Status.choices,
            "status": self.request.GET.get("status", ""),
        }

    def post(self, request, *args, **kwargs):
        _report(request, self.get_handler(user=request.user).retry_refund(_refund_to_retry(request)))
        return redirect("dashboard:refund-list")
