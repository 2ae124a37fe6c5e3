from django.contrib import messages
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from oscar.apps.basket import views as oscar_views
from oscar.core.utils import redirect_to_referrer

SUBSCRIPTION_PLAN_CLASS = "subscription-plan"  # the product class of the book club's plans


@method_decorator(csrf_exempt, name="dispatch")
class BasketAddView(oscar_views.BasketAddView):
    """Adding to the basket needs no CSRF token, so book pages set no cookie and can be cached.

    A forged request could at worst put a book in the visitor's own basket, where they see it
    and can remove it; nothing is bought without the checkout, whose forms keep their tokens.

    A subscription plan never goes in the basket: it is a contract of its own, joined from the
    plan's page, and anything bought beside it is a separate order (R-S4).
    """

    def form_valid(self, form):
        if form.product.get_product_class().slug == SUBSCRIPTION_PLAN_CLASS:
            messages.info(self.request, "Plans are joined from their own page, never through the basket.")
            return redirect_to_referrer(self.request, "basket:summary")
        return super().form_valid(form)


class BasketView(oscar_views.BasketView):
    def formset_invalid(self, formset):
        # Why: Oscar's remove_deleted_forms reads the formset's management fields straight from
        # the POST, so a form posted without them was a 500 (found by the fuzz test).
        management = formset.management_form
        if any(management.add_prefix(name) not in formset.data for name in management.fields):
            messages.error(self.request, "We could not read that change to your basket. Please try again.")
            return redirect("basket:summary")
        return super().formset_invalid(formset)

    def get_upsell_messages(self, basket):
        # Why: reuse the offers the basket middleware already looked up for this request.
        applied = list(basket.offer_applications.offers.values())
        return [
            {"message": offer.get_upsell_message(basket), "offer": offer}
            for offer in getattr(self.request, "available_offers", [])
            if offer.is_condition_partially_satisfied(basket) and offer not in applied
        ]
