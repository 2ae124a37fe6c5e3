"""Who may join a plan (R-S1, R-D3; T5.6, T5.9, T5.13).

Every plan: 18 or over, from a date of birth checked against today's date in London. Paperback
plans (pre-paid and pay-monthly) also: a declared UK residence and a UK delivery address. What
was declared is recorded on the subscription by ``lifecycle.join``.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from bookclub import months
from bookclub.exceptions import NotEligible
from bookclub.models import Plan

MINIMUM_AGE = 18
OLDEST_BELIEVABLE_AGE = 120
UK = "GB"


@dataclass(frozen=True)
class Declaration:
    """What the customer told us when joining."""

    date_of_birth: date | None
    uk_resident: bool = False
    declared_at: datetime = field(default_factory=timezone.now)


def birthday_in(year: int, born: date) -> date:
    """The day a birthday falls on in ``year``: people born on 29 February have theirs on
    1 March in other years, the day they legally come of age in the UK."""
    try:
        return born.replace(year=year)
    except ValueError:  # 29 February in a year that has none
        return date(year, 3, 1)


def comes_of_age_on(born: date, *, age: int = MINIMUM_AGE) -> date:
    return birthday_in(born.year + age, born)


def age_on(born: date, today: date) -> int:
    """Completed years of age on ``today``."""
    years = today.year - born.year
    return years if today >= birthday_in(today.year, born) else years - 1


def is_uk_address(address) -> bool:
    """True for an address in the United Kingdom (Crown dependencies are not, R-D2)."""
    return bool(address is not None and getattr(address, "country_id", None) == UK)


def check_uk_address(address) -> None:
    """Refuse a missing, foreign or malformed delivery address for a paperback plan (R-D3)."""
    if address is None:
        raise NotEligible(
            "Please give a UK delivery address: this plan's books are posted to UK addresses only."
        )
    if not is_uk_address(address):
        country = getattr(address, "country", None)
        where = f" to {country.printable_name}" if getattr(country, "printable_name", "") else " abroad"
        raise NotEligible(
            f"Sorry, we cannot post a plan's books{where}: plans deliver to UK addresses only. "
            "Please choose an address in the United Kingdom."
        )
    if not (address.line1 or "").strip():
        raise NotEligible("Please give the first line of the delivery address.")
    try:
        address.ensure_postcode_is_valid_for_country()
    except ValidationError as error:
        raise NotEligible(" ".join(error.messages)) from error
    if not (address.postcode or "").strip():
        raise NotEligible("Please give the delivery address's postcode.")


def check(plan: Plan, *, declaration: Declaration, delivery_address=None, today: date | None = None) -> None:
    """Refuse, with a message for the customer, anyone ``plan`` is not open to (R-S1, R-D3).

    ``today`` defaults to today's date in London, where the club's days begin and end.
    """
    today = today or months.london_today()
    born = declaration.date_of_birth
    if born is None:
        raise NotEligible("Please give your date of birth: our plans are for readers aged 18 or over.")
    if born > today:
        raise NotEligible("Please check your date of birth: it is in the future.")
    if age_on(born, today) > OLDEST_BELIEVABLE_AGE:
        raise NotEligible("Please check your date of birth: the year looks wrong.")
    if age_on(born, today) < MINIMUM_AGE:
        raise NotEligible(
            "Sorry, our plans are for readers aged 18 or over. You are welcome to join from "
            f"{_long_date(comes_of_age_on(born))}."
        )
    if plan.is_physical:
        if not declaration.uk_resident:
            raise NotEligible(
                "This plan is for UK residents only: please confirm that you live in the United Kingdom."
            )
        check_uk_address(delivery_address)


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
