"""The demo's plans: three of each kind, made through bookclub.plans, found again by their SKU."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from oscar.core.loading import get_model

from bookclub import plans
from bookclub.models import Plan

StockRecord = get_model("partner", "StockRecord")


@dataclass(frozen=True)
class DemoPlan:
    sku: str
    title: str
    kind: str
    price: str
    description: str
    term_months: int | None = None
    books_per_month: int | None = None
    min_titles: int | None = None
    max_titles: int | None = None
    default_titles: int | None = None


PLANS = [
    DemoPlan(
        "PLAN-SEASON-3",
        "The Reading Season",
        Plan.Kind.PREPAID,
        "47.97",
        "<p>Three months of the editors' favourite new paperbacks, two a month, paid once. A good "
        "way to try the club, or a present that keeps arriving long after the wrapping paper "
        "has gone.</p><p>Renews for another season unless you switch renewal off.</p>",
        term_months=3,
        books_per_month=2,
    ),
    DemoPlan(
        "PLAN-HALF-YEAR-6",
        "Half a Year of Reading",
        Plan.Kind.PREPAID,
        "89.94",
        "<p>Six months, two paperbacks a month, £14.99 a month paid in one go. Our editors read "
        "everything they send; you get the two they could not stop talking about.</p>",
        term_months=6,
        books_per_month=2,
    ),
    DemoPlan(
        "PLAN-READING-YEAR-12",
        "The Reading Year",
        Plan.Kind.PREPAID,
        "167.88",
        "<p>Twelve months, twenty-four paperbacks, £13.99 a month: the best price we offer. A "
        "year of evenings sorted, from the winter doorstoppers to the summer page-turners.</p>",
        term_months=12,
        books_per_month=2,
    ),
    DemoPlan(
        "PLAN-PAPERBACK-POST",
        "Paperback Post",
        Plan.Kind.PAY_MONTHLY,
        "15.99",
        "<p>Two new paperbacks through your letterbox every month, chosen by our editors. Pay "
        "for each parcel after it arrives; skip a month or stop whenever you like.</p>"
        "<p>New members: your first parcel is half price.</p>",
        books_per_month=2,
    ),
    DemoPlan(
        "PLAN-ONE-GOOD-BOOK",
        "One Good Book",
        Plan.Kind.PAY_MONTHLY,
        "8.49",
        "<p>One paperback a month, the single title our editors would press into your hands. "
        "Invoiced after delivery; skip or stop from My Account.</p>",
        books_per_month=1,
    ),
    DemoPlan(
        "PLAN-BEDSIDE-STACK",
        "The Bedside Stack",
        Plan.Kind.PAY_MONTHLY,
        "22.99",
        "<p>Three paperbacks a month for readers who finish a book a week and start the next "
        "one the same night. Invoiced after delivery.</p>",
        books_per_month=3,
    ),
    DemoPlan(
        "PLAN-EREADER-MONTHLY",
        "eReader Monthly",
        Plan.Kind.EBOOK,
        "3.99",
        "<p>The editors' picks as eBooks, on your eBookshelf on the first of every month. Choose "
        "two to six titles a month at £3.99 each and change the number for any month until "
        "the end of the month before.</p>",
        min_titles=2,
        max_titles=6,
        default_titles=3,
    ),
    DemoPlan(
        "PLAN-POCKET-EBOOKS",
        "Pocket eBooks",
        Plan.Kind.EBOOK,
        "4.49",
        "<p>One to three eBooks a month for the commute, the queue and the waiting room. "
        "Cancel any time from My Account.</p>",
        min_titles=1,
        max_titles=3,
        default_titles=1,
    ),
    DemoPlan(
        "PLAN-NIGHT-OWL",
        "Night Owl eBooks",
        Plan.Kind.EBOOK,
        "2.99",
        "<p>Four to ten eBooks a month at £2.99 each, for readers who get through a book a "
        "night and like the shelf full.</p>",
        min_titles=4,
        max_titles=10,
        default_titles=5,
    ),
]


@transaction.atomic
def seed_plans() -> int:
    """Create the demo plans that are missing; returns how many were new."""
    existing = set(
        StockRecord.objects.filter(
            partner__code=plans.PLAN_PARTNER_CODE, partner_sku__in=[p.sku for p in PLANS]
        ).values_list("partner_sku", flat=True)
    )
    created = 0
    for plan in PLANS:
        if plan.sku in existing:
            continue
        plans.create_plan(
            title=plan.title,
            kind=plan.kind,
            price=Decimal(plan.price),
            sku=plan.sku,
            description=plan.description,
            term_months=plan.term_months,
            books_per_month=plan.books_per_month,
            min_titles=plan.min_titles,
            max_titles=plan.max_titles,
            default_titles=plan.default_titles,
        )
        created += 1
    return created


def plans_by_sku() -> dict[str, Plan]:
    """The demo plans that exist, by their SKU (one query)."""
    found = (
        Plan.objects.filter(
            product__stockrecords__partner__code=plans.PLAN_PARTNER_CODE,
            product__stockrecords__partner_sku__in=[p.sku for p in PLANS],
        )
        .annotate(demo_sku=F("product__stockrecords__partner_sku"))
        .select_related("product")
    )
    return {plan.demo_sku: plan for plan in found}
