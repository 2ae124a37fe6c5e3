"""Privacy self-service rules (R-A1, R-A3): sign out everywhere, download my data, close my account.

Plain functions; the My Account views (shop/customer/views.py) only call them.
"""

import uuid
from datetime import date, datetime
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone
from oscar.core.loading import get_model

from legal.privacy_models import ConsentRecord, MarketingPreferences

EXPORT_FORMAT_VERSION = 1
REMOVED = "(removed at the customer's request)"
# Apps whose models may hold rows about a customer that the export must show even if this
# module does not know them by name (subscriptions live in `bookclub` once it has models).
LOCAL_APPS = ("bookclub", "legal", "shop")
# Fields that are internal bookkeeping, not information about the person.
SKIPPED_FIELDS = {"password", "search_text", "hash", "session_epoch"}


# ---------------------------------------------------------------------------------------------
# Sign out everywhere (R-A1)
# ---------------------------------------------------------------------------------------------
def end_other_sessions(user) -> None:
    """Invalidate every session of this user: each one was signed with the old session epoch,
    and Django checks the signature on every request, whichever process serves it. The caller
    keeps the current session with django.contrib.auth.update_session_auth_hash."""
    get_user_model().objects.filter(pk=user.pk).update(session_epoch=models.F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])


# ---------------------------------------------------------------------------------------------
# Download my data (R-A3)
# ---------------------------------------------------------------------------------------------
def _value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    if hasattr(value, "as_e164"):  # phone numbers
        return value.as_e164
    return value


def _plain(obj, exclude=()) -> dict:
    """Every stored field of a row, relations shown by name, for people rather than programs."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in SKIPPED_FIELDS or field.name in exclude:
            continue
        if field.is_relation:
            related = getattr(obj, field.name)
            data[field.name] = str(related) if related is not None else None
        else:
            data[field.name] = _value(getattr(obj, field.attname))
    return data


def _address(address) -> dict | None:
    if address is None:
        return None
    return _plain(address, exclude={"id"}) | {"country": address.country.printable_name}


def _orders(user) -> list[dict]:
    Order = get_model("order", "Order")
    orders = (
        Order.objects.filter(user=user)
        .select_related("shipping_address__country", "billing_address__country")
        .prefetch_related("lines")
        .order_by("date_placed")
    )
    result = []
    for order in orders:
        entry = _plain(order, exclude={"id", "user", "basket", "site", "shipping_address", "billing_address"})
        entry["shipping_address"] = _address(order.shipping_address)
        entry["billing_address"] = _address(order.billing_address)
        entry["lines"] = [
            _plain(line, exclude={"id", "order", "partner", "stockrecord", "product"})
            for line in order.lines.all()
        ]
        result.append(entry)
    return result


def _others(user, handled) -> dict:
    """Rows of our own apps that point at the user, not covered above (subscriptions...)."""
    found = {}
    for model in apps.get_models():
        config = apps.get_app_config(model._meta.app_label)
        if model in handled or not config.name.startswith(LOCAL_APPS):
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is get_user_model():
                rows = model._default_manager.filter(**{field.name: user})
                if rows.exists():
                    found[model._meta.label] = [_plain(row, exclude={field.name}) for row in rows]
    return found


def export_personal_data(user) -> dict:
    """Everything held about a customer, in one machine-readable document (R-A3)."""
    UserAddress = get_model("address", "UserAddress")
    Order = get_model("order", "Order")
    Email = get_model("communication", "Email")
    Notification = get_model("communication", "Notification")
    ProductAlert = get_model("customer", "ProductAlert")
    WishList = get_model("wishlists", "WishList")
    ProductReview = get_model("reviews", "ProductReview")
    UserSearch = get_model("analytics", "UserSearch")
    UserProductView = get_model("analytics", "UserProductView")

    preferences = MarketingPreferences.objects.filter(user=user).first()
    data = {
        "format": f"The Bookclub personal data export, version {EXPORT_FORMAT_VERSION}",
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": _value(user.date_joined),
            "last_login": _value(user.last_login),
        },
        "addresses": [
            _address(address)
            for address in UserAddress.objects.filter(user=user).select_related("country").order_by("pk")
        ],
        "orders": _orders(user),
        "marketing_preferences": {
            topic: bool(preferences and getattr(preferences, topic)) for topic in MarketingPreferences.TOPICS
        },
        "cookie_consents": [
            {
                "made_at": _value(record.created_at),
                "categories": record.categories,
                "global_privacy_control": record.global_privacy_control,
                "cookie_policy_version": record.policy_revision_id,
                "where": record.get_source_display(),
            }
            for record in ConsentRecord.objects.filter(user=user)
        ],
        "emails_sent_to_you": [
            {"subject": email.subject, "sent_at": _value(email.date_sent), "address": email.email}
            for email in Email.objects.filter(user=user).order_by("date_sent")
        ],
        "notifications": [
            {"subject": note.subject, "body": note.body, "sent_at": _value(note.date_sent)}
            for note in Notification.objects.filter(recipient=user).order_by("date_sent")
        ],
        "stock_alerts": [
            {"product": str(alert.product), "status": alert.status, "created_at": _value(alert.date_created)}
            for alert in ProductAlert.objects.filter(user=user).select_related("product")
        ],
        "wish_lists": [
            {"name": wish_list.name, "titles": [line.get_title() for line in wish_list.lines.all()]}
            for wish_list in WishList.objects.filter(owner=user).prefetch_related("lines__product")
        ],
        "reviews": [
            {
                "product": str(review.product),
                "title": review.title,
                "body": review.body,
                "score": review.score,
            }
            for review in ProductReview.objects.filter(user=user).select_related("product")
        ],
        "sign_in_history": _sign_ins(user),
        "searches": [
            {"query": search.query, "searched_at": _value(search.date_created)}
            for search in UserSearch.objects.filter(user=user).order_by("date_created")
        ],
        "books_viewed": [
            {"product": str(view.product), "viewed_at": _value(view.date_created)}
            for view in UserProductView.objects.filter(user=user)
            .select_related("product")
            .order_by("date_created")
        ],
    }
    handled = {
        UserAddress,
        Order,
        ConsentRecord,
        MarketingPreferences,
        Email,
        Notification,
        ProductAlert,
        WishList,
        ProductReview,
    }
    data["other_records"] = _others(user, handled)
    return data


def _sign_ins(user) -> list[dict]:
    if not apps.is_installed("axes"):
        return []
    from axes.models import AccessLog

    return [
        {
            "signed_in_at": _value(log.attempt_time),
            "signed_out_at": _value(log.logout_time),
            "ip_address": log.ip_address,
            "browser": log.user_agent,
        }
        for log in AccessLog.objects.filter(username=user.email).order_by("-attempt_time")[:100]
    ]


# ---------------------------------------------------------------------------------------------
# Close my account (R-A3)
# ---------------------------------------------------------------------------------------------
def closure_summary(user) -> dict:
    """What closing the account will do, in numbers the confirmation page shows."""
    UserAddress = get_model("address", "UserAddress")
    Order = get_model("order", "Order")
    return {
        "addresses": UserAddress.objects.filter(user=user).count(),
        "orders": Order.objects.filter(user=user).count(),
    }


def _anonymise_order_address(address) -> None:
    if address is None:
        return
    for name in ("title", "first_name", "last_name", "line2", "line3", "line4", "state", "postcode"):
        setattr(address, name, "")
    address.line1 = REMOVED
    if hasattr(address, "phone_number"):
        address.phone_number = ""
        address.notes = ""
    address.save()  # recomputes the search text from the blanked fields


@transaction.atomic
def close_account(user) -> None:
    """Erase or anonymise everything that identifies the customer, keep the order records.

    Orders stay (amounts, dates, VAT, lines and the delivery country are accounting records
    the law requires us to keep for six years) but no longer say whose they were. The account
    can never be signed into again, and every session it had ends at once.
    """
    UserAddress = get_model("address", "UserAddress")
    Order = get_model("order", "Order")
    Basket = get_model("basket", "Basket")
    Email = get_model("communication", "Email")
    Notification = get_model("communication", "Notification")
    ProductAlert = get_model("customer", "ProductAlert")
    WishList = get_model("wishlists", "WishList")
    ProductReview = get_model("reviews", "ProductReview")
    old_email = user.email

    for order in Order.objects.filter(user=user).select_related("shipping_address", "billing_address"):
        _anonymise_order_address(order.shipping_address)
        _anonymise_order_address(order.billing_address)
        order.user = None
        order.guest_email = ""
        order.save(update_fields=["user", "guest_email"])

    UserAddress.objects.filter(user=user).delete()
    Basket.objects.filter(owner=user).exclude(status=Basket.SUBMITTED).delete()
    Basket.objects.filter(owner=user).update(owner=None)
    Email.objects.filter(user=user).delete()
    Notification.objects.filter(recipient=user).delete()
    ProductAlert.objects.filter(user=user).delete()
    WishList.objects.filter(owner=user).delete()
    ProductReview.objects.filter(user=user).update(user=None, name="A former member", email="")
    MarketingPreferences.objects.filter(user=user).delete()
    for name in ("UserSearch", "UserProductView", "UserRecord"):
        get_model("analytics", name).objects.filter(user=user).delete()
    # The proof of what was consented stays, no longer linked to a person.
    ConsentRecord.objects.filter(user=user).update(user=None)
    if apps.is_installed("axes"):
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.objects.filter(username=old_email).delete()

    user.first_name = ""
    user.last_name = ""
    user.email = f"closed-{uuid.uuid4().hex}@closed.invalid"
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()  # a new password hash also ends every session
    user.session_epoch += 1
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
