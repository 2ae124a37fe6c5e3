"""Why forked: the blocked destinations screen (R-D2); Oscar's method views are kept."""

from django.contrib import messages
from django.db import transaction
from django.urls import reverse_lazy
from django.views.generic import FormView
from oscar.apps.dashboard.shipping.views import *  # noqa: F403
from oscar.core.loading import get_model

from .forms import BlockedDestinationsForm

Country = get_model("address", "Country")


class BlockedDestinationsView(FormView):
    template_name = "oscar/dashboard/shipping/blocked_destinations.html"
    form_class = BlockedDestinationsForm
    success_url = reverse_lazy("dashboard:shipping-blocked-destinations")

    def get_initial(self):
        return {"blocked": Country.objects.filter(is_shipping_country=False)}

    @transaction.atomic
    def form_valid(self, form):
        blocked = {country.pk for country in form.cleaned_data["blocked"]}
        changed = []
        # Saved one by one so that cached pages showing the list are retired.
        for country in Country.objects.exclude(iso_3166_1_a2="GB"):
            should_ship = country.pk not in blocked
            if country.is_shipping_country != should_ship:
                country.is_shipping_country = should_ship
                country.save(update_fields=["is_shipping_country"])
                changed.append(country.printable_name)
        if changed:
            messages.success(self.request, "Updated: " + ", ".join(sorted(changed)) + ".")
        else:
            messages.info(self.request, "Nothing changed.")
        return super().form_valid(form)
