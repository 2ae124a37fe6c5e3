"""Why forked: stock is allocated atomically when an order is placed (R-C2) and the order gets its
estimated delivery date (R-D6); every email about an order goes through ``OrderDispatcher``,
with the links it carries built here."""

from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from oscar.apps.order import exceptions as order_exceptions
from oscar.apps.order import utils
from oscar.core.loading import get_model

from shop.order import numbers
from shop.order.exceptions import LinesNoLongerAvailable
from shop.shipping import rules
from shop.shipping.estimates import estimated_delivery

StockRecord = get_model("partner", "StockRecord")


# ---------------------------------------------------------------------------------------------
# Links in emails
# ---------------------------------------------------------------------------------------------
def site_url(path: str) -> str:
    """An absolute link to ``path`` on the site, for emails."""
    return settings.SITE_URL + path


def order_status_url(order) -> str:
    """Where the customer follows their order: My Account, or the guest's signed page."""
    if order.user_id:
        return site_url(reverse("customer:order", kwargs={"order_number": order.number}))
    return site_url(
        reverse(
            "customer:anon-order", kwargs={"order_number": order.number, "hash": order.verification_hash()}
        )
    )


# ---------------------------------------------------------------------------------------------
# Placing an order
# ---------------------------------------------------------------------------------------------
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


# ---------------------------------------------------------------------------------------------
# Emails about orders
# ---------------------------------------------------------------------------------------------
class OrderDispatcher(utils.OrderDispatcher):
    """Oscar's dispatcher with the club's order emails. Each is a communication event type (the
    codes below; migration order/0025_event_types) with its templates at Oscar's paths,
    ``oscar/communication/emails/commtype_<code>_{subject,body}``; an email about an order is
    recorded in that order's communication history (and, for a customer with an account, in
    their emails)."""

    ORDER_REFUNDED_EVENT_CODE = "ORDER_REFUNDED"
    ORDER_NOT_PLACED_EVENT_CODE = "ORDER_NOT_PLACED"
    DELIVERY_REVISED_EVENT_CODE = "ORDER_DELIVERY_REVISED"

    def send_order_placed_email(self, order) -> None:
        """R-L5: the Order Confirmation."""
        context = {
            "order": order,
            "lines": order.lines.select_related("product").all(),
            "status_url": order_status_url(order),
            "returns_url": site_url("/legal/returns/"),
            "site_url": site_url("/"),
            "contact_email": settings.OSCAR_FROM_EMAIL,
        }
        self.send_order_placed_email_for_user(order, context)

    def send_order_refunded_email(self, refund) -> None:
        """R-P4, R-X6: what was refunded, why, and to which card."""
        order = refund.order
        lines = {line.pk: line for line in order.lines.all()}
        context = {
            "refund": refund,
            "order": order,
            "lines": [
                (lines[int(pk)], qty) for pk, qty in refund.line_quantities.items() if int(pk) in lines
            ],
            "status_url": order_status_url(order),
            "site_url": site_url("/"),
        }
        self._send_about_order(order, self.ORDER_REFUNDED_EVENT_CODE, context)

    def send_order_not_placed_email(self, refund) -> None:
        """R-C2, R-P2: the payment came in, the order could not be placed, the money went back.

        There is no order to record it on: the Refund row keeps when it was sent, and a customer
        with an account finds it among their emails."""
        payment = refund.checkout_payment
        context = {
            "payment": payment,
            "refund": refund,
            "site_url": site_url("/"),
            "basket_url": site_url(reverse("basket:summary")),
        }
        messages = self.dispatcher.get_messages(self.ORDER_NOT_PLACED_EVENT_CODE, context)
        self.dispatcher.logger.info(
            "Checkout %s - sending %s", payment.order_number, self.ORDER_NOT_PLACED_EVENT_CODE
        )
        if payment.user_id:
            self.dispatcher.dispatch_user_messages(payment.user, messages)
        else:
            self.dispatcher.dispatch_anonymous_messages(payment.guest_email, messages)

    def send_delivery_revised_email(self, revision) -> None:
        """R-D6: the order's new estimated delivery date, and why."""
        context = {"order": revision.order, "revision": revision}
        self._send_about_order(revision.order, self.DELIVERY_REVISED_EVENT_CODE, context)

    def _send_about_order(self, order, event_code: str, context: dict) -> None:
        messages = self.dispatcher.get_messages(event_code, context)
        self.dispatch_order_messages(order, messages, event_code)


# ---------------------------------------------------------------------------------------------
# Order numbers
# ---------------------------------------------------------------------------------------------
class OrderNumberGenerator(utils.OrderNumberGenerator):
    """Why forked: Oscar's number is 100000 + the basket's id, which a basket paid for twice (once
    refunded) reused; ours come from shop.order.numbers and are never handed out twice."""

    def order_number(self, basket):
        return numbers.new_number(basket)
