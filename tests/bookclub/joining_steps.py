"""Drive the joining screens as a reader would, with Django's test client and localstripe.

``confirm_card_setup`` plays Stripe.js's ``confirmCardSetup``: the card goes from the page to
Stripe (localstripe here), which confirms the SetupIntent; only its id reaches our server."""

from datetime import date

from django.urls import reverse
from oscar.core.loading import get_model

from bookclub.models import Subscription
from legal import acceptance
from shop.payment import stripe_api
from tests.commit import committed
from tests.shop.checkout.helpers import CARDS, card_payment_method

Country = get_model("address", "Country")

ADDRESS = {
    "address-first_name": "Ada",
    "address-last_name": "Reader",
    "address-line1": "1 Library Lane",
    "address-line4": "Oxford",
    "address-postcode": "OX1 2AB",
    "address-country": "GB",
}


def countries():
    """The UK and France as shipping countries (the shop posts books to both, plans to the UK only)."""
    for code, a3, number, name in (("GB", "GBR", "826", "United Kingdom"), ("FR", "FRA", "250", "France")):
        Country.objects.update_or_create(
            iso_3166_1_a2=code,
            defaults={
                "iso_3166_1_a3": a3,
                "iso_3166_1_numeric": number,
                "printable_name": name,
                "name": name,
                "is_shipping_country": True,
            },
        )


def about_you(client, plan, *, born=date(1990, 6, 15), uk_resident=True, address=None, **extra):
    data = {"date_of_birth": born.isoformat() if born else ""}
    if plan.is_physical:
        if uk_resident:
            data["uk_resident"] = "on"
        data["address_choice"] = "new"
        data.update(address or ADDRESS)
    if plan.is_prepaid:
        data["auto_renew"] = "on"
    if plan.is_ebook:
        data["ebook_titles"] = str(plan.default_titles)
    data.update(extra)
    return client.post(reverse("bookclub:join", kwargs={"plan_id": plan.pk}), data)


def pending(customer, plan) -> Subscription:
    return Subscription.objects.get(customer=customer, plan=plan, state__in=Subscription.LIVE_STATES)


def confirm_card_setup(localstripe_url: str, client_secret: str, card: str = "visa") -> str:
    """What Stripe.js does in the page; returns the SetupIntent's id."""
    setup_intent_id = client_secret.split("_secret_")[0]
    method = card_payment_method(localstripe_url, CARDS.get(card, card))
    intent = stripe_api.client().v1.setup_intents.confirm(setup_intent_id, params={"payment_method": method})
    if intent.status == "requires_action":  # 3-D Secure: the fake bank says yes on the second confirm
        stripe_api.client().v1.setup_intents.confirm(setup_intent_id)
    return setup_intent_id


def save_card(client, localstripe_url, subscription, card="visa"):
    url = reverse("bookclub:join-card", kwargs={"pk": subscription.pk})
    page = client.get(url)
    assert page.status_code == 200, page.content[:2000]
    setup_intent_id = confirm_card_setup(localstripe_url, page.context["client_secret"], card)
    with committed():
        return client.post(url, {"setup_intent_id": setup_intent_id})


def review(client, subscription):
    return client.get(reverse("bookclub:join-review", kwargs={"pk": subscription.pk}))


def agree_and_join(client, subscription, *, agree=True, declare=True):
    """Tick the boxes and press Join (what the request queues on commit runs: the email)."""
    terms, privacy = acceptance.versions_to_accept()
    data = {"terms_version": terms.pk, "privacy_version": privacy.pk}
    if agree:
        data["agree_terms"] = "on"
    if declare:
        data["confirm_declarations"] = "on"
    with committed():
        return client.post(reverse("bookclub:join-review", kwargs={"pk": subscription.pk}), data)


def join_plan(client, localstripe_url, customer, plan, card="visa"):
    """The whole journey; returns the subscription (active when it went well) and the last response."""
    response = about_you(client, plan)
    assert response.status_code == 302, response.content[:3000]
    subscription = pending(customer, plan)
    if not plan.is_pay_monthly:
        response = save_card(client, localstripe_url, subscription, card)
        assert response.status_code == 302, response.content[:3000]
    response = agree_and_join(client, subscription)
    subscription.refresh_from_db()
    return subscription, response
