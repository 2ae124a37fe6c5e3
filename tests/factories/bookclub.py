"""Plans and subscriptions for tests, made the way the site makes them (bookclub.plans and
bookclub.lifecycle), so a test's subscription has the history and dates a real one has."""

import itertools
from datetime import date
from decimal import Decimal

from oscar.core.loading import get_model

from bookclub import lifecycle, plans
from bookclub.eligibility import Declaration
from bookclub.models import Plan, SubscriptionAddress

from .accounts import UserFactory

Country = get_model("address", "Country")
_numbers = itertools.count(1)

PLAN_DEFAULTS = {
    Plan.Kind.PREPAID: {"price": "29.97", "term_months": 3, "books_per_month": 1},
    Plan.Kind.PAY_MONTHLY: {"price": "15.99", "books_per_month": 2},
    Plan.Kind.EBOOK: {"price": "3.99", "min_titles": 1, "max_titles": 6, "default_titles": 2},
}


def make_plan(kind: str = Plan.Kind.PAY_MONTHLY, **fields) -> Plan:
    number = next(_numbers)
    values = {**PLAN_DEFAULTS[kind], **fields}
    values["price"] = Decimal(str(values["price"]))
    values.setdefault("title", f"Test plan {number} ({kind})")
    values.setdefault("sku", f"TEST-PLAN-{number}")
    return plans.create_plan(kind=kind, **values)


def uk_address(**fields) -> SubscriptionAddress:
    values = {
        "first_name": "Sam",
        "last_name": "Reader",
        "line1": "1 High Street",
        "line4": "Bath",
        "postcode": "BA1 1AA",
    }
    values.update(fields)
    country = values.pop("country", "GB")
    return SubscriptionAddress(country=Country.objects.get(iso_3166_1_a2=country), **values)


def adult(*, born: date = date(1990, 6, 15), uk_resident: bool = True) -> Declaration:
    return Declaration(date_of_birth=born, uk_resident=uk_resident)


def join(plan: Plan, customer=None, **kwargs):
    """A pending subscription: joining begun, no contract yet."""
    customer = customer or UserFactory()
    kwargs.setdefault("declaration", adult())
    if plan.is_physical:
        kwargs.setdefault("delivery_address", uk_address())
    return lifecycle.join(plan, by=customer, **kwargs).subscription


def save_card(
    subscription, *, fingerprint: str = "", payment_method: str = "pm_test_card", last4: str = "4242"
):
    lifecycle.record_card(
        subscription,
        by=subscription.customer,
        stripe_customer_id=f"cus_test_{subscription.customer_id}",
        payment_method_id=payment_method,
        brand="visa",
        last4=last4,
        exp_month=12,
        exp_year=2031,
        fingerprint=fingerprint or f"fp_{subscription.customer_id}",
    )
    return subscription


def subscribe(plan: Plan, customer=None, *, fingerprint: str = "", **kwargs):
    """An active subscription: joined, card saved where the plan needs one, confirmed."""
    subscription = join(plan, customer, **kwargs)
    if not plan.is_pay_monthly or fingerprint:
        save_card(subscription, fingerprint=fingerprint)
    lifecycle.confirm(subscription)
    return subscription


# ---------------------------------------------------------------------------------------------
# The editors' pages: the plans index, a plan's page, a month's selection (R-S2)
# ---------------------------------------------------------------------------------------------
def plans_index():
    """The plans index page under the site's root page (made once)."""
    from wagtail.models import Page

    from bookclub.models import PlansIndexPage

    index = PlansIndexPage.objects.first()
    if index is None:
        index = Page.objects.get(depth=2).add_child(instance=PlansIndexPage(title="Plans", slug="plans"))
        index.save_revision().publish()
    return index


def plan_page(plan: Plan, **fields):
    """A published page for ``plan`` under the plans index."""
    from django.utils.text import slugify

    from bookclub.models import PlanPage

    page = PlanPage(title=plan.name, slug=slugify(plan.name), plan=plan, **fields)
    plans_index().add_child(instance=page)
    page.save_revision().publish()
    return page


def selection(page, month: date, products, *, publish: bool = True, go_live_at=None, user=None):
    """A monthly selection of ``products`` under a plan's page, made as Wagtail makes one: a draft,
    then published now (``publish``) or scheduled (``go_live_at``)."""
    from bookclub.models import MonthlySelectionPage, SelectionPick

    draft = MonthlySelectionPage(title=f"{page.title}, {month:%B %Y}", month=month, live=False)
    draft.plan = page.plan
    for product in products:
        draft.picks.add(SelectionPick(product=product, note=f"Why {product.title}"))
    page.add_child(instance=draft)
    draft.go_live_at = go_live_at
    revision = draft.save_revision(user=user)
    if publish or go_live_at:
        revision.publish(user=user)
    return MonthlySelectionPage.objects.get(pk=draft.pk)
