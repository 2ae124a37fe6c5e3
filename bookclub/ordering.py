"""A subscription's order for one month, placed through the shop's own order creation (R-S6).

``place_month_order(subscription, period)`` is the one way a subscription's month becomes an
Oscar order: the monthly run calls it for every cycle, and joining can call it for the first
order. The order holds

- a line for the plan itself at what the month costs (``pricing.charge_for_month``): the
  month's price for pay-monthly paperbacks (half for a first discounted order, R-S5), the
  title price times the titles chosen by the cut-off for eBooks (R-S7), and for pre-paid plans
  the term's price in a month that starts a term, £0 in the others;
- a £0 line per book of the plan's live, frozen selection for the month (R-S2): the first N
  picks for an eBook member who chose N titles; every pick for a paperback plan.

So the order's total is the month's total (R-S6) and its lines say which books the month
brings. Prices come from a strategy (Oscar's way of pricing a basket), stock is locked and
allocated by the shop's ``OrderCreator`` (R-C2), and paperback months go to the plan's own
delivery address with the club's included postage.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from oscar.apps.partner import prices
from oscar.core import prices as core_prices
from oscar.core.loading import get_class, get_model

from bookclub import months, pricing, selections
from bookclub.models import Subscription
from shop.order import processing
from shop.partner.strategy import BookshopStrategy, split_vat

Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")
LineAttribute = get_model("basket", "LineAttribute")
ShippingAddress = get_model("order", "ShippingAddress")
OrderCreator = get_class("order.utils", "OrderCreator")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Free = get_class("shipping.methods", "Free")
EventHandler = get_class("order.processing", "EventHandler")
Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")
Transaction = get_model("payment", "Transaction")

CARD_SOURCE_TYPE = "Card (Stripe)"  # the checkout's own source type

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")


class NoSelection(Exception):
    """The plan has no complete live selection for the month: its orders cannot be made."""


class ClubParcel(Free):
    """The monthly parcel's postage: included in the plan (UK only, R-D3)."""

    code = "club-parcel"
    name = "Book club parcel (postage included)"
    max_days = 3  # a tracked 48-hour service plus the day it is packed (estimated delivery, R-D6)


class MonthStrategy(BookshopStrategy):
    """The shop's strategy with the month's own prices: the plan line at the month's charge,
    the books at £0. VAT is split at each product class's rate, as for any price (R-C4)."""

    def __init__(self, unit_prices: dict[int, Decimal], request=None):
        super().__init__(request)
        self.unit_prices = unit_prices

    def pricing_policy(self, product, stockrecord):
        price = self.unit_prices.get(product.pk)
        if price is None or stockrecord is None:
            return prices.Unavailable()
        excl, vat = split_vat(price, product.get_product_class().vat_rate)
        return prices.TaxInclusiveFixedPrice(currency="GBP", excl_tax=excl, tax=vat)


@dataclass(frozen=True)
class MonthContents:
    """What a month's order holds: (product, quantity, unit price incl. VAT) and its total."""

    lines: list[tuple[object, int, Decimal]]
    charge: pricing.MonthCharge

    @property
    def total(self) -> Decimal:
        return sum((price * quantity for _, quantity, price in self.lines), ZERO)


def required_picks(plan) -> int:
    """How many picks a complete selection of the plan holds (``selection_rules.check_picks``)."""
    return plan.max_titles if plan.is_ebook else plan.books_per_month


def month_picks(plan, period: date) -> list[selections.Pick]:
    """The plan's live selection for the month; NoSelection unless it is complete."""
    picks = selections.picks_for(plan, period)
    if len(picks) < required_picks(plan):
        raise NoSelection(
            f"{plan.name} has no complete live selection for {months.describe(period)}: "
            f"{len(picks)} of {required_picks(plan)} picks are live."
        )
    return picks


def month_contents(
    subscription: Subscription, period: date, *, picks: list[selections.Pick] | None = None
) -> MonthContents:
    """What ``period``'s order of this subscription holds and costs (nothing supplied: no lines)."""
    plan = subscription.plan
    charge = pricing.charge_for_month(subscription, period)
    if not charge.supplied:
        return MonthContents([], charge)
    picks = month_picks(plan, period) if picks is None else picks
    if plan.is_ebook:
        titles = charge.titles or 0
        unit = (charge.amount / titles).quantize(PENNY, rounding=ROUND_HALF_UP) if titles else ZERO
        lines = [(plan.product, titles, unit)]
        books = picks[:titles]
    else:
        lines = [(plan.product, 1, charge.amount)]
        books = picks[: plan.books_per_month]
    lines += [(pick.product, 1, ZERO) for pick in books]
    return MonthContents(lines, charge)


def _shipping_address(subscription: Subscription):
    source = subscription.delivery_address
    if source is None:
        return None
    names = [f.attname for f in ShippingAddress._meta.concrete_fields if not f.primary_key]
    address = ShippingAddress(**{name: getattr(source, name) for name in names if hasattr(source, name)})
    address.save()
    return address


def _add_lines(basket, contents: MonthContents) -> None:
    """The month's lines in one insert, as ``Basket.add_product`` would make them one by one (a
    line per product, priced by the basket's strategy); the basket keeps them as its lines, so
    placing the order reads no line back."""
    lines = []
    for product, quantity, _ in contents.lines:
        if not quantity:
            continue
        info = basket.strategy.fetch_for_product(product)
        if not info.price.exists or info.stockrecord is None:
            raise ValueError(f"{product} cannot be priced for the month's order")
        line = Line(
            basket=basket,
            line_reference=basket._create_line_reference(product, info.stockrecord, []),
            product=product,
            stockrecord=info.stockrecord,
            quantity=quantity,
            price_currency=info.price.currency,
            price_excl_tax=info.price.excl_tax,
            price_incl_tax=info.price.incl_tax,
            tax_code=info.price.tax_code,
        )
        lines.append(line)
    Line.objects.bulk_create(lines)
    for line in lines:
        line._prefetched_objects_cache = {"attributes": LineAttribute.objects.none()}
    basket._lines = lines


def place_month_order(
    subscription: Subscription,
    period: date,
    *,
    contents: MonthContents | None = None,
    order_number: str | None = None,
):
    """Place the Oscar order of ``subscription``'s month ``period`` and return it.

    Raises NoSelection (no complete live selection), ``LinesNoLongerAvailable`` (paperbacks
    out of stock) or ValueError (nothing is supplied that month); nothing is written then.
    Payment is the caller's: the order is placed unpaid, as Oscar places any order.
    """
    contents = contents or month_contents(subscription, period)
    if not contents.lines:
        raise ValueError(f"Nothing is supplied in {months.describe(period)}: {contents.charge.note}")
    customer = subscription.customer
    unit_prices = {product.pk: price for product, _, price in contents.lines}
    with transaction.atomic():
        # Made and submitted inside this transaction: no one else ever sees it open, so it never
        # becomes (or merges into) the customer's own basket.
        basket = Basket.objects.create(owner=customer)
        basket.strategy = MonthStrategy(unit_prices)
        _add_lines(basket, contents)
        method = ClubParcel()
        shipping_charge = core_prices.Price(currency="GBP", excl_tax=ZERO, incl_tax=ZERO)
        total = OrderTotalCalculator().calculate(basket, shipping_charge)
        order = OrderCreator().place_order(
            basket=basket,
            total=total,
            shipping_method=method,
            shipping_charge=shipping_charge,
            user=customer,
            shipping_address=_shipping_address(subscription) if subscription.plan.is_physical else None,
            order_number=order_number,
        )
        basket.submit()
    return order


def record_card_payment(order, amount: Decimal, intent, label: str) -> None:
    """The card as Oscar's payment source and one "Paid" event over the order's lines, as the
    checkout records a payment: the joining charge, a month's charge and an invoice paid by card."""
    charge = getattr(intent, "latest_charge", None)
    charge_id = charge if isinstance(charge, str) else getattr(charge, "id", "")
    source_type, _ = SourceType.objects.get_or_create(name=CARD_SOURCE_TYPE)
    source = Source.objects.create(
        order=order,
        source_type=source_type,
        currency="GBP",
        amount_allocated=amount,
        amount_debited=amount,
        reference=intent.id,
        label=label,
    )
    Transaction.objects.create(
        source=source, txn_type=Transaction.DEBIT, amount=amount, reference=charge_id or intent.id, status=""
    )
    lines = list(order.lines.all())
    EventHandler().create_payment_event(
        order,
        processing.payment_event_type(processing.PAID),
        amount,
        lines,
        [line.quantity for line in lines],
        reference=intent.id,
    )
