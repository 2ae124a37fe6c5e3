"""The book club's part of "download my data" (R-A3): a customer's subscriptions, what they
chose month by month, and their history, in words rather than codes.

Not exported: the discount ledger (``DiscountClaim``), which holds only keyed hashes that
identify nobody by themselves and are not linked to the account, and the card fingerprint
(a hash of the card number). Other people's subscriptions never appear: an order admin's own
export lists none of the subscriptions they changed.
"""

from bookclub.models import Subscription, SubscriptionEvent


def _date(value):
    return value.isoformat() if value else None


def _who(event: SubscriptionEvent) -> str:
    return {
        SubscriptionEvent.Actor.CUSTOMER: "you",
        SubscriptionEvent.Actor.ADMIN: "the club's staff",
        SubscriptionEvent.Actor.SYSTEM: "the club",
    }.get(event.actor, event.actor)


def _subscription(subscription: Subscription) -> dict:
    address = subscription.delivery_address
    return {
        "plan": subscription.plan.name,
        "kind": subscription.plan.get_kind_display(),
        "state": subscription.get_state_display(),
        "joined_at": _date(subscription.created_at),
        "started_at": _date(subscription.started_at),
        "first_month": _date(subscription.first_period),
        "next_order_month": _date(subscription.next_order_on),
        "current_term": [_date(subscription.current_term_start), _date(subscription.current_term_end)],
        "renews_on": _date(subscription.renews_on),
        "automatic_renewal": subscription.auto_renew if subscription.plan.is_prepaid else None,
        "ebook_titles_a_month": subscription.ebook_titles,
        "delivery_address": address.summary if address else None,
        "card": {
            "label": subscription.card_label,
            "expires": f"{subscription.card_exp_month:02d}/{subscription.card_exp_year}"
            if subscription.card_exp_month and subscription.card_exp_year
            else None,
            "stripe_customer": subscription.stripe_customer_id or None,
            "stripe_payment_method": subscription.stripe_payment_method_id or None,
        },
        "declared": {
            "date_of_birth": _date(subscription.declared_date_of_birth),
            "uk_resident": subscription.declared_uk_resident,
            "declared_at": _date(subscription.declared_at),
        },
        "first_order_discount": subscription.first_order_discount,
        "cancelled": {
            "at": _date(subscription.cancelled_at),
            "reason": subscription.get_cancellation_reason_display() or None,
            "note": subscription.cancellation_note or None,
            "effective_on": _date(subscription.cancellation_effective_on),
            "details_kept_until": _date(subscription.keep_details_until),
        },
        "months": [
            {"month": _date(choice.month), "skipped": choice.skipped, "ebook_titles": choice.ebook_titles}
            for choice in subscription.months.all()
        ],
        "history": [
            {
                "at": _date(event.created_at),
                "what": event.action.replace("_", " "),
                "from": event.from_state,
                "to": event.to_state,
                "by": _who(event),
                "reason": event.reason_label or None,
                "note": event.note or None,
            }
            for event in subscription.events.all()
        ],
    }


def export(user) -> dict:
    """Everything the book club holds about ``user``, for their data download (R-A3)."""
    subscriptions = (
        Subscription.objects.filter(customer=user)
        .select_related("plan__product", "delivery_address__country")
        .prefetch_related("months", "events")
        .order_by("created_at", "pk")
    )
    return {"subscriptions": [_subscription(subscription) for subscription in subscriptions]}
