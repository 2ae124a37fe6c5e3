"""Download my data and close my account (R-A3), over the data every app holds.

Privacy sits below the shop and the club and knows none of their models: each app says in its
``AppConfig.ready()`` how to export its part of a customer's data and how to erase it, as
``legal.notices`` is told who to notify::

    personal_data.register_exporter("orders", export_orders, models=[Order])
    personal_data.register_eraser("orders", anonymise_orders)

The export also lists, under ``other_records``, any row of the project's own apps that points
at the customer and that no exporter covers, so a new model is never silently left out.
"""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone

EXPORT_FORMAT_VERSION = 1
REMOVED = "(removed at the customer's request)"
# The project's own packages: rows of their models pointing at a customer must be exported.
PROJECT_PACKAGES = ("bookclub", "legal", "shop")
# Fields that are internal bookkeeping, not information about the person.
SKIPPED_FIELDS = {"password", "search_text", "hash", "session_epoch"}

Exporter = Callable[[Any], Any]
Eraser = Callable[[Any], None]


@dataclass(frozen=True)
class _Section:
    name: str
    export: Exporter
    models: tuple


_exporters: dict[str, _Section] = {}
_erasers: dict[str, Eraser] = {}


def register_exporter(name: str, export: Exporter, *, models: Iterable = ()) -> None:
    """Add a section to the export: ``export(user)`` returns plain JSON values. ``models`` are the
    models it covers (they are then left out of ``other_records``)."""
    _exporters[name] = _Section(name, export, tuple(models))


def register_eraser(name: str, erase: Eraser) -> None:
    """Add what closing an account does to one app's data: ``erase(user)`` deletes or anonymises
    it (in the one transaction of the closure, before the account itself is emptied)."""
    _erasers[name] = erase


# ---------------------------------------------------------------------------------------------
# Plain values, for the exporters
# ---------------------------------------------------------------------------------------------
def value(obj):
    """A stored value as plain JSON: dates as ISO text, decimals and ids as strings."""
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    if isinstance(obj, Decimal | uuid.UUID):
        return str(obj)
    if isinstance(obj, models.Model):
        return str(obj)
    if isinstance(obj, models.fields.files.FieldFile):
        return obj.name or None
    if hasattr(obj, "as_e164"):  # phone numbers
        return obj.as_e164
    return obj


def plain(row, exclude=()) -> dict:
    """Every stored field of a row, relations shown by name, for people rather than programs."""
    data = {}
    for field in row._meta.concrete_fields:
        if field.name in SKIPPED_FIELDS or field.name in exclude:
            continue
        if field.is_relation:
            related = getattr(row, field.name)
            data[field.name] = str(related) if related is not None else None
        else:
            data[field.name] = value(getattr(row, field.attname))
    return data


# ---------------------------------------------------------------------------------------------
# Download my data (R-A3)
# ---------------------------------------------------------------------------------------------
def _other_records(user, covered: set) -> dict:
    """Rows of the project's own apps that point at the user and no exporter covers."""
    found = {}
    User = get_user_model()
    for model in apps.get_models():
        config = apps.get_app_config(model._meta.app_label)
        if model in covered or not config.name.startswith(PROJECT_PACKAGES):
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is User:
                rows = model._default_manager.filter(**{field.name: user})
                if rows.exists():
                    found[model._meta.label] = [plain(row, exclude={field.name}) for row in rows]
    return found


def export_personal_data(user) -> dict:
    """Everything held about a customer, in one machine-readable document (R-A3)."""
    data = {
        "format": f"The Bookclub personal data export, version {EXPORT_FORMAT_VERSION}",
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": value(user.date_joined),
            "last_login": value(user.last_login),
        },
    }
    covered = set()
    for section in _exporters.values():
        data[section.name] = section.export(user)
        covered.update(section.models)
    data["other_records"] = _other_records(user, covered)
    return data


# ---------------------------------------------------------------------------------------------
# Close my account (R-A3)
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def close_account(user) -> None:
    """Erase or anonymise everything that identifies the customer, keep the records the law needs.

    Every app's eraser runs first (orders stay, anonymised: amounts, dates, VAT, lines and the
    delivery country are accounting records kept for six years). The account row stays, for
    the rows that point at it, but is emptied: it can never be signed into again, and every
    session it had ends at once. The email address is free to register again.
    """
    for erase in _erasers.values():
        erase(user)
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
