"""Why forked: stock is allocated atomically when an order is placed (R-C2, contract 2), and the
order gets its estimated delivery date (R-D6, contract 3)."""

from collections import defaultdict

from django.db import transaction
from oscar.apps.order import exceptions as order_exceptions
from oscar.apps.order import utils
from oscar.core.loading import get_model

from shop.order.exceptions import LinesNoLongerAvailable
from shop.shipping import rules
from shop.shipping.estimates import estimated_delivery

StockRecord = get_model("partner", "StockRecord")


class OrderCreator(utils.OrderCreator):
    def place_order(self, basket, total, shipping_method, shipping_charge, *args, **kwargs):
        address = kwargs.get("shipping_address")
        if address is not None and basket.is_shipping_required():
            # Checkout offers no method for such a place; this stops any other way in (R-D2, R-D3).
            refusal = rules.destination_refusal(basket, address)
            if refusal:
                raise order_exceptions.UnableToPlaceOrder(refusal)
        with transaction.atomic():
            self.lock_and_check_stock(basket)
            kwargs.setdefault("estimated_delivery", estimated_delivery(basket, shipping_method))
            # Oscar then writes the order and allocates the stock we hold locked.
            return super().place_order(basket, total, shipping_method, shipping_charge, *args, **kwargs)

    def lock_and_check_stock(self, basket) -> None:
        """Lock the stock records of the stock-tracked lines and check they still cover them.

        Rows are locked in primary-key order, so concurrent checkouts wait for one another
        instead of deadlocking; the second sees the first's allocation. Raises
        LinesNoLongerAvailable before anything is written.
        """
        wanted: dict[int, int] = defaultdict(int)
        titles: dict[int, list[str]] = defaultdict(list)
        unpublished = []
        for line in basket.all_lines():
            product_class = line.product.get_product_class()
            if not line.product.is_published() and not product_class.allows_preorder:
                unpublished.append(line.product.get_title())  # R-C3: only paperbacks pre-order
            if line.stockrecord_id and line.product.get_product_class().track_stock:
                wanted[line.stockrecord_id] += line.quantity
                titles[line.stockrecord_id].append(line.product.get_title())
        if unpublished:
            raise LinesNoLongerAvailable(unpublished)
        if not wanted:
            return
        locked = StockRecord.objects.select_for_update().filter(pk__in=wanted).order_by("pk")
        short = [
            title
            for record in locked
            if (record.num_in_stock or 0) - (record.num_allocated or 0) < wanted[record.pk]
            for title in titles[record.pk]
        ]
        missing = set(wanted) - {record.pk for record in locked}
        short += [title for pk in missing for title in titles[pk]]
        if short:
            raise LinesNoLongerAvailable(short)
