"""Estimated delivery dates from the method and zone (R-D6).

An order placed on a working day before the 14:00 London cut-off is posted that day; later,
or at a weekend, it is posted the next working day. A pre-ordered paperback is posted on its
publication day. Delivery then takes the method's slowest typical time in working days
(Monday to Friday; bank holidays are not counted out, so the estimate can be a day early
around them). eBooks are delivered at once, on the day of the order.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

CUT_OFF = time(14, 0)  # London time


def is_working_day(day: date) -> bool:
    return day.weekday() < 5


def next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(start: date, days: int) -> date:
    day = start
    for _ in range(days):
        day = next_working_day(day)
    return day


def dispatch_date(placed_at: datetime, *, not_before: date | None = None) -> date:
    """The working day the parcel leaves us."""
    local = timezone.localtime(placed_at)
    day = local.date()
    if not is_working_day(day) or local.time() >= CUT_OFF:
        day = next_working_day(day)
    if not_before and not_before > day:
        day = not_before if is_working_day(not_before) else next_working_day(not_before)
    return day


def _delivery_method(shipping_method):
    # Offer wrappers keep the method they discount in ``method``.
    return getattr(shipping_method, "method", shipping_method)


def latest_publication(basket) -> date | None:
    """The publication date the parcel waits for, if it holds a pre-ordered book."""
    from .rules import physical_lines

    dates = [
        line.product.publication_date for line in physical_lines(basket) if line.product.publication_date
    ]
    return max(dates) if dates else None


def estimated_delivery(basket, shipping_method, placed_at: datetime | None = None) -> date | None:
    """When the order should arrive; the placement date if nothing is posted (R-D4, R-D6)."""
    placed_at = placed_at or timezone.now()
    if not basket.is_shipping_required():
        return timezone.localtime(placed_at).date()
    method = _delivery_method(shipping_method)
    max_days = getattr(method, "max_days", None)
    if max_days is None:
        return None
    published = latest_publication(basket)
    today = timezone.localtime(placed_at).date()
    waits_for = published if published and published > today else None
    return add_working_days(dispatch_date(placed_at, not_before=waits_for), max_days)


def typical_estimate(method, placed_at: datetime | None = None, *, publication: date | None = None) -> date:
    """The delivery date a reader ordering now could expect with this method (book pages)."""
    placed_at = placed_at or timezone.now()
    today = timezone.localtime(placed_at).date()
    waits_for = publication if publication and publication > today else None
    return add_working_days(dispatch_date(placed_at, not_before=waits_for), method.max_days)
