"""Months and London time: the calendar every subscription rule counts in.

A *period* (or month) is named by the date of its first day. The club's deadlines are set in
London time whatever the server's clock says (R-S7: "23:59 London time on the last day of the
month before"), so every instant here is turned into a London date or compared with midnight
in London, which is GMT in winter and BST in summer.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

LONDON = ZoneInfo("Europe/London")


def now() -> datetime:
    return timezone.now()


def london_today(at: datetime | None = None) -> date:
    """The date in London at an instant (now by default)."""
    return (at or timezone.now()).astimezone(LONDON).date()


def month_of(day: date) -> date:
    """The period a date falls in: the first of its month."""
    return day.replace(day=1)


def is_month(day: date) -> bool:
    return isinstance(day, date) and not isinstance(day, datetime) and day.day == 1


def add_months(month: date, count: int) -> date:
    """The first of the month ``count`` months after (or before) ``month``'s month."""
    index = month.year * 12 + (month.month - 1) + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(start: date, end: date) -> int:
    """How many month starts lie from ``start``'s month up to (not including) ``end``'s month."""
    return (end.year - start.year) * 12 + (end.month - start.month)


def month_starts_at(month: date) -> datetime:
    """00:00 in London on the first of the month, as an aware instant."""
    return datetime.combine(month_of(month), time(0, 0), tzinfo=LONDON)


def day_starts_at(day: date) -> datetime:
    """00:00 in London on a day, as an aware instant."""
    return datetime.combine(day, time(0, 0), tzinfo=LONDON)


def last_moment_before(month: date) -> datetime:
    """23:59:59 in London on the last day of the month before: what customers are told."""
    return month_starts_at(month) - timedelta(seconds=1)


def has_begun(month: date, *, at: datetime | None = None) -> bool:
    """True once it is the first of ``month`` (or later) in London."""
    return (at or timezone.now()) >= month_starts_at(month)


def last_day(month: date) -> date:
    return add_months(month, 1) - timedelta(days=1)


def describe(month: date) -> str:
    """'May 2026'."""
    return month.strftime("%B %Y")
