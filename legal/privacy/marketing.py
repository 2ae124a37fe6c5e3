"""Marketing preferences and the one-click unsubscribe every marketing email carries (R-A2, R-A6).

Transactional emails (order confirmations, delivery news, password resets, changes to the
terms) are not marketing: they follow from the contract and cannot be switched off.
"""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils.html import escape

from legal.privacy.models import MarketingPreferences

TOPICS = MarketingPreferences.TOPICS
_SALT = "legal.marketing.unsubscribe"  # the links already sent carry it: never change it


def preferences_for(user) -> MarketingPreferences:
    """The customer's preferences; a customer who never chose has everything off."""
    preferences, _ = MarketingPreferences.objects.get_or_create(user=user)
    return preferences


def subscribers(topic: str):
    """Active customers who asked for this kind of email."""
    if topic not in TOPICS:
        raise ValueError(f"Unknown marketing topic: {topic}")
    return MarketingPreferences.objects.filter(**{topic: True}, user__is_active=True).select_related("user")


def unsubscribe_token(user, topic: str) -> str:
    if topic not in TOPICS:
        raise ValueError(f"Unknown marketing topic: {topic}")
    return signing.dumps({"u": user.pk, "t": topic}, salt=_SALT, compress=True)


def unsubscribe_url(user, topic: str) -> str:
    path = reverse("marketing-unsubscribe", kwargs={"token": unsubscribe_token(user, topic)})
    return settings.SITE_URL + path


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, topic) from a link we signed, or None for a forged or damaged one.

    No expiry: an old email's link must still work (R-A6)."""
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("t") not in TOPICS or not isinstance(data.get("u"), int):
        return None
    return data["u"], data["t"]


def unsubscribe(token: str) -> str | None:
    """Switch off the topic named in a signed link; returns the topic, or None if refused."""
    found = read_unsubscribe_token(token)
    if found is None:
        return None
    user_id, topic = found
    MarketingPreferences.objects.filter(user_id=user_id).update(**{topic: False})
    return topic


def build_marketing_email(
    user, topic: str, subject: str, text_body: str, html_body: str | None = None
) -> EmailMultiAlternatives:
    """A marketing email to one customer, always with its unsubscribe link and headers.

    The link is in the text and HTML bodies and in List-Unsubscribe, with
    List-Unsubscribe-Post for mail programs' own one-click button (RFC 8058)."""
    link = unsubscribe_url(user, topic)
    footer = (
        f"You receive this because you asked for {TOPICS[topic].lower()} from The Bookclub. "
        f"To stop, open this link (no need to sign in): {link}"
    )
    message = EmailMultiAlternatives(
        subject=subject,
        body=f"{text_body.rstrip()}\n\n--\n{footer}\n",
        to=[user.email],
        headers={"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    if html_body is not None:
        html_footer = (
            '<hr><p style="font-size:13px;color:#5b6170">You receive this because you asked for '
            f"{escape(TOPICS[topic].lower())} from The Bookclub. "
            f'<a href="{escape(link)}">Unsubscribe with one click</a> (no need to sign in).</p>'
        )
        message.attach_alternative(f"{html_body}{html_footer}", "text/html")
    return message


# ---------------------------------------------------------------------------------------------
# The customer's data (R-A3), registered by PrivacyConfig.ready()
# ---------------------------------------------------------------------------------------------
def export_preferences(user) -> dict[str, bool]:
    preferences = MarketingPreferences.objects.filter(user=user).first()
    return {topic: bool(preferences and getattr(preferences, topic)) for topic in TOPICS}


def erase_preferences(user) -> None:
    MarketingPreferences.objects.filter(user=user).delete()
