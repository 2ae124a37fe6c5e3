"""What the public pages say about a plan: its price through the shop's strategy (VAT-inclusive,
R-C4), what a member gets, and how that kind of plan works (R-S3, R-S5, R-S7, R-P3)."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from oscar.core.loading import get_class

from bookclub import plans
from bookclub.models import Plan, PlanPage

Selector = get_class("partner.strategy", "Selector")

NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]

# One line per kind, for the plans index and any plan page whose editors wrote no "how it works".
HOW_EACH_KIND_WORKS = {
    Plan.Kind.PREPAID: (
        "Pay once for a whole term and the editors' paperbacks arrive every month of it. The plan "
        "renews at the end of the term unless you switch renewal off in My Account before the "
        "renewal date; we remind you three days before."
    ),
    Plan.Kind.PAY_MONTHLY: (
        "The editors' paperbacks arrive every month and you pay each parcel by invoice within 14 "
        "days of delivery. Skip a month or cancel future months in My Account. The first parcel of "
        "your first ever pay-monthly plan is half price."
    ),
    Plan.Kind.EBOOK: (
        "Choose how many of the editors' eBooks you want each month, and change the number for any "
        "month until 23:59 on the last day of the month before. Your saved card is charged on the "
        "1st, when the titles reach your eBookshelf; your first titles arrive on the 1st of next month."
    ),
}
KIND_HEADINGS = {
    Plan.Kind.PREPAID: "Pre-paid plans",
    Plan.Kind.PAY_MONTHLY: "Pay-monthly paperbacks",
    Plan.Kind.EBOOK: "Pay-monthly eBooks",
}
KIND_ORDER = [Plan.Kind.PAY_MONTHLY, Plan.Kind.PREPAID, Plan.Kind.EBOOK]


def _word(number: int) -> str:
    return NUMBER_WORDS[number] if number < len(NUMBER_WORDS) else str(number)


def _count(number: int, noun: str) -> str:
    return f"{_word(number)} {noun}{'' if number == 1 else 's'}"


@dataclass(frozen=True)
class PlanOffer:
    plan: Plan
    price: Decimal | None  # VAT-inclusive; None while the plan has no price
    price_suffix: str  # "a month", "for 3 months", "per title"
    gets: str  # "Two paperbacks a month for three months"
    works_out: str  # "£15.99 a month" for a term, "usually £11.97 a month" for eBooks; "" otherwise
    how_it_works: str
    posted: bool  # paperbacks posted to a UK address (R-D3)

    @property
    def accepts_new_members(self) -> bool:
        return self.plan.accepts_new_members


def _money(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


def offer_for(plan: Plan, *, request=None) -> PlanOffer:
    """``plan`` as the public pages describe it (uses its prefetched stock records)."""
    strategy = getattr(request, "strategy", None) or Selector().strategy(request=request)
    info = strategy.fetch_for_product(plan.product)
    price = info.price.incl_tax if info.price.exists else None
    works_out = ""
    if plan.is_prepaid:
        suffix = f"for {plan.term_months} months"
        gets = f"{_count(plan.books_per_month, 'paperback')} a month for {_count(plan.term_months, 'month')}"
        if price is not None:
            monthly = (price / plan.term_months).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            works_out = f"{_money(monthly)} a month"
    elif plan.is_pay_monthly:
        suffix = "a month"
        gets = f"{_count(plan.books_per_month, 'paperback')} a month"
    else:
        suffix = "per title"
        gets = f"{_word(plan.min_titles)} to {_count(plan.max_titles, 'eBook')} a month, as you choose"
        if price is not None:
            works_out = (
                f"usually {_money(price * plan.default_titles)} a month ({plan.default_titles} titles)"
            )
    return PlanOffer(
        plan=plan,
        price=price,
        price_suffix=suffix,
        gets=gets[0].upper() + gets[1:],
        works_out=works_out,
        how_it_works=HOW_EACH_KIND_WORKS[plan.kind],
        posted=plan.is_physical,
    )


def plan_with_price(plan_id: int) -> Plan:
    """A plan with what ``offer_for`` reads loaded (two queries)."""
    return (
        Plan.objects.select_related("product__product_class")
        .prefetch_related("product__stockrecords")
        .get(pk=plan_id)
    )


@dataclass(frozen=True)
class KindOfPlan:
    heading: str
    how_it_works: str
    offers: list[tuple[PlanOffer, PlanPage | None]]


def open_offers_by_kind(*, request=None) -> list[KindOfPlan]:
    """Every plan open to new members, by kind, each with its live page when it has one.

    Three queries whatever the number of plans.
    """
    open_plans = list(plans.open_plans().select_related("product__product_class"))
    pages = {page.plan_id: page for page in PlanPage.objects.live().filter(plan__in=open_plans)}
    groups = []
    for kind in KIND_ORDER:
        offers = [
            (offer_for(plan, request=request), pages.get(plan.pk)) for plan in open_plans if plan.kind == kind
        ]
        if offers:
            offers.sort(key=lambda pair: (pair[0].price is None, pair[0].price or 0))
            groups.append(KindOfPlan(KIND_HEADINGS[kind], HOW_EACH_KIND_WORKS[kind], offers))
    return groups
