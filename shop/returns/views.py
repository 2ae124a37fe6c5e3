"""My Account: cancel books of an order, and the returns note to print (R-X1, R-X2, R-X5).
Thin: ``cancelling`` decides; these views show and ask."""

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.views import generic
from oscar.apps.customer.mixins import PageTitleMixin
from oscar.core.loading import get_model

from shop.returns import cancelling
from shop.returns.forms import LinesForm
from shop.returns.models import Cancellation

Order = get_model("order", "Order")


# Not one request transaction: a refund Stripe made must stay recorded whatever happens next.
@method_decorator(transaction.non_atomic_requests, name="dispatch")
class CancelView(PageTitleMixin, generic.TemplateView):
    template_name = "shop/returns/cancel.html"
    active_tab = "orders"

    def dispatch(self, request, *args, **kwargs):
        self.order = get_object_or_404(Order, number=kwargs["order_number"], user=request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"Cancel books of order {self.order.number}"

    def form(self, data=None):
        return LinesForm(data, rows=cancelling.cancellable(self.order))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", kwargs.get("form") or self.form())
        context["order"] = self.order
        context["returns_address"] = settings.RETURNS_ADDRESS
        return context

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        quantities = form.line_quantities()
        try:
            if request.POST.get("action") != "confirm":
                summary = cancelling.preview(self.order, quantities)
                return self.render_to_response(
                    self.get_context_data(form=form, summary=summary, confirming=True)
                )
            cancellation = cancelling.cancel(
                self.order,
                quantities,
                channel=Cancellation.Channel.ACCOUNT,
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except cancelling.CannotCancel as refused:
            form.add_error(None, str(refused))
            return self.render_to_response(self.get_context_data(form=form))
        if cancellation.return_by:
            messages.success(
                request,
                f"Cancelled. Please send the books back by {cancellation.return_by:%-d %B %Y}: "
                "print the returns note below and put it in the parcel with the despatch note.",
            )
        else:
            messages.success(request, "Cancelled. The refund goes back to the card you paid with.")
        return redirect("customer:order", order_number=self.order.number)


class ReturnsNoteView(generic.DetailView):
    """A page to print and send back with the books (R-X2)."""

    template_name = "shop/returns/returns_note.html"
    context_object_name = "cancellation"

    def get_queryset(self):
        return Cancellation.objects.filter(
            order__user=self.request.user, order__number=self.kwargs["order_number"], return_by__isnull=False
        ).select_related("order", "order__shipping_address")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "returns_address": settings.RETURNS_ADDRESS,
            "items": self.object.lines.filter(to_return=True).select_related("line"),
        }
