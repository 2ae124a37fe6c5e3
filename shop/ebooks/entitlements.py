"""Who may read which eBook, and when the right to cancel an eBook ends (R-E1, R-X5).

``grant`` is the one way an eBook reaches a shelf: bought eBooks when their order is placed
(``grant_for_order``, from Oscar's ``order_placed`` signal), subscription eBooks from their
availability date (the monthly run calls ``grant`` with it). Idempotent: one entitlement per
order line, however often it is asked.

R-X5: an eBook can be cancelled within 14 days of the Order Confirmation (London dates, the
whole 14th day included) until its download starts; the first download needs the customer's
express consent to losing that right, and is recorded before the file is handed over.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from shop.ebooks.models import Download, Entitlement

EBOOK_CLASS = "ebook"
CANCELLATION_DAYS = 14


class DownloadRefused(Exception):
    """The download may not start; the message is for the customer."""


def is_ebook(product) -> bool:
    return product is not None and product.get_product_class().slug == EBOOK_CLASS


def grant(*, user, product, line, available_from: datetime.datetime | None = None) -> Entitlement:
    entitlement, _ = Entitlement.objects.get_or_create(
        line=line,
        defaults={"user": user, "product": product, "available_from": available_from or timezone.now()},
    )
    return entitlement


def grant_for_order(order) -> list[Entitlement]:
    """Every eBook line of a customer's order goes on their shelf at once."""
    if not order.user_id:
        return []
    return [
        grant(user=order.user, product=line.product, line=line, available_from=order.date_placed)
        for line in order.lines.select_related("product__product_class", "product__parent")
        if is_ebook(line.product)
    ]


def revoke(lines, reason: str) -> int:
    """The lines were cancelled or refunded: off the shelf, links refused."""
    return Entitlement.objects.filter(line__in=lines, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason[:255]
    )


# ---- the right to cancel (R-X5) ------------------------------------------------------------
def cancellation_ends_on(order) -> datetime.date:
    """The last London day on which an eBook of ``order`` may be cancelled."""
    return timezone.localdate(order.date_placed) + datetime.timedelta(days=CANCELLATION_DAYS)


def within_cancellation_period(order, now: datetime.datetime | None = None) -> bool:
    return timezone.localdate(now or timezone.now()) <= cancellation_ends_on(order)


def download_started(line) -> bool:
    return Entitlement.objects.filter(line=line, first_download_at__isnull=False).exists()


def needs_consent(entitlement: Entitlement, now: datetime.datetime | None = None) -> bool:
    """Before the first download within the cancellation period, the customer must agree to
    lose the right to cancel (R-X5). Later downloads, or after the period, ask nothing."""
    return (
        entitlement.first_download_at is None
        and entitlement.consented_at is None
        and within_cancellation_period(entitlement.line.order, now)
    )


@transaction.atomic
def give_consent(entitlement: Entitlement) -> Entitlement:
    entitlement = Entitlement.objects.select_for_update().select_related("line__order").get(pk=entitlement.pk)
    if entitlement.consented_at is None:
        entitlement.consented_at = timezone.now()
        entitlement.save(update_fields=["consented_at"])
        # The order keeps the consent too, where order admins read its history.
        entitlement.line.order.notes.create(
            user=entitlement.user,
            message=(
                f"The customer agreed that the download of {entitlement.line.title} starts now and "
                "acknowledged losing the right to cancel it (R-X5)."
            ),
        )
    return entitlement


@transaction.atomic
def start_download(entitlement_id: int, user, file_name: str) -> Entitlement:
    """Record a download start (who, when, which file) before the file goes (R-E1).

    The entitlement row is locked: a cancellation of the same line (which revokes it under the
    same lock) and the first download cannot both win (R-X5)."""
    entitlement = (
        Entitlement.objects.select_for_update(of=("self",))
        .select_related("line__order")
        .filter(pk=entitlement_id, user=user)
        .first()
    )
    if entitlement is None:
        raise DownloadRefused("This download link is not yours.")
    if entitlement.revoked_at is not None:
        raise DownloadRefused(
            "This eBook's order was cancelled or refunded, so it can no longer be downloaded."
        )
    if entitlement.available_from > timezone.now():
        raise DownloadRefused("This eBook is not available yet.")
    if needs_consent(entitlement):
        raise DownloadRefused("Please confirm on your eBookshelf that you want the download to start.")
    now = timezone.now()
    Download.objects.create(entitlement=entitlement, file_name=file_name)
    entitlement.download_count += 1
    entitlement.first_download_at = entitlement.first_download_at or now
    entitlement.save(update_fields=["download_count", "first_download_at"])
    return entitlement


def shelf(user):
    """The customer's eBooks, newest first (a subscription's before its date too, shown as
    coming), with what the page shows loaded in a fixed number of queries (pinned by the tests)."""
    return (
        Entitlement.objects.filter(user=user, revoked_at__isnull=True)
        .select_related("product__work", "product__product_class", "line__order")
        .prefetch_related("product__images", "product__work__authorships__author")
    )
