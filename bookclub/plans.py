"""Plans: making one (an Oscar product of the "Subscription plan" class with its ``Plan`` details),
closing it to new members, withdrawing it. What a plan costs is in ``bookclub.pricing``; ending
the subscriptions of a withdrawn plan is ``bookclub.lifecycle``'s (R-S9)."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from oscar.core.loading import get_model

from bookclub.exceptions import InvalidChoice, NotAllowed
from bookclub.models import Plan

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")

PLAN_PRODUCT_CLASS = "subscription-plan"
PLAN_PARTNER_CODE = "bookclub-warehouse"  # the same partner the books come from


def plan_partner():
    partner, _ = Partner.objects.get_or_create(
        code=PLAN_PARTNER_CODE, defaults={"name": "The Bookclub Warehouse"}
    )
    return partner


def validate_plan_shape(
    *,
    kind: str,
    term_months: int | None,
    books_per_month: int | None,
    min_titles: int | None,
    max_titles: int | None,
    default_titles: int | None,
) -> None:
    """Refuse details that do not fit the kind of plan (the database checks the same)."""
    if kind not in Plan.Kind.values:
        raise InvalidChoice(f"Unknown kind of plan: {kind!r}.")
    if kind == Plan.Kind.PREPAID and not (term_months and term_months >= 1 and books_per_month):
        raise InvalidChoice("A pre-paid plan needs a term in months and a number of books a month.")
    if kind == Plan.Kind.PAY_MONTHLY and (not books_per_month or term_months):
        raise InvalidChoice("A pay-monthly plan needs a number of books a month and no term.")
    if kind == Plan.Kind.EBOOK:
        if not (min_titles and max_titles and default_titles) or not (
            1 <= min_titles <= default_titles <= max_titles
        ):
            raise InvalidChoice("An eBook plan needs titles a month with 1 <= fewest <= usual <= most.")
        if term_months or books_per_month:
            raise InvalidChoice("An eBook plan has no term and posts no books.")


@transaction.atomic
def create_plan(
    *,
    title: str,
    kind: str,
    price: Decimal,
    sku: str,
    description: str = "",
    term_months: int | None = None,
    books_per_month: int | None = None,
    min_titles: int | None = None,
    max_titles: int | None = None,
    default_titles: int | None = None,
    is_public: bool = True,
) -> Plan:
    """A new plan: its product (class "Subscription plan"), stock record and details.

    ``price`` is VAT-inclusive, as every price in the shop (R-C4): the term's price for a
    pre-paid plan, the monthly price for a pay-monthly one, the price of one title for an eBook
    plan. ``sku`` names the plan's stock record (unique per partner).
    """
    validate_plan_shape(
        kind=kind,
        term_months=term_months,
        books_per_month=books_per_month,
        min_titles=min_titles,
        max_titles=max_titles,
        default_titles=default_titles,
    )
    if price is None or Decimal(price) <= 0:
        raise InvalidChoice("A plan needs a price above zero.")
    product = Product.objects.create(
        title=title,
        slug=slugify(title)[:255],
        description=description,
        product_class=ProductClass.objects.get(slug=PLAN_PRODUCT_CLASS),
        is_public=is_public,
    )
    StockRecord.objects.create(
        product=product,
        partner=plan_partner(),
        partner_sku=sku,
        price_currency="GBP",
        price=Decimal(price),
        num_in_stock=None,
    )
    return Plan.objects.create(
        product=product,
        kind=kind,
        term_months=term_months,
        books_per_month=books_per_month,
        min_titles=min_titles,
        max_titles=max_titles,
        default_titles=default_titles,
    )


@transaction.atomic
def close_to_new_members(plan: Plan) -> Plan:
    """Nobody new may join; members carry on. The first step of a withdrawal, or a pause."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_open_to_new_members:
        plan.is_open_to_new_members = False
        plan.closed_to_new_members_at = timezone.now()
        plan.save(update_fields=["is_open_to_new_members", "closed_to_new_members_at"])
    return plan


@transaction.atomic
def reopen_to_new_members(plan: Plan) -> Plan:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_withdrawn:
        raise NotAllowed("A withdrawn plan cannot take new members; make a new plan instead.")
    plan.is_open_to_new_members = True
    plan.closed_to_new_members_at = None
    plan.save(update_fields=["is_open_to_new_members", "closed_to_new_members_at"])
    return plan


@transaction.atomic
def withdraw(plan: Plan) -> Plan:
    """Mark the plan withdrawn altogether (T7.1): closed to new members, its product no longer
    shown. Its subscriptions are then ended one by one with
    ``lifecycle.cancel(subscription, by=..., reason=PLAN_WITHDRAWN)``, each with its pro-rata
    refund figure (R-S9); ``lifecycle.subscriptions_of_withdrawn_plan(plan)`` lists them."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_withdrawn:
        return plan
    now = timezone.now()
    plan.is_open_to_new_members = False
    plan.closed_to_new_members_at = plan.closed_to_new_members_at or now
    plan.withdrawn_at = now
    plan.save(update_fields=["is_open_to_new_members", "closed_to_new_members_at", "withdrawn_at"])
    Product.objects.filter(pk=plan.product_id).update(is_public=False)
    return plan


def open_plans():
    """Plans a customer may join, with what pricing needs, cheapest kinds first."""
    return (
        Plan.objects.filter(is_open_to_new_members=True, withdrawn_at__isnull=True, product__is_public=True)
        .select_related("product")
        .prefetch_related("product__stockrecords")
    )
