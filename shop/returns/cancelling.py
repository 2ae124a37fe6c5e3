"""The right to cancel, and what follows a cancellation (R-X1 to R-X5, R-X7, R-P4).

Periods are counted in London days (``timezone.localdate``), the 14th day included:

- paperbacks (R-X1): from the order until 14 days after delivery (the 2013 Regulations: the
  period for goods ends 14 days after the day they arrive, and the customer may cancel before
  they do). Delivery is the order's "Delivered" shipping event when an admin recorded one, else
  its estimated delivery date; goods dispatched with neither are still cancellable;
- eBooks (R-X5): 14 days from the Order Confirmation, until the download starts.

A cancellation is effective on the day the customer sent it (R-X1): an admin recording an email,
a letter or a call gives that date, and the periods are judged on it.

Lines that had not left us (not dispatched; eBooks not downloaded) are cancelled and refunded at
once. Dispatched goods are to come back within 14 days (R-X2); when they arrive (or the customer
shows proof of posting) the admin records their condition and the refund follows: price (and the
original delivery when nothing of the order is left to deliver) as new (R-X3), less a deduction
with a reason when no longer as new (T7.6), or in full with delivery and the return postage when
faulty (R-X4), unless a replacement is sent instead. A parcel that came back with import duties
refused is the customer's cancellation, its products refunded (R-X7).

Every refund goes to the original payment through the order's EventHandler (the one refund
mechanism); every step is an Oscar shipping event on the lines; the customer is emailed.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from shop.ebooks import entitlements
from shop.ebooks.models import Entitlement
from shop.order import numbers
from shop.payment.models import Refund
from shop.payment.refunds import RefundRefused
from shop.returns.models import RETURN_DAYS, Cancellation, CancellationLine

Order = get_model("order", "Order")
Line = get_model("order", "Line")
EventHandler = get_class("order.processing", "EventHandler")

PHYSICAL_DAYS = 14
NOT_DISPATCHED = ("Pending", "Being processed")
DELIVERED = "Delivered"
# Shipping event types for each step; migration returns/0002 creates them.
CANCELLED_EVENT = "Cancelled by the customer"
RETURN_AWAITED_EVENT = "Return awaited"
RECEIVED_EVENT = "Returned goods received"
REPLACEMENT_EVENT = "Replacement sent"
DUTIES_EVENT = "Returned: import duties refused"


class CannotCancel(Exception):
    """The cancellation asked for is not allowed; the message says why, for the customer."""


# ---- who may cancel what, and until when ----------------------------------------------------
def delivered_on(order) -> datetime.date | None:
    """The day the goods arrived: the "Delivered" event if recorded, else the estimate."""
    events = [e for e in order.shipping_events.all() if e.event_type.name == DELIVERED]
    if events:
        return timezone.localdate(max(e.date_created for e in events))
    return order.estimated_delivery


def dispatched(line) -> bool:
    return line.status not in NOT_DISPATCHED and line.status not in ("Cancelled",)


def cancelled_quantities(order) -> dict[int, int]:
    rows = CancellationLine.objects.filter(line__order=order).values("line").annotate(total=Sum("quantity"))
    return {row["line"]: row["total"] for row in rows}


def line_refusal(line, on: datetime.date, *, downloaded: bool, delivered: datetime.date | None) -> str:
    """Why ``line`` can no longer be cancelled on ``on``; "" when it can."""
    product = line.product
    if line.status in ("Cancelled", "Returned"):
        return "already cancelled"
    if product is not None and entitlements.is_ebook(product):
        if downloaded:
            return "the download has started, which ended the right to cancel"
        if on > entitlements.cancellation_ends_on(line.order):
            return f"the 14 days ended on {entitlements.cancellation_ends_on(line.order):%-d %B %Y}"
        return ""
    if product is None or not product.get_product_class().requires_shipping:
        return "this is not a book we posted (subscriptions are managed on their own page)"
    if dispatched(line) and delivered is not None:
        last = delivered + datetime.timedelta(days=PHYSICAL_DAYS)
        if on > last:
            return f"the 14 days after delivery ended on {last:%-d %B %Y}"
    return ""


def cancellable(order, on: datetime.date | None = None) -> list[tuple]:
    """(line, quantity still cancellable, refusal) for each line of ``order`` on day ``on``."""
    on = on or timezone.localdate()
    done = cancelled_quantities(order)
    downloaded = set(
        Entitlement.objects.filter(line__order=order, first_download_at__isnull=False).values_list(
            "line_id", flat=True
        )
    )
    delivered = delivered_on(order)
    result = []
    for line in order.lines.select_related("product__product_class", "product__parent__product_class"):
        left = line.quantity - done.get(line.pk, 0)
        refusal = (
            "already cancelled"
            if left <= 0
            else line_refusal(line, on, downloaded=line.pk in downloaded, delivered=delivered)
        )
        result.append((line, max(left, 0), refusal))
    return result


def can_cancel_anything(order) -> bool:
    return order.user_id is not None and any(not refusal for _, _, refusal in cancellable(order))


# ---- cancelling -------------------------------------------------------------------------------
def cancel(
    order,
    line_quantities: dict[int, int],
    *,
    channel: str,
    sent_on: datetime.date | None = None,
    reason: str = "",
    by=None,
) -> Cancellation:
    """Cancel chosen lines (R-X1, R-X5): refund at once what had not left us; for dispatched
    goods, a return by date (R-X2). Raises CannotCancel before anything is written."""
    handler = EventHandler(by)
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)  # one cancellation at a time
        sent_on = sent_on or timezone.localdate()
        if sent_on > timezone.localdate():
            raise CannotCancel("The date the cancellation was sent cannot be in the future.")
        chosen = {int(k): int(v) for k, v in line_quantities.items() if int(v) > 0}
        if not chosen:
            raise CannotCancel("Choose at least one book to cancel.")
        allowed = {line.pk: (line, left, refusal) for line, left, refusal in cancellable(order, sent_on)}
        for line_id, quantity in chosen.items():
            if line_id not in allowed:
                raise CannotCancel("Choose books of this order.")
            line, left, refusal = allowed[line_id]
            if refusal:
                raise CannotCancel(f"{line.title} cannot be cancelled: {refusal}.")
            if quantity > left:
                raise CannotCancel(f"Only {left} of {line.title} can still be cancelled.")
        lines = [allowed[line_id][0] for line_id in chosen]
        ebook_lines = [line for line in lines if entitlements.is_ebook(line.product)]
        if ebook_lines:
            # Locked like a download start: the first download and a cancellation never both win.
            locked = Entitlement.objects.select_for_update().filter(line__in=ebook_lines)
            if any(e.first_download_at for e in locked):
                raise CannotCancel("The download has started, which ended the right to cancel that eBook.")
            entitlements.revoke(ebook_lines, "Cancelled by the customer")
        to_return = [line for line in lines if dispatched(line) and not entitlements.is_ebook(line.product)]
        now_lines = [line for line in lines if line not in to_return]
        cancellation = Cancellation.objects.create(
            order=order,
            channel=channel,
            sent_on=sent_on,
            reason=reason.strip(),
            created_by=by if by is not None and by.is_authenticated else None,
            status=Cancellation.Status.AWAITING_RETURN if to_return else Cancellation.Status.REFUNDING,
            return_by=sent_on + datetime.timedelta(days=RETURN_DAYS) if to_return else None,
        )
        CancellationLine.objects.bulk_create(
            CancellationLine(
                cancellation=cancellation, line=line, quantity=chosen[line.pk], to_return=line in to_return
            )
            for line in lines
        )
        handler.record_line_event(
            order, CANCELLED_EVENT, lines, [chosen[line.pk] for line in lines], note=_note(cancellation)
        )
        if to_return:
            handler.record_line_event(
                order,
                RETURN_AWAITED_EVENT,
                to_return,
                [chosen[line.pk] for line in to_return],
                note=f"Return by {cancellation.return_by:%-d %B %Y}",
            )
        if now_lines:
            quantities = {line.pk: chosen[line.pk] for line in now_lines}
            cancellation.delivery_refunded = _delivery(order)
            amount = _lines_price(now_lines, quantities) + cancellation.delivery_refunded
            cancellation.refund = _record_refund(
                handler,
                order,
                line_quantities=quantities,
                amount=amount,
                reason=f"Cancelled by you{': ' + cancellation.reason if cancellation.reason else ''}",
            )
            cancellation.save(update_fields=["refund", "delivery_refunded"])
        _email_after_commit(cancellation, "received")
    if cancellation.refund is not None:
        handler.send_refund(cancellation.refund)
    cancellation.refresh_from_db()
    return cancellation


def _note(cancellation: Cancellation) -> str:
    return f"{cancellation.get_channel_display()}, sent {cancellation.sent_on:%-d %B %Y}"


def _lines_price(lines, quantities) -> Decimal:
    return sum((line.unit_price_incl_tax * quantities[line.pk] for line in lines), Decimal("0.00"))


def _delivery(order, *, faulty: bool = False) -> Decimal:
    """The original delivery charge (T7.5, T7.7), refunded once: with faulty goods, or when,
    with this cancellation (its lines already written), nothing of the order is left to deliver."""
    if Cancellation.objects.filter(order=order, delivery_refunded__gt=0).exists():
        return Decimal("0.00")
    if not faulty:
        done = cancelled_quantities(order)
        for line in order.lines.all():
            if line.status != "Cancelled" and done.get(line.pk, 0) < line.quantity:
                return Decimal("0.00")
    return order.shipping_incl_tax


# ---- the goods come back ---------------------------------------------------------------------
def record_posting(cancellation: Cancellation, posted_on: datetime.date, by=None) -> Cancellation:
    """The customer's proof of posting: the refund is now due 14 days from its date (R-X3)."""
    with transaction.atomic():
        cancellation = Cancellation.objects.select_for_update().get(pk=cancellation.pk)
        if not cancellation.awaits_return:
            raise CannotCancel("These books are not awaited any more.")
        if posted_on > timezone.localdate() or posted_on < cancellation.sent_on:
            raise CannotCancel("The date of posting must be between the cancellation and today.")
        cancellation.posted_on = posted_on
        cancellation.save(update_fields=["posted_on"])
    return cancellation


def receive(
    cancellation: Cancellation,
    *,
    received_on: datetime.date,
    condition: str,
    deduction: Decimal = Decimal("0.00"),
    deduction_reason: str = "",
    return_postage: Decimal = Decimal("0.00"),
    by=None,
) -> Cancellation:
    """Record the goods back and refund what their condition allows (R-X3, R-X4, T7.6)."""
    handler = EventHandler(by)
    with transaction.atomic():
        cancellation = (
            Cancellation.objects.select_for_update().select_related("order").get(pk=cancellation.pk)
        )
        if not cancellation.awaits_return:
            raise CannotCancel("These books have already been received back.")
        if received_on > timezone.localdate() or received_on < cancellation.sent_on:
            raise CannotCancel("The day the books came back must be between the cancellation and today.")
        lines = list(cancellation.lines.filter(to_return=True).select_related("line"))
        price = sum((c.line.unit_price_incl_tax * c.quantity for c in lines), Decimal("0.00"))
        deduction = deduction or Decimal("0.00")
        return_postage = return_postage or Decimal("0.00")
        if condition not in Cancellation.Condition.values:
            raise CannotCancel("Choose the condition the books came back in.")
        if condition != Cancellation.Condition.NOT_AS_NEW and deduction:
            raise CannotCancel("A deduction is only for books no longer as new.")
        if condition == Cancellation.Condition.NOT_AS_NEW and (
            deduction <= 0 or not deduction_reason.strip()
        ):
            raise CannotCancel("Give the deduction and its reason: the customer is told both.")
        if deduction > price:
            raise CannotCancel(f"The deduction cannot be more than the books' price, £{price}.")
        if condition != Cancellation.Condition.FAULTY and return_postage:
            raise CannotCancel("Return postage is refunded only for faulty or mis-described books (R-X2).")
        order = cancellation.order
        cancellation.delivery_refunded = _delivery(order, faulty=condition == Cancellation.Condition.FAULTY)
        amount = price + cancellation.delivery_refunded + return_postage - deduction
        cancellation.received_on = received_on
        cancellation.condition = condition
        cancellation.deduction = deduction
        cancellation.deduction_reason = deduction_reason.strip()
        cancellation.return_postage = return_postage
        cancellation.status = Cancellation.Status.RECEIVED
        handler.record_line_event(
            order,
            RECEIVED_EVENT,
            [c.line for c in lines],
            [c.quantity for c in lines],
            note=f"{cancellation.get_condition_display()}, received {received_on:%-d %B %Y}",
        )
        cancellation.return_refund = _record_refund(
            handler,
            order,
            line_quantities={c.line_id: c.quantity for c in lines},
            amount=amount,
            reason=_return_reason(cancellation),
        )
        cancellation.save()
        handler.set_lines_status(order, [c.line for c in lines], "Returned")
        _email_after_commit(cancellation, "returned")
    handler.send_refund(cancellation.return_refund)
    cancellation.refresh_from_db()
    return cancellation


def _record_refund(handler, order, **details) -> Refund:
    try:
        return handler.refund(order, kind=Refund.Kind.LINES, send=False, **details)
    except RefundRefused as error:
        raise CannotCancel(str(error)) from error


def _return_reason(cancellation: Cancellation) -> str:
    parts = [f"Books returned: {cancellation.get_condition_display().lower()}"]
    if cancellation.deduction:
        parts.append(f"£{cancellation.deduction} deducted ({cancellation.deduction_reason})")
    if cancellation.return_postage:
        parts.append(f"includes £{cancellation.return_postage} return postage")
    return "; ".join(parts)


def refunds_due():
    """Returns whose refund is owed or may soon be, oldest deadline first (R-X3): awaited goods
    (by the posting proof's deadline, then the return-by date) and refunds not yet made."""
    return (
        Cancellation.objects.filter(
            status__in=[
                Cancellation.Status.AWAITING_RETURN,
                Cancellation.Status.RECEIVED,
                Cancellation.Status.REFUNDING,
            ]
        )
        .select_related("order", "return_refund", "refund")
        .order_by("return_by", "sent_on", "pk")
    )


# ---- after Stripe made the refund -------------------------------------------------------------
def refund_made(refund: Refund) -> None:
    """The refund went through: the cancellation is settled and its lines change status."""
    cancellation = (
        Cancellation.objects.filter(refund=refund).first()
        or Cancellation.objects.filter(return_refund=refund).first()
    )
    if cancellation is None:
        return
    handler = EventHandler(refund.created_by)
    if cancellation.refund_id == refund.pk:
        now_lines = [c.line for c in cancellation.lines.filter(to_return=False).select_related("line")]
        handler.set_lines_status(cancellation.order, now_lines, "Cancelled")
    if cancellation.lines.filter(to_return=True).exists() and cancellation.return_refund_id != refund.pk:
        return  # the goods to come back are still awaited
    Cancellation.objects.filter(pk=cancellation.pk).update(status=Cancellation.Status.REFUNDED)


def _email_after_commit(cancellation: Cancellation, step: str) -> None:
    from shop.returns.tasks import send_cancellation_email_task

    send_cancellation_email_task.enqueue(cancellation.pk, step)  # owed now, sent once this commits


# ---- faulty goods replaced, parcels refused at customs ---------------------------------------
def send_replacement(cancellation: Cancellation, by=None) -> Order:
    """R-X4, the Returns Policy's default for faulty books: the same books sent again at once,
    as a £0 order linked to the original (no payment, its own despatch note), stock allocated."""
    handler = EventHandler(by)
    with transaction.atomic():
        cancellation = (
            Cancellation.objects.select_for_update().select_related("order").get(pk=cancellation.pk)
        )
        if not cancellation.awaits_return or cancellation.replacement_id:
            raise CannotCancel("A replacement is sent only for faulty books still on their way back.")
        order = cancellation.order
        items = list(cancellation.lines.filter(to_return=True).select_related("line__stockrecord"))
        address = order.shipping_address
        if address is not None:
            address.pk = None
            address.save()
        replacement = Order.objects.create(
            number=numbers.new_number(),
            site_id=order.site_id,
            user_id=order.user_id,
            guest_email=order.guest_email,
            currency=order.currency,
            total_incl_tax=Decimal("0.00"),
            total_excl_tax=Decimal("0.00"),
            shipping_incl_tax=Decimal("0.00"),
            shipping_excl_tax=Decimal("0.00"),
            shipping_address=address,
            shipping_method=f"Replacement for order {order.number}",
            shipping_code=order.shipping_code,
            status=settings.OSCAR_INITIAL_ORDER_STATUS,
            estimated_delivery=order.estimated_delivery
            and timezone.localdate() + (order.estimated_delivery - timezone.localdate(order.date_placed)),
        )
        for item in items:
            line = item.line
            Line.objects.create(
                order=replacement,
                partner_id=line.partner_id,
                partner_name=line.partner_name,
                partner_sku=line.partner_sku,
                stockrecord_id=line.stockrecord_id,
                product_id=line.product_id,
                title=line.title,
                upc=line.upc,
                quantity=item.quantity,
                line_price_incl_tax=Decimal("0.00"),
                line_price_excl_tax=Decimal("0.00"),
                line_price_before_discounts_incl_tax=Decimal("0.00"),
                line_price_before_discounts_excl_tax=Decimal("0.00"),
                unit_price_incl_tax=Decimal("0.00"),
                unit_price_excl_tax=Decimal("0.00"),
                status=settings.OSCAR_INITIAL_LINE_STATUS,
                num_allocated=0,
            )
            if line.stockrecord_id:
                line.stockrecord.allocate(item.quantity)
        replacement.notes.create(
            user=by if by is not None and by.is_authenticated else None,
            message=f"Replacement of faulty books from order {order.number}, at no charge (R-X4).",
        )
        cancellation.replacement = replacement
        cancellation.condition = Cancellation.Condition.FAULTY
        cancellation.status = Cancellation.Status.REPLACED
        cancellation.save(update_fields=["replacement", "condition", "status"])
        handler.record_line_event(
            order,
            REPLACEMENT_EVENT,
            [item.line for item in items],
            [item.quantity for item in items],
            note=f"Order {replacement.number}",
        )
        _email_after_commit(cancellation, "returned")
    return replacement


def record_refused_duties(order, *, received_on: datetime.date, by=None) -> Cancellation:
    """R-X7, T9.2: an international parcel came back with import duties refused. It counts as the
    customer's cancellation; the products' price is refunded now (within 14 days of it coming
    back), not the delivery."""
    handler = EventHandler(by)
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if received_on > timezone.localdate():
            raise CannotCancel("The parcel cannot have come back in the future.")
        done = cancelled_quantities(order)
        items = [
            (line, line.quantity - done.get(line.pk, 0))
            for line in order.lines.select_related("product__product_class")
            if dispatched(line)
            and line.status != "Returned"
            and line.product is not None
            and not entitlements.is_ebook(line.product)
            and line.quantity > done.get(line.pk, 0)
        ]
        if not items:
            raise CannotCancel("Nothing of this order was posted and not yet cancelled.")
        cancellation = Cancellation.objects.create(
            order=order,
            channel=Cancellation.Channel.DUTIES,
            sent_on=received_on,
            reason="Import duties refused: the parcel came back to us",
            status=Cancellation.Status.RECEIVED,
            received_on=received_on,
            condition=Cancellation.Condition.AS_NEW,
            created_by=by if by is not None and by.is_authenticated else None,
        )
        CancellationLine.objects.bulk_create(
            CancellationLine(cancellation=cancellation, line=line, quantity=quantity, to_return=True)
            for line, quantity in items
        )
        lines, quantities = [line for line, _ in items], [quantity for _, quantity in items]
        handler.record_line_event(
            order, DUTIES_EVENT, lines, quantities, note=f"Back on {received_on:%-d %B %Y}"
        )
        cancellation.return_refund = _record_refund(
            handler,
            order,
            line_quantities={line.pk: quantity for line, quantity in items},
            amount=sum((line.unit_price_incl_tax * quantity for line, quantity in items), Decimal("0.00")),
            reason="Import duties were refused and the parcel came back: the books are refunded",
        )
        cancellation.save(update_fields=["return_refund"])
        handler.set_lines_status(order, lines, "Returned")
        _email_after_commit(cancellation, "returned")
    handler.send_refund(cancellation.return_refund)
    cancellation.refresh_from_db()
    return cancellation


# ---- what the customer is shown before confirming --------------------------------------------
def preview(order, line_quantities: dict[int, int], on: datetime.date | None = None) -> dict:
    """What a cancellation of these lines would do, without doing it: refunded now (with the
    delivery when nothing is left), to send back and by when. Raises CannotCancel."""
    on = on or timezone.localdate()
    allowed = {line.pk: (line, left, refusal) for line, left, refusal in cancellable(order, on)}
    chosen = {int(k): int(v) for k, v in line_quantities.items() if int(v) > 0}
    if not chosen:
        raise CannotCancel("Choose at least one book to cancel.")
    for line_id, quantity in chosen.items():
        if line_id not in allowed:
            raise CannotCancel("Choose books of this order.")
        line, left, refusal = allowed[line_id]
        if refusal:
            raise CannotCancel(f"{line.title} cannot be cancelled: {refusal}.")
        if quantity > left:
            raise CannotCancel(f"Only {left} of {line.title} can still be cancelled.")
    lines = [allowed[pk][0] for pk in chosen]
    to_return = [line for line in lines if dispatched(line) and not entitlements.is_ebook(line.product)]
    now_lines = [line for line in lines if line not in to_return]
    done = cancelled_quantities(order)
    nothing_left = all(
        line.status == "Cancelled" or done.get(line.pk, 0) + chosen.get(line.pk, 0) >= line.quantity
        for line in order.lines.all()
    )
    delivery_done = Cancellation.objects.filter(order=order, delivery_refunded__gt=0).exists()
    delivery = order.shipping_incl_tax if nothing_left and not delivery_done else Decimal("0.00")
    return {
        "now": [(line, chosen[line.pk]) for line in now_lines],
        "to_return": [(line, chosen[line.pk]) for line in to_return],
        "refund_now": (_lines_price(now_lines, chosen) + delivery) if now_lines else Decimal("0.00"),
        "delivery": delivery,
        "return_by": on + datetime.timedelta(days=RETURN_DAYS) if to_return else None,
        "return_value": _lines_price(to_return, chosen),
    }
