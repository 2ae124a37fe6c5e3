"""R-S1: every plan is for readers of 18 or over; paperback plans also need UK residence and a UK
delivery address (R-D3). What was declared is recorded on the subscription."""

import re
from datetime import date

import pytest
import time_machine

from bookclub import eligibility, lifecycle
from bookclub.eligibility import Declaration
from bookclub.exceptions import NotEligible
from bookclub.models import Plan
from tests.bookclub.conftest import london
from tests.factories.bookclub import make_plan, uk_address

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans(db):
    return {kind: make_plan(kind) for kind in Plan.Kind.values}


@pytest.mark.parametrize("kind", Plan.Kind.values)
def test_R_S1_a_17_year_old_whose_birthday_is_tomorrow_is_refused(plans, kind, customer):
    refusal = re.escape("aged 18 or over. You are welcome to join from 10 May 2026.")
    with (
        time_machine.travel(london(2026, 5, 9, 12, 0), tick=False),
        pytest.raises(NotEligible, match=refusal),
    ):
        lifecycle.join(
            plans[kind],
            by=customer,
            declaration=Declaration(date(2008, 5, 10), uk_resident=True),
            delivery_address=uk_address(),
        )
    assert not customer.subscriptions.exists()


@pytest.mark.parametrize("kind", Plan.Kind.values)
def test_R_S1_an_18_year_old_on_their_birthday_is_accepted_and_the_declaration_recorded(
    plans, kind, customer
):
    with time_machine.travel(london(2026, 5, 10, 0, 5), tick=False):
        outcome = lifecycle.join(
            plans[kind],
            by=customer,
            declaration=Declaration(date(2008, 5, 10), uk_resident=True),
            delivery_address=uk_address(),
        )
    subscription = outcome.subscription
    assert subscription.state == "pending"
    assert subscription.declared_date_of_birth == date(2008, 5, 10)
    assert subscription.declared_uk_resident is True
    assert subscription.declared_at == london(2026, 5, 10, 0, 5)


def test_R_S1_the_age_is_counted_in_london_not_on_the_servers_clock(plans, customer):
    """At 23:30 UTC on 9 May (BST), it is already 10 May in London: the birthday has come."""
    with time_machine.travel(london(2026, 5, 10, 0, 30), tick=False):
        eligibility.check(plans["ebook"], declaration=Declaration(date(2008, 5, 10)))


def test_R_S1_born_on_29_february_comes_of_age_on_1_march_in_a_common_year():
    born = date(2008, 2, 29)
    assert eligibility.comes_of_age_on(born) == date(2026, 3, 1)
    assert eligibility.age_on(born, date(2026, 2, 28)) == 17
    assert eligibility.age_on(born, date(2026, 3, 1)) == 18
    assert eligibility.age_on(date(2004, 2, 29), date(2024, 2, 29)) == 20  # a leap year has the day


def test_R_S1_29_february_birthday_refused_on_28_february_accepted_on_1_march(plans):
    declaration = Declaration(date(2008, 2, 29), uk_resident=True)
    with pytest.raises(NotEligible, match="from 1 March 2026"):
        eligibility.check(plans["ebook"], declaration=declaration, today=date(2026, 2, 28))
    eligibility.check(plans["ebook"], declaration=declaration, today=date(2026, 3, 1))


@pytest.mark.parametrize(
    ("born", "message"),
    [
        (None, "give your date of birth"),
        (date(2030, 1, 1), "in the future"),
        (date(1880, 1, 1), "year looks wrong"),
    ],
)
def test_R_S1_a_missing_or_impossible_date_of_birth_is_refused_clearly(plans, born, message):
    with pytest.raises(NotEligible, match=message):
        eligibility.check(plans["ebook"], declaration=Declaration(born), today=date(2026, 5, 1))


@pytest.mark.parametrize("kind", [Plan.Kind.PREPAID, Plan.Kind.PAY_MONTHLY])
def test_R_S1_R_D3_an_address_in_france_is_refused_for_a_paperback_plan(plans, kind, customer):
    paris = uk_address(line1="8 rue de Rivoli", line4="Paris", postcode="75001", country="FR")
    with pytest.raises(NotEligible, match="cannot post a plan's books to France"):
        lifecycle.join(
            plans[kind], by=customer, declaration=Declaration(date(1990, 1, 1), True), delivery_address=paris
        )
    assert not customer.subscriptions.exists()


@pytest.mark.parametrize("kind", [Plan.Kind.PREPAID, Plan.Kind.PAY_MONTHLY])
def test_R_S1_paperback_plans_need_uk_residence_declared_and_an_address(plans, kind):
    with pytest.raises(NotEligible, match="UK residents only"):
        eligibility.check(
            plans[kind], declaration=Declaration(date(1990, 1, 1), False), delivery_address=uk_address()
        )
    with pytest.raises(NotEligible, match="give a UK delivery address"):
        eligibility.check(plans[kind], declaration=Declaration(date(1990, 1, 1), True), delivery_address=None)


def test_R_D3_a_uk_address_with_a_malformed_postcode_is_refused(plans):
    with pytest.raises(NotEligible, match="postcode"):
        eligibility.check(
            plans["pay_monthly"],
            declaration=Declaration(date(1990, 1, 1), True),
            delivery_address=uk_address(postcode="NOT A POSTCODE"),
        )


def test_R_D3_jersey_is_not_the_uk_for_a_plan(plans):
    jersey = uk_address(line1="1 King Street", line4="St Helier", postcode="JE2 4WE", country="JE")
    with pytest.raises(NotEligible, match="UK addresses only"):
        eligibility.check(
            plans["prepaid"], declaration=Declaration(date(1990, 1, 1), True), delivery_address=jersey
        )


def test_R_S1_an_ebook_plan_needs_only_the_age_no_residence_or_address(plans, customer):
    outcome = lifecycle.join(
        plans["ebook"], by=customer, declaration=Declaration(date(1990, 1, 1), uk_resident=False)
    )
    assert outcome.subscription.delivery_address is None
    assert outcome.subscription.declared_uk_resident is False
