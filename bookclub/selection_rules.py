"""What a monthly selection may hold and when it can change (R-S2), as plain functions.

They take plans, products and dates, never look up pages themselves, so the page models and
their admin forms (``bookclub.pages``) can use them while the models are still loading.

- **Run date and dispatch date**: a month's orders are made from its selection on its first
  day (00:00 London time): paperback parcels are dispatched from that day and eBooks reach the
  eBookshelf that day (R-S7). Both are "the 1st" here.
- **The picks**: paperback plans (pre-paid and pay-monthly) pick exactly the plan's books per
  month, paperbacks that can be ordered now (in stock, or pre-orderable with copies left) and
  are published by the dispatch date. eBook plans pick exactly the plan's most titles a month,
  eBooks published by the 1st; a member who chose N titles gets the first N in the editors'
  order. No book twice, in any format.
- **Frozen**: once a live selection's month has begun it is what that month's orders are made
  from; it is no longer edited, republished, unpublished, moved or deleted.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils.dateformat import format as format_date
from oscar.core.loading import get_class

from bookclub import months

Selector = get_class("partner.strategy", "Selector")

PAPERBACK = "paperback"
EBOOK = "ebook"


@dataclass(frozen=True)
class Problem:
    """A reason a selection cannot be saved, for the editor. ``position`` is the pick's place
    (1 for the first pick) when the problem is one pick's, None when it is the whole list's."""

    message: str
    position: int | None = None


def dispatch_date(month: date) -> date:
    """The day a month's parcels go out and its eBooks arrive: its first day."""
    return months.month_of(month)


def run_starts_at(month: date) -> datetime:
    """When the month's orders are made from its selection: 00:00 London time on the 1st."""
    return months.month_starts_at(month)


def picks_needed(plan) -> int:
    """How many titles a selection of ``plan`` holds: books per month, or the most eBook titles."""
    return plan.max_titles if plan.is_ebook else plan.books_per_month


def format_for(plan) -> str:
    """The product class slug a plan's picks must have."""
    return EBOOK if plan.is_ebook else PAPERBACK


def _day(value: date) -> str:
    return format_date(value, "j F Y")


def _a(format_name: str) -> str:
    """'a paperback', 'an eBook', 'a gift'."""
    name = format_name if format_name[:1].islower() else format_name.lower()
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def _what_the_plan_sends(plan, count: int) -> str:
    noun = "eBook" if plan.is_ebook else "paperback"
    return f"{count} {noun}{'' if count == 1 else 's'}"


def check_picks(plan, month: date, products: list, *, complete: bool = True) -> list[Problem]:
    """Everything wrong with ``products`` as ``plan``'s picks for ``month``, in plain words.

    ``complete=False`` (a draft being saved) lets a list be short; everything else still counts.
    Products should come with their product class, work and stock records loaded.
    """
    month = months.month_of(month)
    problems = []
    wanted = format_for(plan)
    strategy = Selector().strategy()
    seen_products: dict[int, int] = {}
    seen_works: dict[int, int] = {}
    for position, product in enumerate(products, start=1):
        title = f"“{product.title}”"
        if product.id in seen_products or (product.work_id and product.work_id in seen_works):
            first = seen_products.get(product.id) or seen_works.get(product.work_id)
            problems.append(Problem(f"{title} is already pick {first}: choose another book.", position))
            continue
        seen_products[product.id] = position
        if product.work_id:
            seen_works[product.work_id] = position
        if product.get_product_class().slug != wanted:
            kind = "eBooks" if wanted == EBOOK else "paperbacks"
            problems.append(
                Problem(
                    f"{title} is {_a(product.get_product_class().name)}; {plan.name} sends {kind}. "
                    f"Choose the {kind[:-1]} edition or another book.",
                    position,
                )
            )
            continue
        if not product.is_public:
            problems.append(Problem(f"{title} is hidden from the shop, so it cannot be sent.", position))
            continue
        published = product.publication_date
        if published and published > dispatch_date(month):
            when = "eBooks reach the eBookshelf" if wanted == EBOOK else "parcels go out"
            problems.append(
                Problem(
                    f"{title} is published on {_day(published)}, after this month's {when} on "
                    f"{_day(dispatch_date(month))}.",
                    position,
                )
            )
            continue
        if wanted == PAPERBACK:
            info = strategy.fetch_for_product(product)
            allowed, reason = info.availability.is_purchase_permitted(1)
            if not allowed:
                problems.append(Problem(f"{title} cannot be ordered now: {reason}.", position))
    needed = picks_needed(plan)
    count = len(products)
    if count > needed or (complete and count < needed):
        sends = _what_the_plan_sends(plan, needed)
        if plan.is_ebook:
            rule = (
                f"{plan.name} members choose up to {needed} eBooks a month, so the selection holds "
                f"exactly {sends}: each member gets the first titles in this order, as many as they chose."
            )
        else:
            rule = f"{plan.name} sends {sends} a month, so the selection holds exactly {sends}."
        change = f"add {needed - count} more" if count < needed else f"remove {count - needed}"
        problems.append(Problem(f"{rule} You have {count}: {change}."))
    return problems


def check_schedule(month: date, *, go_live_at: datetime | None, expire_at: datetime | None) -> dict:
    """Problems with a selection's publishing dates, by form field name."""
    problems = {}
    run = run_starts_at(month)
    if go_live_at and go_live_at > run:
        problems["go_live_at"] = (
            f"{months.describe(month)}'s orders are made from this selection at 00:00 on "
            f"{_day(dispatch_date(month))}: choose a go-live time before then, or publish now."
        )
    if expire_at:
        problems["expire_at"] = (
            "A monthly selection does not expire: members' orders and their order history are made "
            "from it. Leave the expiry date empty."
        )
    return problems


def is_frozen(selection, *, today: date | None = None) -> bool:
    """A live selection whose month has begun in London is what the month is made of: frozen."""
    today = today or months.london_today()
    if not selection.live or selection.month is None:
        return False
    return months.month_of(selection.month) <= today


def frozen_message(selection, doing: str) -> str:
    """Why a frozen selection cannot be ``doing`` ("edited", "unpublished", "moved", "deleted")."""
    return (
        f"“{selection.title}” is frozen: it is live and {months.describe(selection.month)} has begun, "
        f"so members' orders for the month are made from it. It can no longer be {doing}."
    )
