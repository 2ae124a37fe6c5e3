"""Signed, short-lived, per-customer download links (R-E1), with Django's signing."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "shop.ebooks.download"


class LinkRefused(Exception):
    """The link is expired, tampered with or not the signed-in customer's."""


def download_url(entitlement) -> str:
    token = signing.TimestampSigner(salt=SALT).sign_object({"e": entitlement.pk, "u": entitlement.user_id})
    return reverse("ebooks:download", kwargs={"token": token})


def entitlement_id(token: str, user) -> int:
    """The entitlement a link is for, if it is still valid and ``user``'s; else LinkRefused."""
    try:
        data = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=settings.EBOOK_LINK_MAX_AGE)
    except signing.SignatureExpired as error:
        raise LinkRefused(
            "This download link has expired. Links work for a few minutes: "
            "start the download again from your eBookshelf."
        ) from error
    except (signing.BadSignature, ValueError) as error:
        raise LinkRefused(
            "This download link is not valid. Start the download from your eBookshelf."
        ) from error
    if not isinstance(data, dict) or data.get("u") != user.pk or not isinstance(data.get("e"), int):
        raise LinkRefused("This download link belongs to another customer's eBookshelf.")
    return data["e"]
