"""Pacing the monthly run's calls to Stripe (about 100 requests/s overall, 25/s per endpoint by
default in live mode): a token bucket in the database, shared by all workers and processes.

``take()`` waits until a token is free, then spends it: the bucket's row is locked for the few
statements that refill and spend, and the waiting is done outside any lock. The rate and the
burst are settings (``BOOKCLUB_STRIPE_RATE`` per second, ``BOOKCLUB_STRIPE_BURST``).
"""

import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bookclub.models import RateBucket

STRIPE = "stripe"


def _rate() -> float:
    return float(getattr(settings, "BOOKCLUB_STRIPE_RATE", 20))


def _burst() -> float:
    return float(getattr(settings, "BOOKCLUB_STRIPE_BURST", _rate()))


def take(name: str = STRIPE, *, sleep=time.sleep) -> float:
    """Spend one token of the bucket, waiting for it if need be; returns the seconds waited."""
    rate, burst = _rate(), _burst()
    if rate <= 0:
        return 0.0
    waited = 0.0
    RateBucket.objects.get_or_create(name=name, defaults={"tokens": burst})
    while True:
        with transaction.atomic():
            bucket = RateBucket.objects.select_for_update().get(name=name)
            now = timezone.now()
            elapsed = max((now - bucket.refilled_at).total_seconds(), 0.0)
            tokens = min(burst, bucket.tokens + elapsed * rate)
            if tokens >= 1:
                bucket.tokens, bucket.refilled_at = tokens - 1, now
                bucket.save(update_fields=["tokens", "refilled_at"])
                return waited
            wait = (1 - tokens) / rate
        sleep(wait)
        waited += wait
