"""Why forked: the one place that records what happens to a placed order (Oscar's EventHandler).

Payment and shipping events, line and order status changes all go through ``EventHandler``:
refunds (R-P4), price corrections (R-C5), a line we cannot supply (R-X6), and the customer's
cancellations and returns (R-X1 to R-X5, R-X7: ``shop.returns`` decides, this records).
The money itself is ``shop.payment.refunds``: the handler checks what the order allows,
asks payment to record and send the refund, and when Stripe has made it (``refund_succeeded``)
records the payment event, cancels lines and queues the customer's email.
"""

import logging
from decimal import Decimal

from django.db import transaction
from oscar.apps.order import exceptions as order_exceptions
from oscar.apps.order import processing
from oscar.core.loading import get_model

from shop.order import corrections
from shop.payment import refunds
from shop.payment.models import Refund

logger = logging.getLogger(__name__)

PaymentEventType = get_model("order", "PaymentEventType")
ShippingEventType = get_model("order", "ShippingEventType")
LinePriceCorrection = get_model("order", "LinePriceCorrection")

# Payment event types, one per meaning; migration order/0025_event_types creates them.
PAID = "Paid"
REFUNDED = "Refunded"
# The line status of a line we cannot supply (R-X6), or cancelled by the customer before it left
# us (R-X1, R-X5); and of goods that came back (R-X3, R-X4, R-X7). OSCAR_LINE_STATUS_PIPELINE.
CANCELLED = "Cancelled"
RETURNED = "Returned"

LINE_KINDS = (Refund.Kind.LINES, Refund.Kind.UNAVAILABLE)


def payment_event_type(name: str):
    return PaymentEventType.objects.get(name=name)


class EventHandler(processing.EventHandler):
    # ---- refunds (R-P4, R-X6, R-C5) ------------------------------------------------------
    def refund(
        self,
        order,
        *,
        kind: str,
        reason: str,
        line_quantities: dict | None = None,
        amount: Decimal | None = None,
        send: bool = True,
    ) -> Refund:
        """Refund part or all of an order to its card, now. Raises RefundRefused before Stripe.

        ``kind`` says what is refunded: the whole order (what is left of it), chosen lines and
        quantities, the delivery charge, an amount, or lines we cannot supply (cancelled too).
        Chosen lines with an ``amount``: a cancellation's or a return's figure (the lines' price
        with delivery, return postage or a deduction, R-X3, R-X4). ``send=False`` only records
        it, inside the caller's transaction; ``send_refund`` sends it after the commit.
        """
        quantities = {int(k): int(v) for k, v in (line_quantities or {}).items() if int(v) > 0}
        if kind in LINE_KINDS and not quantities:
            raise refunds.RefundRefused("Choose at least one line to refund.")
        lines = self._lines(order, quantities)
        if kind in LINE_KINDS:
            self._check_refundable(order, lines, quantities, cancel=kind == Refund.Kind.UNAVAILABLE)
        refund = refunds.record_refund(
            order,
            kind=kind,
            amount=self._amount(order, kind, lines, quantities, amount),
            reason=reason,
            line_quantities=quantities,
            user=self.user,
        )
        return refunds.send_refund(refund) if send else refund

    def send_refund(self, refund: Refund) -> Refund:
        """Send a refund recorded with ``send=False``, once its transaction has committed."""
        return refunds.send_refund(refund)

    def retry_refund(self, refund: Refund) -> Refund:
        """Send a refund that failed again, with the same idempotency key (R-P4)."""
        return refunds.send_refund(refund)

    def correct_line_price(self, line, *, new_unit_price: Decimal, reason: str):
        """R-C5: lower an overcharged line's price on the order; the refund is separate."""
        return corrections.correct_line_price(
            line, new_unit_price=new_unit_price, reason=reason, by=self.user
        )

    def refund_price_correction(self, correction) -> Refund:
        """Give back what a corrected line overcharged, to the order's card (R-C5, R-P4).

        The correction is linked to its Refund before Stripe is called, so a retry from the refunds
        page (same idempotency key) still marks the correction refunded when it succeeds.
        """
        with transaction.atomic():
            refund = refunds.record_refund(
                correction.line.order,
                kind=Refund.Kind.AMOUNT,
                amount=correction.refund_amount,
                reason=f"Price correction of {correction.line.title}: {correction.reason}",
                user=self.user,
            )
            correction.refund = refund
            correction.save(update_fields=["refund"])
        return refunds.send_refund(refund)

    def handle_refund_succeeded(self, refund: Refund) -> None:
        """Stripe made the refund: record it on the order and queue the customer's email.

        Runs inside payment's transaction; the checks were made before the money moved, so
        nothing here refuses: a refund made is always recorded.
        """
        from shop.order.tasks import send_refund_email_task

        if refund.order_id:
            order = refund.order
            lines, quantities = self._refunded_lines(order, refund)
            event = self.create_payment_event(
                order,
                payment_event_type(REFUNDED),
                refund.amount,
                lines,
                quantities,
                reference=refund.stripe_refund_id,
            )
            if refund.kind == Refund.Kind.UNAVAILABLE:
                self.cancel_lines(order, lines)
            correction = LinePriceCorrection.objects.filter(refund=refund).first()
            if correction is not None:
                corrections.mark_refunded(correction, event)
        send_refund_email_task.enqueue(refund.pk)

    def cancel_lines(self, order, lines) -> None:
        """R-X6: the lines we cannot supply are cancelled; the rest of the order goes on."""
        for line in lines:
            try:
                line.set_status(CANCELLED)
            except order_exceptions.InvalidLineStatus:
                logger.error(
                    "Order %s line %s refunded as unavailable but is %s", order.number, line.pk, line.status
                )

    # ---- cancellations and returns (R-X1 to R-X5, R-X7) -------------------------------------
    def record_line_event(self, order, name: str, lines, quantities, *, note: str = "") -> None:
        """A step of a cancellation or return, as an Oscar shipping event on its lines; the
        customer sees it on the order page. Types by name: migration returns/0002."""
        self.handle_shipping_event(
            order, ShippingEventType.objects.get(name=name), lines, quantities, reference=note
        )

    def set_lines_status(self, order, lines, status: str) -> None:
        """Cancelled (nothing had left us) or Returned (the goods came back)."""
        for line in lines:
            if line.status == status:
                continue
            try:
                line.set_status(status)
            except order_exceptions.InvalidLineStatus:
                logger.error(
                    "Order %s line %s is %s: not set to %s", order.number, line.pk, line.status, status
                )

    # ---- helpers --------------------------------------------------------------------------
    @staticmethod
    def _lines(order, quantities: dict[int, int]) -> list:
        by_id = {line.pk: line for line in order.lines.all()}
        lines = []
        for line_id, quantity in quantities.items():
            line = by_id.get(line_id)
            if line is None or not 0 < quantity <= line.quantity:
                raise refunds.RefundRefused("Choose lines of this order and quantities it has.")
            lines.append(line)
        return lines

    def _check_refundable(self, order, lines, quantities, *, cancel: bool) -> None:
        try:
            self.validate_payment_event(
                order, payment_event_type(REFUNDED), None, lines, [quantities[line.pk] for line in lines]
            )
        except order_exceptions.InvalidPaymentEvent as error:
            raise refunds.RefundRefused(f"Those lines are already refunded: {error}") from error
        for line in lines if cancel else ():
            if line.status != CANCELLED and CANCELLED not in line.available_statuses():
                raise refunds.RefundRefused(f"{line.title} is {line.status}: it can no longer be cancelled.")

    @staticmethod
    def _amount(order, kind: str, lines, quantities, amount: Decimal | None) -> Decimal | None:
        if kind == Refund.Kind.ORDER:
            return None  # whatever is still refundable, decided with the order locked
        if kind == Refund.Kind.DELIVERY:
            return order.shipping_incl_tax
        if kind in LINE_KINDS:
            if amount is not None:
                return amount
            return sum((line.unit_price_incl_tax * quantities[line.pk] for line in lines), Decimal("0"))
        return amount or Decimal("0")

    @staticmethod
    def _refunded_lines(order, refund: Refund) -> tuple[list, list[int]]:
        """The lines and quantities a refund covers: the ones chosen, or for the whole order what
        was not refunded before; a delivery charge or an amount covers no line."""
        if refund.kind == Refund.Kind.ORDER:
            refunded = payment_event_type(REFUNDED)
            pairs = [
                (line, line.quantity - line.payment_event_quantity(refunded)) for line in order.lines.all()
            ]
        elif refund.kind in LINE_KINDS:
            by_id = {line.pk: line for line in order.lines.all()}
            pairs = [(by_id[int(pk)], quantity) for pk, quantity in refund.line_quantities.items()]
        else:
            pairs = []
        pairs = [(line, quantity) for line, quantity in pairs if quantity > 0]
        return [line for line, _ in pairs], [quantity for _, quantity in pairs]
