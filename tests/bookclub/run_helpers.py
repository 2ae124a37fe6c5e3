"""The monthly run's test world: plans with live selections, subscribers with real saved cards
in localstripe, and what Stripe and the mailbox hold afterwards."""

import datetime
from datetime import date

import requests
import time_machine
from django.core import mail

from bookclub import lifecycle
from bookclub.models import Plan
from bookclub.months import LONDON
from shop.payment import stripe_api
from tests.factories.bookclub import join, make_plan, plan_page, selection
from tests.factories.catalogue import make_book
from tests.shop.checkout.helpers import CARDS, card_payment_method

OFF_SESSION_3DS = "4000002760003184"  # authenticates every payment: off-session it needs the customer


def london(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LONDON)


def plan_with_selections(kind: str, months: list[date], **fields) -> Plan:
    """A plan with a complete live selection for each month (published before the month)."""
    plan = make_plan(kind, **fields)
    page = plan_page(plan)
    count = plan.max_titles if plan.is_ebook else plan.books_per_month
    for month in months:
        if plan.is_ebook:
            books = [make_book()[1] for _ in range(count)]
        else:
            books = [make_book(ebook=False, stock=1000)[0] for _ in range(count)]
        selection(page, month, books)
    return plan


def save_real_card(subscription, localstripe_url: str, card: str = "visa"):
    """A card saved as joining saves it: a Stripe customer with the card attached (R-P5)."""
    number = CARDS.get(card, card)
    method = card_payment_method(localstripe_url, number)
    customer = stripe_api.client().v1.customers.create(params={"email": subscription.customer.email})
    stripe_api.client().v1.payment_methods.attach(method, params={"customer": customer.id})
    lifecycle.record_card(
        subscription,
        by=subscription.customer,
        stripe_customer_id=customer.id,
        payment_method_id=method,
        brand="visa",
        last4=number[-4:],
        exp_month=12,
        exp_year=2031,
        fingerprint=f"fp_{number}_{subscription.pk}",
    )
    return subscription


def subscriber(plan: Plan, customer, localstripe_url: str | None = None, *, card: str = "visa", **kwargs):
    """An active subscription joined now (the first order is joining's business)."""
    subscription = join(plan, customer, **kwargs)
    if not plan.is_pay_monthly:
        save_real_card(subscription, localstripe_url, card)
    lifecycle.confirm(subscription)
    return subscription


def intents(localstripe_url: str) -> list:
    """Every PaymentIntent localstripe holds."""
    answer = requests.get(
        f"{localstripe_url}/v1/payment_intents",
        params={"limit": 100},
        auth=("sk_test_localstripe", ""),
        timeout=5,
    )
    answer.raise_for_status()
    return answer.json()["data"]


def subjects() -> list[str]:
    return [message.subject for message in mail.outbox]


def at(*args):
    """Travel to a London wall-clock time (time keeps ticking)."""
    return time_machine.travel(london(*args), tick=True)
