"""What a plan costs, month by month: the one calculation the joining screens, the confirmation
email (R-S6: the total monthly cost), My Account and the monthly run all use.

A plan's price is its product's stock record price as the shop's strategy prices it (VAT-
inclusive; plans are zero-rated, R-C4):

- pre-paid: the price of the whole term, charged when a term starts (joining, then each
  renewal, R-S3); the months inside a paid term cost nothing more;
- pay-monthly paperbacks: the monthly price, invoiced (R-P3); the first order of a customer's
  first ever pay-monthly plan at half price (R-S5);
- eBooks: the price of one title, times the titles chosen for the month (R-S7).

Charges follow the plan's price when they are made; a pre-paid term keeps what was paid for it
(``Subscription.term_price``).
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from oscar.core.loading import get_class

from bookclub import months
from bookclub.exceptions import NotAllowed
from bookclub.models import Plan, Subscription, SubscriptionMonth

Selector = get_class("partner.strategy", "Selector")

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")
FIRST_ORDER_DISCOUNT_RATE = Decimal("0.50")  # R-S5


def plan_price(plan: Plan) -> Decimal:
    """The plan's VAT-inclusive price from its product's stock record (uses prefetched records)."""
    info = Selector().strategy().fetch_for_product(plan.product)
    if not info.price.exists or info.price.incl_tax is None:
        raise NotAllowed(f"{plan.name} has no price yet, so it cannot be joined.")
    return info.price.incl_tax


def first_order_discount(full_price: Decimal) -> Decimal:
    """Half the price, the odd half-penny in the customer's favour (R-S5)."""
    return (full_price * FIRST_ORDER_DISCOUNT_RATE).quantize(PENNY, rounding=ROUND_HALF_UP)


def planned_first_period(plan: Plan, *, today: date) -> date:
    """The month of the first order for someone joining today.

    Paperback plans start with this month's parcel; an eBook plan's first titles arrive on the
    first of next month (R-S7), so its first month is next month.
    """
    this_month = months.month_of(today)
    return months.add_months(this_month, 1) if plan.is_ebook else this_month


@dataclass(frozen=True)
class MonthCharge:
    """What one month of a subscription brings and costs."""

    month: date
    amount: Decimal  # what the customer pays for this month (0 inside a paid term or when skipped)
    full_price: Decimal  # before any discount
    discount: Decimal
    supplied: bool  # an order forms for this month
    titles: int | None = None  # eBook plans
    books: int | None = None  # paperback plans
    note: str = ""


@dataclass(frozen=True)
class PlanQuote:
    """What joining a plan costs, for the joining screens and the confirmation (R-S6)."""

    plan: Plan
    first_month: date
    first_charge: Decimal  # the first order (pre-paid: the whole first term)
    discount: Decimal  # taken off the first order (R-S5)
    monthly_cost: Decimal  # every later month (pre-paid: what a month of the term works out at)
    term_price: Decimal | None  # pre-paid plans
    titles: int | None  # eBook plans: titles a month


def _titles_within(plan: Plan, titles: int | None) -> int:
    return titles if titles is not None else plan.default_titles


def quote(
    plan: Plan, *, today: date, titles: int | None = None, first_order_discount_applies: bool = False
) -> PlanQuote:
    """What joining ``plan`` today costs: the first order and every month after it."""
    price = plan_price(plan)
    first_month = planned_first_period(plan, today=today)
    if plan.is_prepaid:
        per_month = (price / plan.term_months).quantize(PENNY, rounding=ROUND_HALF_UP)
        return PlanQuote(plan, first_month, price, ZERO, per_month, price, None)
    if plan.is_ebook:
        count = _titles_within(plan, titles)
        monthly = price * count
        return PlanQuote(plan, first_month, monthly, ZERO, monthly, None, count)
    discount = first_order_discount(price) if first_order_discount_applies else ZERO
    return PlanQuote(plan, first_month, price - discount, discount, price, None, None)


def month_choice(subscription: Subscription, month: date) -> SubscriptionMonth | None:
    """The customer's choice for a month, from prefetched ``months`` when they were prefetched."""
    cache = getattr(subscription, "_prefetched_objects_cache", {})
    if "months" in cache:
        return next((choice for choice in cache["months"] if choice.month == month), None)
    return SubscriptionMonth.objects.filter(subscription=subscription, month=month).first()


def titles_for_month(subscription: Subscription, month: date) -> int:
    """eBook titles a month brings: the month's own choice, else the subscription's usual count
    (R-S7). The monthly run reads this after the month's cut-off."""
    choice = month_choice(subscription, month)
    if choice is not None and choice.ebook_titles is not None:
        return choice.ebook_titles
    return subscription.ebook_titles or subscription.plan.default_titles


def _first_period(subscription: Subscription) -> date:
    return subscription.first_period or planned_first_period(subscription.plan, today=months.london_today())


def _is_supplied(subscription: Subscription, month: date, first: date) -> tuple[bool, str]:
    """Whether an order forms for ``month``, and why not."""
    if month < first:
        return False, "Before the plan starts."
    state = subscription.state
    State = Subscription.State
    not_yet_formed = subscription.next_order_on is None or month >= subscription.next_order_on
    if state in (State.CANCELLED, State.ENDED, State.PURGED, State.ABANDONED) and not_yet_formed:
        return False, "The subscription has ended."
    if state == State.SUSPENDED and not_yet_formed:
        return False, "The subscription is suspended."
    plan = subscription.plan
    renewal_off = plan.is_prepaid and not subscription.auto_renew and subscription.renews_on
    if renewal_off and month >= subscription.renews_on:
        return False, "Automatic renewal is off: the plan ends with its term."
    return True, ""


def charge_for_month(subscription: Subscription, month: date) -> MonthCharge:
    """What ``month`` (the first of a month) brings and costs this subscriber.

    Pre-paid: the term's price in a month that starts a term, nothing in the others. Pay-monthly:
    the monthly price, half of it in the first month if the discount was claimed (R-S5), nothing
    in a skipped month. eBooks: the price of a title times the month's titles (R-S7).
    """
    plan = subscription.plan
    first = _first_period(subscription)
    supplied, why_not = _is_supplied(subscription, month, first)
    choice = month_choice(subscription, month) if plan.is_monthly else None
    if supplied and choice is not None and choice.skipped:
        supplied, why_not = False, "Skipped."
    books = plan.books_per_month if plan.is_physical else None
    if not supplied:
        return MonthCharge(month, ZERO, ZERO, ZERO, False, None, None, why_not)

    price = plan_price(plan)
    if plan.is_prepaid:
        starts_a_term = months.months_between(first, month) % plan.term_months == 0
        if not starts_a_term:
            return MonthCharge(month, ZERO, ZERO, ZERO, True, None, books, "Part of your pre-paid term.")
        if month == subscription.current_term_start and subscription.term_price is not None:
            price = subscription.term_price
        note = "The first term." if month == first else "The term renews automatically (R-S3)."
        return MonthCharge(month, price, price, ZERO, True, None, books, note)
    if plan.is_ebook:
        titles = titles_for_month(subscription, month)
        total = price * titles
        return MonthCharge(month, total, total, ZERO, True, titles, None, "")
    if month == first and subscription.first_order_discount:
        discount = first_order_discount(price)
        return MonthCharge(
            month, price - discount, price, discount, True, None, books, "First order at half price."
        )
    return MonthCharge(month, price, price, ZERO, True, None, books, "")


def total_monthly_cost(subscription: Subscription) -> Decimal:
    """The total monthly cost the confirmation states (R-S6): the monthly price of a paperback
    plan, the usual titles times the title price of an eBook plan, and for a pre-paid plan what
    a month of its term works out at."""
    plan = subscription.plan
    price = plan_price(plan)
    if plan.is_ebook:
        return price * (subscription.ebook_titles or plan.default_titles)
    if plan.is_prepaid:
        term = subscription.term_price if subscription.term_price is not None else price
        return (term / plan.term_months).quantize(PENNY, rounding=ROUND_HALF_UP)
    return price
