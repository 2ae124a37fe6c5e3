"""The editors' monthly selections, as the rest of the club reads them (R-S2).

Only a live selection counts: a draft or a scheduled revision is the editors' business until it
goes live. Its picks in the database are those of the live revision.
"""

from dataclasses import dataclass
from datetime import date

from bookclub import months
from bookclub.models import MonthlySelectionPage, Plan, SelectionPick


@dataclass(frozen=True)
class Pick:
    position: int
    product_id: int
    product: object  # catalogue.Product, with its stock records and images loaded
    note: str


def live_selection(plan: Plan, month: date) -> MonthlySelectionPage | None:
    """The live selection of ``plan`` for ``month`` (any day of it), or None."""
    return MonthlySelectionPage.objects.live().filter(plan=plan, month=months.month_of(month)).first()


def picks_for(plan: Plan, month: date) -> list[Pick]:
    """The live picks of ``plan`` for ``month`` in the editors' order; empty when none is live."""
    rows = (
        SelectionPick.objects.filter(
            selection__plan=plan, selection__month=months.month_of(month), selection__live=True
        )
        .select_related("product__product_class")
        .prefetch_related("product__stockrecords", "product__images")
        .order_by("sort_order", "pk")
    )
    return [
        Pick(position=index, product_id=row.product_id, product=row.product, note=row.note)
        for index, row in enumerate(rows, start=1)
    ]


def is_frozen(selection: MonthlySelectionPage, *, today: date | None = None) -> bool:
    """A live selection whose month has begun in London is what the month is made of: frozen."""
    today = today or months.london_today()
    return selection.live and months.month_of(selection.month) <= today
