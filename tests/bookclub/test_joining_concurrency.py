"""Two tabs press "Pay and join" at the same moment (PostgreSQL: real row locks): one
subscription, one charge, one order, one confirmation."""

import threading

import pytest
from django.db import connection
from django.test import Client

from bookclub.models import JoiningPayment, Plan, Subscription, SubscriptionEmail, SubscriptionOrder
from shop.payment import stripe_api
from tests.bookclub.joining_steps import about_you, agree_and_join, countries, pending, save_card
from tests.factories import UserFactory
from tests.factories.bookclub import make_plan
from tests.factories.legal import publish_terms_and_privacy


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_tabs_paying_to_join_at_once_make_one_subscription_and_one_charge(localstripe):
    publish_terms_and_privacy()
    countries()
    plan = make_plan(Plan.Kind.EBOOK, title="Pocket Shelf", price="3.99")
    reader = UserFactory(email="ada.reader@example.com")
    tabs = [Client(), Client()]
    for tab in tabs:
        tab.force_login(reader)
    about_you(tabs[0], plan)
    about_you(tabs[1], plan)
    subscription = pending(reader, plan)
    save_card(tabs[0], localstripe, subscription)

    start = threading.Barrier(len(tabs))
    answers = {}

    def press(number, tab):
        try:
            start.wait()
            answers[number] = agree_and_join(tab, subscription)
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=pair) for pair in enumerate(tabs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert {answer.status_code for answer in answers.values()} == {302}
    assert Subscription.objects.filter(customer=reader).count() == 1
    assert Subscription.objects.get(customer=reader).state == Subscription.State.ACTIVE
    payment = JoiningPayment.objects.get()
    assert SubscriptionOrder.objects.count() == 1
    assert SubscriptionEmail.objects.filter(code="BOOKCLUB_SUBSCRIPTION_CONFIRMED").count() == 1
    customer_id = Subscription.objects.get(customer=reader).stripe_customer_id
    charges = [
        intent
        for intent in stripe_api.client().v1.payment_intents.list(params={"limit": 100}).data
        if intent.customer == customer_id
    ]
    assert [intent.id for intent in charges] == [payment.payment_intent_id]
