"""Cookie consent (R-A4): what the reader chose, where it is kept, and who may rely on it.

Categories: essential (always on: session, CSRF, basket, messages and the consent cookie
itself), functional and analytics (off until the reader switches them on). The choice lives
in the essential consent cookie, read by the server and by static/js/consent.js, and every
choice is stored as a ConsentRecord with the Cookie Policy version on show.

The Global Privacy Control signal (``Sec-GPC: 1``) is a refusal of analytics, whatever the
reader clicks; the browser side (``navigator.globalPrivacyControl``) is honoured in consent.js.
"""

import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from legal.models import LegalKind
from legal.privacy.models import ConsentRecord

COOKIE_NAME = "bookclub_consent"
# Set by static/js/analytics.js, only after analytics consent.
ANALYTICS_COOKIE_NAME = "bookclub_analytics"
COOKIE_MAX_AGE = 180 * 24 * 60 * 60  # ask again after six months
OPTIONAL_CATEGORIES = ("functional", "analytics")
# Cookies the site sets without asking: strictly necessary for what the reader asked for.
ESSENTIAL_COOKIES = frozenset(
    {
        COOKIE_NAME,
        settings.SESSION_COOKIE_NAME,
        settings.CSRF_COOKIE_NAME,
        "messages",
        getattr(settings, "OSCAR_BASKET_COOKIE_OPEN", "oscar_open_basket"),
    }
)


@dataclass(frozen=True)
class Choice:
    consent_id: uuid.UUID
    functional: bool
    analytics: bool

    def cookie_value(self) -> str:
        # "v1:<id>:f0a1": only characters a cookie may carry unquoted, easy to read in JS.
        return f"v1:{self.consent_id}:f{int(self.functional)}a{int(self.analytics)}"

    @classmethod
    def from_cookie(cls, value: str | None) -> "Choice | None":
        try:
            version, consent_id, flags = (value or "").split(":")
            if version != "v1" or len(flags) != 4 or flags[0] != "f" or flags[2] != "a":
                return None
            return cls(uuid.UUID(consent_id), flags[1] == "1", flags[3] == "1")
        except ValueError:
            return None


def current_choice(request) -> Choice | None:
    """The reader's choice from their consent cookie, or None if they have not chosen yet."""
    return Choice.from_cookie(request.COOKIES.get(COOKIE_NAME))


def global_privacy_control(request) -> bool:
    return request.headers.get("Sec-GPC", "").strip() == "1"


def allows(request, category: str) -> bool:
    """May the site set a cookie (or load a script) of this category for this request?"""
    if category == "essential":
        return True
    choice = current_choice(request)
    if choice is None:
        return False
    if category == "analytics":
        return choice.analytics and not global_privacy_control(request)
    return bool(getattr(choice, category))


def cookie_policy_revision():
    """The Cookie Policy version in force (a published Wagtail revision), or None."""
    from legal import versions  # the consent cookie is read on every page; keep imports lazy

    return versions.version_in_force(LegalKind.COOKIES)


def record_choice(request, *, functional: bool, analytics: bool, source: str) -> ConsentRecord:
    """Store a new choice for this reader (signed in or not); GPC turns analytics off."""
    gpc = global_privacy_control(request)
    previous = current_choice(request)
    user = request.user if request.user.is_authenticated else None
    return ConsentRecord.objects.create(
        created_at=timezone.now(),
        consent_id=previous.consent_id if previous else uuid.uuid4(),
        user=user,
        functional=functional,
        analytics=analytics and not gpc,
        global_privacy_control=gpc,
        policy_revision=cookie_policy_revision(),
        source=source,
    )


def set_consent_cookie(request, response, record: ConsentRecord) -> None:
    choice = Choice(record.consent_id, record.functional, record.analytics)
    response.set_cookie(
        COOKIE_NAME,
        choice.cookie_value(),
        max_age=COOKIE_MAX_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=False,  # consent.js reads it to decide what to load
    )
    if not record.analytics and ANALYTICS_COOKIE_NAME in request.COOKIES:
        # Withdrawing consent removes what the analytics script left behind.
        response.delete_cookie(ANALYTICS_COOKIE_NAME, samesite="Lax")


def same_site_post(request) -> bool:
    """The consent forms carry no CSRF token (cached pages have none): refuse cross-site posts,
    so another site cannot record a choice on the reader's behalf."""
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return origin is None
    allowed = {request.get_host(), *(urlsplit(o).netloc for o in settings.CSRF_TRUSTED_ORIGINS)}
    try:
        return urlsplit(origin).netloc in allowed
    except ValueError:  # not an origin at all ("http://[" is an invalid IPv6 address)
        return False


# ---------------------------------------------------------------------------------------------
# The customer's data (R-A3), registered by PrivacyConfig.ready()
# ---------------------------------------------------------------------------------------------
def export_choices(user) -> list[dict]:
    from legal.privacy.personal_data import value

    return [
        {
            "made_at": value(record.created_at),
            "categories": record.categories,
            "global_privacy_control": record.global_privacy_control,
            "cookie_policy_version": record.policy_revision_id,
            "where": record.get_source_display(),
        }
        for record in ConsentRecord.objects.filter(user=user)
    ]


def unlink_choices(user) -> None:
    """The proof of what was consented stays, no longer linked to a person."""
    ConsentRecord.objects.filter(user=user).update(user=None)
