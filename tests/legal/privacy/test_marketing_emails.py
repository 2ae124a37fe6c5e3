"""Marketing emails carry a signed one-click unsubscribe that needs no sign-in (R-A6)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from legal.privacy import marketing
from legal.privacy.models import MarketingPreferences
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscriber():
    user = UserFactory()
    MarketingPreferences.objects.create(user=user, newsletter=True, special_offers=True)
    return user


def test_R_A6_marketing_email_always_carries_the_unsubscribe_link_and_headers(subscriber, mailoutbox):
    message = marketing.build_marketing_email(
        subscriber, "newsletter", "November at the club", "Hello!", html_body="<p>Hello!</p>"
    )
    message.send()
    sent = mailoutbox[0]
    link = marketing.unsubscribe_url(subscriber, "newsletter")
    assert link in sent.body
    assert link.replace("&", "&amp;") in sent.alternatives[0][0] or link in sent.alternatives[0][0]
    assert sent.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_R_A6_the_link_unsubscribes_without_signing_in(subscriber):
    message = marketing.build_marketing_email(subscriber, "newsletter", "News", "Hello!")
    path = re.search(r"https?://[^/\s]+(/unsubscribe/\S+/)", message.body).group(1)
    response = Client().get(path)
    assert response.status_code == 200 and b"You are unsubscribed" in response.content
    preferences = MarketingPreferences.objects.get(user=subscriber)
    assert not preferences.newsletter and preferences.special_offers  # only that kind of email stops


def test_R_A6_mail_programs_one_click_post_works(subscriber):
    path = reverse(
        "marketing-unsubscribe", kwargs={"token": marketing.unsubscribe_token(subscriber, "special_offers")}
    )
    response = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not MarketingPreferences.objects.get(user=subscriber).special_offers


@pytest.mark.parametrize("damage", ["tamper", "forge", "garbage"])
def test_R_A6_a_tampered_link_is_refused(subscriber, damage):
    token = marketing.unsubscribe_token(subscriber, "newsletter")
    other = UserFactory()
    MarketingPreferences.objects.create(user=other, newsletter=True)
    if damage == "tamper":
        token = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    elif damage == "forge":
        from django.core import signing

        token = signing.dumps({"u": other.pk, "t": "newsletter"}, salt="somebody-else", compress=True)
    else:
        token = "not-a-token"
    response = Client().get(reverse("marketing-unsubscribe", kwargs={"token": token}))
    assert response.status_code == 400 and b"This link does not work" in response.content
    assert MarketingPreferences.objects.get(user=subscriber).newsletter
    assert MarketingPreferences.objects.get(user=other).newsletter


def test_R_A6_unknown_topic_cannot_be_mailed(subscriber):
    with pytest.raises(ValueError):
        marketing.build_marketing_email(subscriber, "everything", "Hi", "Hi")
