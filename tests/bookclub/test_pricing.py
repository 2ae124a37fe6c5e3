"""One calculation of what a month costs (R-S5, R-S6, R-S7, R-S3): plans are priced from their
product's stock record, as the shop's strategy prices every product."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from bookclub import lifecycle, pricing
from bookclub.exceptions import InvalidChoice, NotAllowed
from bookclub.models import Plan
from bookclub.plans import create_plan
from tests.bookclub.conftest import london
from tests.factories.bookclub import make_plan, subscribe

pytestmark = pytest.mark.django_db
Kind = Plan.Kind


def test_a_plan_is_an_oscar_product_of_the_subscription_plan_class_priced_by_the_strategy():
    plan = make_plan(
        Kind.PREPAID, price="89.94", term_months=6, books_per_month=2, title="Half a Year of Reading"
    )
    assert plan.product.get_product_class().slug == "subscription-plan"
    assert plan.product.plan == plan
    assert pricing.plan_price(plan) == Decimal("89.94")
    assert not plan.product.is_shipping_required  # the plan itself is not posted; its parcels are


def test_R_S5_the_first_pay_monthly_order_is_half_price_with_the_half_penny_to_the_customer():
    plan = make_plan(Kind.PAY_MONTHLY, price="15.99")
    quote = pricing.quote(plan, today=date(2026, 3, 10), first_order_discount_applies=True)
    assert (quote.first_charge, quote.discount, quote.monthly_cost) == (
        Decimal("7.99"),
        Decimal("8.00"),
        Decimal("15.99"),
    )
    assert quote.first_month == date(2026, 3, 1)
    assert pricing.quote(plan, today=date(2026, 3, 10)).first_charge == Decimal("15.99")


def test_R_S7_an_ebook_month_costs_the_title_price_times_its_titles():
    plan = make_plan(Kind.EBOOK, price="3.99", min_titles=2, max_titles=6, default_titles=3)
    quote = pricing.quote(plan, today=date(2026, 3, 10), titles=5)
    assert (quote.first_month, quote.first_charge, quote.monthly_cost) == (
        date(2026, 4, 1),
        Decimal("19.95"),
        Decimal("19.95"),
    )
    assert pricing.quote(plan, today=date(2026, 3, 10)).monthly_cost == Decimal("11.97")  # the usual 3


def test_R_S3_a_prepaid_plan_costs_its_term_and_nothing_more_inside_it(customer):
    plan = make_plan(Kind.PREPAID, price="47.97", term_months=3, books_per_month=2)
    with time_machine.travel(london(2026, 3, 10, 12, 0), tick=False):
        subscription = subscribe(plan, customer)
    charges = [pricing.charge_for_month(subscription, date(2026, m, 1)) for m in (3, 4, 5, 6, 7)]
    assert [c.amount for c in charges] == [Decimal("47.97"), 0, 0, Decimal("47.97"), 0]
    assert all(c.supplied and c.books == 2 for c in charges)
    assert pricing.total_monthly_cost(subscription) == Decimal("15.99")
    assert pricing.charge_for_month(subscription, date(2026, 2, 1)).supplied is False  # before it began


def test_R_S6_the_total_monthly_cost_the_confirmation_states(customer):
    with time_machine.travel(london(2026, 3, 10, 12, 0), tick=False):
        paperbacks = subscribe(make_plan(Kind.PAY_MONTHLY, price="15.99"), customer)
        ebooks = subscribe(make_plan(Kind.EBOOK, price="3.99", default_titles=2), customer, ebook_titles=4)
    assert pricing.total_monthly_cost(paperbacks) == Decimal("15.99")
    assert pricing.total_monthly_cost(ebooks) == Decimal("15.96")
    assert paperbacks.events.get(action="confirm").details["total_monthly_cost"] == "15.99"


def test_R_S5_the_discounted_first_month_then_the_full_price(customer):
    with time_machine.travel(london(2026, 3, 10, 12, 0), tick=False):
        subscription = subscribe(make_plan(Kind.PAY_MONTHLY, price="15.99"), customer)
    first, second = (pricing.charge_for_month(subscription, date(2026, m, 1)) for m in (3, 4))
    assert (first.amount, first.full_price, first.discount) == (
        Decimal("7.99"),
        Decimal("15.99"),
        Decimal("8.00"),
    )
    assert (second.amount, second.discount) == (Decimal("15.99"), 0)


def test_prices_follow_the_stock_record_when_charges_are_made(customer):
    plan = make_plan(Kind.PAY_MONTHLY, price="15.99")
    plan.product.stockrecords.update(price=Decimal("16.49"))
    assert pricing.plan_price(plan) == Decimal("16.49")


def test_the_month_choices_are_read_from_a_prefetch_without_queries(customer, django_assert_num_queries):
    with time_machine.travel(london(2026, 3, 10, 12, 0), tick=False):
        subscription = subscribe(make_plan(Kind.EBOOK), customer)
        lifecycle.set_month_titles(subscription, date(2026, 5, 1), titles=4, by=customer)
    from bookclub.subscriptions import subscriptions_of

    (loaded,) = subscriptions_of(customer)
    with django_assert_num_queries(0):
        assert [pricing.charge_for_month(loaded, date(2026, m, 1)).titles for m in (4, 5, 6)] == [2, 4, 2]


def test_a_plan_must_fit_its_kind():
    with pytest.raises(InvalidChoice, match="term"):
        create_plan(title="No term", kind=Kind.PREPAID, price=Decimal("10"), sku="X1", books_per_month=1)
    with pytest.raises(InvalidChoice, match="1 <= fewest <= usual <= most"):
        create_plan(
            title="Bad range",
            kind=Kind.EBOOK,
            price=Decimal("3"),
            sku="X2",
            min_titles=3,
            max_titles=2,
            default_titles=2,
        )
    with pytest.raises(InvalidChoice, match="price above zero"):
        create_plan(title="Free", kind=Kind.PAY_MONTHLY, price=Decimal("0"), sku="X3", books_per_month=1)


def test_the_database_refuses_a_plan_that_does_not_fit_its_kind():
    from django.db import IntegrityError, transaction

    plan = make_plan(Kind.EBOOK)
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.filter(pk=plan.pk).update(default_titles=9)


def test_a_plan_without_a_price_cannot_be_joined(customer):
    plan = make_plan(Kind.PAY_MONTHLY)
    plan.product.stockrecords.all().delete()
    with pytest.raises(NotAllowed, match="has no price"):
        pricing.plan_price(plan)
