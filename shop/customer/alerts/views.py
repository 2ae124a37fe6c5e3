from django.contrib import messages
from django.shortcuts import redirect
from oscar.apps.customer.alerts import views as oscar_views


class ProductAlertCreateView(oscar_views.ProductAlertCreateView):
    """Why: Oscar answers a refused alert form by rendering the book page without the context the
    book page needs (a 500, found by the fuzz test); the reader goes back to the book page and
    reads why instead."""

    def form_invalid(self, form):
        for errors in form.errors.values():
            for error in errors:
                messages.error(self.request, error)
        return redirect(self.product.get_absolute_url())
