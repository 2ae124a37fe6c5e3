"""Correcting an overcharged line on a placed order (R-C5).

The correction lowers the line's price on the order (and the order total), and records what
is owed back. ``processing.EventHandler`` refunds it; until Stripe has made that refund the
correction stays "refund pending" and the dashboard shows it so.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from oscar.core.loading import get_model

from shop.partner.strategy import split_vat

Line = get_model("order", "Line")
Order = get_model("order", "Order")
LinePriceCorrection = get_model("order", "LinePriceCorrection")


@transaction.atomic
def correct_line_price(line, *, new_unit_price: Decimal, reason: str, by=None) -> LinePriceCorrection:
    """Lower a line's VAT-inclusive unit price; record the difference as a refund owed (R-C5)."""
    new_unit_price = Decimal(str(new_unit_price)).quantize(Decimal("0.01"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why the price was wrong.")
    order = Order.objects.select_for_update().get(pk=line.order_id)
    line = (
        Line.objects.select_for_update(of=("self",)).select_related("product__product_class").get(pk=line.pk)
    )
    old_unit_price = line.unit_price_incl_tax
    if new_unit_price < 0:
        raise ValidationError("A price cannot be negative.")
    if old_unit_price is None or new_unit_price >= old_unit_price:
        raise ValidationError(
            f"The corrected price must be lower than the price charged ({old_unit_price}): "
            "a correction refunds an overcharge."
        )
    refund = (old_unit_price - new_unit_price) * line.quantity
    vat_rate = line.product.get_product_class().vat_rate if line.product else Decimal("0")
    unit_excl, _ = split_vat(new_unit_price, vat_rate)
    line_incl = new_unit_price * line.quantity
    line_excl, _ = split_vat(line_incl, vat_rate)
    old_line_incl, old_line_excl = line.line_price_incl_tax, line.line_price_excl_tax

    line.unit_price_incl_tax, line.unit_price_excl_tax = new_unit_price, unit_excl
    line.line_price_incl_tax, line.line_price_excl_tax = line_incl, line_excl
    line.line_price_before_discounts_incl_tax, line.line_price_before_discounts_excl_tax = (
        line_incl,
        line_excl,
    )
    line.save()
    order.total_incl_tax -= old_line_incl - line_incl
    order.total_excl_tax -= old_line_excl - line_excl
    order.save(update_fields=["total_incl_tax", "total_excl_tax"])
    return LinePriceCorrection.objects.create(
        line=line,
        old_unit_price_incl_tax=old_unit_price,
        new_unit_price_incl_tax=new_unit_price,
        quantity=line.quantity,
        refund_amount=refund,
        reason=reason,
        corrected_by=by,
    )


@transaction.atomic
def mark_refunded(correction: LinePriceCorrection, payment_event) -> LinePriceCorrection:
    """Record that the refund of a correction was made, with its payment event."""
    correction.payment_event = payment_event
    correction.refund_status = LinePriceCorrection.REFUNDED
    correction.save(update_fields=["payment_event", "refund_status"])
    return correction
