"""The public "Delivery and returns" page, drawn from the live rules (R-D1)."""

from django.views.generic import TemplateView

from . import estimates, rules


class DeliveryView(TemplateView):
    template_name = "shop/delivery/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        zones = rules.delivery_zones()
        context.update(
            uk_zone=next((zone for zone in zones if rules.UK in {c.pk for c in zone["countries"]}), None),
            other_zones=[zone for zone in zones if rules.UK not in {c.pk for c in zone["countries"]}],
            blocked=list(rules.blocked_countries()),
            cut_off=estimates.CUT_OFF,
        )
        return context
