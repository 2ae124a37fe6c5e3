"""Why forked: two more order actions on Oscar's order page (R-C5, R-D6), dispatched Oscar's way,
and the refunds pages (R-P4, R-X6, R-C5). Every change to an order goes through the order's
EventHandler (shop/order/processing.py)."""

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import generic
from oscar.apps.dashboard.orders import views as oscar_views
from oscar.core.loading import get_class, get_model

from shop.order import delivery
from shop.payment import refunds
from shop.payment.models import Refund
from shop.returns import cancelling
from shop.returns.forms import AdminCancellationForm, PostingForm, ReceiveForm, RefusedDutiesForm
from shop.returns.models import Cancellation

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


# ---- cancellations and returns (R-X1 to R-X4, R-X7, R-P4) --------------------------------------
def _report_cancellation(request, cancellation) -> None:
    refund = cancellation.return_refund or cancellation.refund
    if refund is not None:
        _report(request, refund)
    else:
        messages.success(request, f"Recorded: {cancellation.get_status_display().lower()}.")


class ReturnListView(generic.ListView):
    """/dashboard/orders/returns/: cancellations not settled, the oldest deadline first, so no
    refund deadline is missed (R-X3); then the latest settled ones."""

    template_name = "oscar/dashboard/orders/return_list.html"
    context_object_name = "open_returns"

    def get_queryset(self):
        return cancelling.refunds_due().select_related("order__user")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        rows = [
            (c, c.refund_due_by, c.refund_due_by is not None and c.refund_due_by < today)
            for c in context["open_returns"]
        ]
        # A known refund deadline first, oldest first; then awaited goods by their return-by date.
        rows.sort(key=lambda row: (row[1] is None, row[1] or row[0].return_by or row[0].sent_on))
        context["rows"] = rows
        context["settled"] = Cancellation.objects.filter(
            status__in=[Cancellation.Status.REFUNDED, Cancellation.Status.REPLACED]
        ).select_related("order", "refund", "return_refund")[:20]
        context["today"] = today
        return context


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class ReturnDetailView(generic.DetailView):
    """/dashboard/orders/returns/<pk>/: the goods back (or proof of posting) and their condition,
    then the refund; or a replacement for faulty books (R-X3, R-X4)."""

    template_name = "oscar/dashboard/orders/return_detail.html"
    context_object_name = "cancellation"
    queryset = Cancellation.objects.select_related(
        "order", "refund", "return_refund", "replacement", "created_by"
    )

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        return super().get_context_data(**kwargs) | {
            "items": self.object.lines.select_related("line"),
            "posting_form": kwargs.get("posting_form") or PostingForm(initial={"posted_on": today}),
            "receive_form": kwargs.get("receive_form") or ReceiveForm(initial={"received_on": today}),
            "order": self.object.order,
        }

    def post(self, request, *args, **kwargs):
        self.object = cancellation = self.get_object()
        action = request.POST.get("action")
        try:
            if action == "posting":
                form = PostingForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(posting_form=form))
                cancelling.record_posting(cancellation, form.cleaned_data["posted_on"], by=request.user)
                messages.success(
                    request, "Proof of posting recorded: the refund is due 14 days from its date."
                )
            elif action == "receive":
                form = ReceiveForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(receive_form=form))
                data = form.cleaned_data
                _report_cancellation(
                    request,
                    cancelling.receive(
                        cancellation,
                        received_on=data["received_on"],
                        condition=data["condition"],
                        deduction=data.get("deduction") or Decimal("0"),
                        deduction_reason=data.get("deduction_reason", ""),
                        return_postage=data.get("return_postage") or Decimal("0"),
                        by=request.user,
                    ),
                )
            elif action == "replace":
                replacement = cancelling.send_replacement(cancellation, by=request.user)
                messages.success(request, f"Replacement order {replacement.number} made, at no charge.")
            elif action == "retry":
                _report(request, self.get_handler(request.user).retry_refund(_refund_to_retry(request)))
            else:
                raise Http404("No such action")
        except cancelling.CannotCancel as refused:
            messages.error(request, str(refused))
        return redirect("dashboard:return-detail", pk=cancellation.pk)

    def get_handler(self, user):
        return get_class("order.processing", "EventHandler")(user)


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class OrderCancelView(generic.TemplateView):
    """/dashboard/orders/<number>/cancel/: a cancellation that came by email, letter or phone,
    effective on the day it was sent (R-X1); or a parcel back with import duties refused (R-X7)."""

    template_name = "oscar/dashboard/orders/order_cancel.html"

    def dispatch(self, request, *args, **kwargs):
        self.order = get_object_or_404(Order, number=kwargs["number"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "order": self.order,
            "form": kwargs.get("form") or AdminCancellationForm(rows=cancelling.cancellable(self.order)),
            "duties_form": kwargs.get("duties_form") or RefusedDutiesForm(),
        }

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "duties":
            form = RefusedDutiesForm(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(duties_form=form))
            try:
                cancellation = cancelling.record_refused_duties(
                    self.order, received_on=form.cleaned_data["received_on"], by=request.user
                )
            except cancelling.CannotCancel as refused:
                form.add_error(None, str(refused))
                return self.render_to_response(self.get_context_data(duties_form=form))
            _report_cancellation(request, cancellation)
            return redirect("dashboard:return-detail", pk=cancellation.pk)
        form = AdminCancellationForm(request.POST, rows=cancelling.cancellable(self.order))
        if form.is_valid():
            try:
                cancellation = cancelling.cancel(
                    self.order,
                    form.line_quantities(),
                    channel=form.cleaned_data["channel"],
                    sent_on=form.cleaned_data["sent_on"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except cancelling.CannotCancel as refused:
                form.add_error(None, str(refused))
            else:
                _report_cancellation(request, cancellation)
                return redirect("dashboard:return-detail", pk=cancellation.pk)
        return self.render_to_response(self.get_context_data(form=form))


class DespatchNoteView(generic.DetailView):
    """A printable despatch note per parcel: the order, its lines and how to return them (the
    document the Returns Policy asks customers to send back)."""

    template_name = "oscar/dashboard/orders/despatch_note.html"
    context_object_name = "order"
    slug_field = slug_url_kwarg = "number"

    def get_queryset(self):
        return Order.objects.select_related("shipping_address")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "lines": [
                line
                for line in self.object.lines.all()
                if line.product is None or line.product.get_product_class().requires_shipping
            ],
            "returns_address": settings.RETURNS_ADDRESS,
        }
