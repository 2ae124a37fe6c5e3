"""Staff roles (R-U1, R-U2): the one place that puts a person in a role or takes them out.

The groups and their permissions are created by migration website/0002_roles. Oscar's
dashboard also asks for staff status, so order admins get it here; editors do not need it
(the Wagtail admin asks for its own ``access_admin`` permission instead).
"""

from enum import StrEnum

from django.contrib.auth.models import Group
from django.db import transaction


class Role(StrEnum):
    EDITOR = "Editors"
    ORDER_ADMIN = "Order admins"


# Roles that open Oscar's dashboard, which checks is_staff before any permission.
STAFF_ROLES = {Role.ORDER_ADMIN}


@transaction.atomic
def assign_role(user, *, role: Role) -> None:
    """Add ``user`` to ``role`` (R-U1, R-U2)."""
    user.groups.add(Group.objects.get(name=role))
    if role in STAFF_ROLES and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


@transaction.atomic
def remove_role(user, *, role: Role) -> None:
    """Take ``user`` out of ``role``; staff status goes with the last staff role."""
    user.groups.remove(Group.objects.get(name=role))
    still_staff = user.groups.filter(name__in=STAFF_ROLES).exists()
    if user.is_staff and not still_staff and not user.is_superuser:
        user.is_staff = False
        user.save(update_fields=["is_staff"])
