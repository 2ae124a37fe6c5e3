"""The 50 % first-order discount, once per person for life (R-S5; T5.9).

It applies to the first order of a customer's first ever pay-monthly paperback plan. "Once per
person" is decided by a ledger (``DiscountClaim``) that outlives cancellations and closed
accounts and keeps only keyed hashes (HMAC-SHA256, key ``BOOKCLUB_LEDGER_KEY``) of:

- the normalised email address (case, ``+tags``, Gmail's dots ignored),
- the normalised delivery address (postcode and first line),
- the card's fingerprint (Stripe's, the same for the same card number in every account).

A new claim matching any one of them is refused: re-subscribing, a second account with the same
email, at the same address, or with the same card earns nothing. Each hash is unique in the
database, so two claims arriving together grant one discount.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from bookclub.models import DiscountClaim, Plan, Subscription

KEY_SALT = "bookclub.discounts.ledger"
GMAIL_DOMAINS = {"gmail.com", "googlemail.com"}
# Common abbreviations in a first line of a UK address, written out so "12 High St." matches
# "12 High Street".
ADDRESS_WORDS = {
    "st": "street",
    "rd": "road",
    "ave": "avenue",
    "av": "avenue",
    "ln": "lane",
    "dr": "drive",
    "ct": "court",
    "pl": "place",
    "sq": "square",
    "cres": "crescent",
    "gdns": "gardens",
    "tce": "terrace",
    "cl": "close",
}


def _keyed_hash(kind: str, value: str) -> str:
    secret = settings.BOOKCLUB_LEDGER_KEY or settings.SECRET_KEY
    return salted_hmac(f"{KEY_SALT}.{kind}", value, secret=secret, algorithm="sha256").hexdigest()


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    local, at, domain = email.rpartition("@")
    if not at:
        return email
    local = local.split("+", 1)[0]
    if domain in GMAIL_DOMAINS:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def normalise_address(*, postcode: str, line1: str) -> str:
    postcode = re.sub(r"\s+", "", postcode or "").upper()
    words = [ADDRESS_WORDS.get(word, word) for word in re.findall(r"[a-z0-9]+", (line1 or "").lower())]
    return f"{postcode}|{' '.join(words)}"


@dataclass(frozen=True)
class Identity:
    """The keyed hashes a claim is matched on."""

    email_hash: str
    address_hash: str | None
    card_hash: str | None

    def matches(self) -> Q:
        query = Q(email_hash=self.email_hash)
        if self.address_hash:
            query |= Q(address_hash=self.address_hash)
        if self.card_hash:
            query |= Q(card_hash=self.card_hash)
        return query


def identity(*, email: str, delivery_address=None, card_fingerprint: str = "") -> Identity:
    address_hash = None
    if delivery_address is not None and (delivery_address.postcode or delivery_address.line1):
        address_hash = _keyed_hash(
            "address", normalise_address(postcode=delivery_address.postcode, line1=delivery_address.line1)
        )
    card = (card_fingerprint or "").strip()
    return Identity(
        email_hash=_keyed_hash("email", normalise_email(email)),
        address_hash=address_hash,
        card_hash=_keyed_hash("card", card) if card else None,
    )


def _had_a_pay_monthly_plan(customer, *, excluding: Subscription | None) -> bool:
    """The customer's own account already held a pay-monthly plan (whatever became of it)."""
    earlier = Subscription.objects.filter(customer=customer, plan__kind=Plan.Kind.PAY_MONTHLY).exclude(
        state__in=[Subscription.State.PENDING, Subscription.State.ABANDONED]
    )
    if excluding is not None:
        earlier = earlier.exclude(pk=excluding.pk)
    return (
        earlier.exists()
        or Subscription.objects.filter(customer=customer, first_order_discount=True)
        .exclude(pk=getattr(excluding, "pk", None))
        .exists()
    )


def is_eligible_for_first_order_discount(
    customer,
    *,
    plan: Plan,
    delivery_address=None,
    card_fingerprint: str = "",
    excluding: Subscription | None = None,
) -> bool:
    """Whether joining ``plan`` now would earn the 50 % first-order discount (R-S5).

    Only pay-monthly paperback plans carry it; not if this account had one before, nor if the
    email, the delivery address or the card was used for a claim before (by any account).
    ``excluding`` is the subscription being joined, when it exists already.
    """
    if plan.kind != Plan.Kind.PAY_MONTHLY:
        return False
    if _had_a_pay_monthly_plan(customer, excluding=excluding):
        return False
    who = identity(email=customer.email, delivery_address=delivery_address, card_fingerprint=card_fingerprint)
    return not DiscountClaim.objects.filter(who.matches()).exists()


@transaction.atomic
def claim(subscription: Subscription, *, card_fingerprint: str | None = None) -> bool:
    """Grant ``subscription`` the first-order discount if its customer has never had it (R-S5).

    Returns whether the subscription has the discount (a repeated claim for the same
    subscription answers True again and writes nothing). Two claims at once for the same
    person, from any accounts, grant one: the ledger's unique hashes refuse the second.
    ``lifecycle.confirm`` calls this as the contract forms; ``card_fingerprint`` defaults to the
    subscription's saved card.
    """
    locked = (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("plan", "customer", "delivery_address")
        .get(pk=subscription.pk)
    )
    if locked.first_order_discount:
        return True
    if locked.state not in (Subscription.State.PENDING, Subscription.State.ACTIVE):
        return False
    fingerprint = locked.card_fingerprint if card_fingerprint is None else card_fingerprint
    if not is_eligible_for_first_order_discount(
        locked.customer,
        plan=locked.plan,
        delivery_address=locked.delivery_address,
        card_fingerprint=fingerprint,
        excluding=locked,
    ):
        return False
    who = identity(
        email=locked.customer.email, delivery_address=locked.delivery_address, card_fingerprint=fingerprint
    )
    try:
        with transaction.atomic():
            DiscountClaim.objects.create(
                email_hash=who.email_hash, address_hash=who.address_hash, card_hash=who.card_hash
            )
    except IntegrityError:
        return False  # the same person claimed at the same moment elsewhere
    claimed_at = timezone.now()
    # The only subscription fields written outside lifecycle: the discount is the ledger's.
    Subscription.objects.filter(pk=locked.pk).update(
        first_order_discount=True, discount_claimed_at=claimed_at
    )
    subscription.first_order_discount, subscription.discount_claimed_at = True, claimed_at
    return True
