"""The editors' monthly selections, as the rest of the club reads them (R-S2).

Only a live selection counts: a draft or a scheduled revision is the editors' business until it
goes live. Its picks in the database are those of the live revision. What a selection may hold
and when it is frozen are in ``bookclub.selection_rules``.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch
from oscar.core.loading import get_model

from bookclub import months, selection_rules
from bookclub.models import MonthlySelectionPage, Plan, SelectionPick

Authorship = get_model("catalogue", "Authorship")


@dataclass(frozen=True)
class Pick:
    position: int
    product_id: int
    product: object  # catalogue.Product, with its class, work, authors, stock records and images loaded
    note: str


@dataclass(frozen=True)
class MonthOfPicks:
    """One month's live selection and its picks, for the public pages."""

    month: date
    selection: MonthlySelectionPage
    picks: list[Pick]


def live_selection(plan: Plan, month: date) -> MonthlySelectionPage | None:
    """The live selection of ``plan`` for ``month`` (any day of it), or None."""
    return MonthlySelectionPage.objects.live().filter(plan=plan, month=months.month_of(month)).first()


def _pick_rows():
    """Picks with everything a pick shows or the run needs: one query and four prefetches."""
    return (
        SelectionPick.objects.select_related("product__product_class", "product__work")
        .prefetch_related(
            "product__stockrecords",
            "product__images",
            Prefetch(
                "product__work__authorships",
                queryset=Authorship.objects.select_related("author").order_by("position", "id"),
            ),
        )
        .order_by("sort_order", "pk")
    )


def _as_picks(rows) -> list[Pick]:
    return [
        Pick(position=index, product_id=row.product_id, product=row.product, note=row.note)
        for index, row in enumerate(rows, start=1)
    ]


def picks_for(plan: Plan, month: date) -> list[Pick]:
    """The live picks of ``plan`` for ``month`` in the editors' order; empty when none is live.

    An eBook member who chose N titles for the month gets the first N (R-S7).
    """
    rows = _pick_rows().filter(
        selection__plan=plan, selection__month=months.month_of(month), selection__live=True
    )
    return _as_picks(rows)


def picks_of(selection: MonthlySelectionPage) -> list[Pick]:
    """A selection's picks as saved (the live revision's, for a live selection), in order."""
    return _as_picks(_pick_rows().filter(selection=selection))


def live_months(plan: Plan, wanted: list[date]) -> list[MonthOfPicks]:
    """The live selections of ``plan`` among the ``wanted`` months, each with its picks, in month
    order; months without a live selection are left out. Two queries and the picks' prefetches,
    however many picks there are."""
    wanted = [months.month_of(month) for month in wanted]
    selections = list(
        MonthlySelectionPage.objects.live().filter(plan=plan, month__in=wanted).order_by("month")
    )
    by_selection: dict[int, list] = {selection.pk: [] for selection in selections}
    if selections:
        for row in _pick_rows().filter(selection_id__in=list(by_selection)):
            by_selection[row.selection_id].append(row)
    return [
        MonthOfPicks(month=selection.month, selection=selection, picks=_as_picks(by_selection[selection.pk]))
        for selection in selections
    ]


def is_frozen(selection: MonthlySelectionPage, *, today: date | None = None) -> bool:
    """A live selection whose month has begun in London is what the month is made of: frozen."""
    return selection_rules.is_frozen(selection, today=today)
