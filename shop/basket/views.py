from django.contrib import messages
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from oscar.apps.basket import views as oscar_views


@method_decorator(csrf_exempt, name="dispatch")
class BasketAddView(oscar_views.BasketAddView):
    """Adding to the basket needs no CSRF token, so book pages set no cookie and can be cached.

    A forged request could at worst put a book in the visitor's own basket, where they see it
    and can remove it; nothing is bought without the checkout, whose forms keep their tokens.
    """


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
