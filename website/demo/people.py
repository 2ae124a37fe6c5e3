"""The demo's people: one per role, with passwords printed by seed_demo."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from website.roles import Role, assign_role


@dataclass(frozen=True)
class DemoUser:
    email: str
    password: str
    first_name: str
    last_name: str
    role: Role | None = None
    superuser: bool = False


DEMO_USERS = [
    DemoUser("editor@bookclub.test", "editor-reads-2026", "Erin", "Editor", role=Role.EDITOR),
    DemoUser("orders@bookclub.test", "orders-ships-2026", "Oscar", "Orders", role=Role.ORDER_ADMIN),
    DemoUser("reader@bookclub.test", "reader-loves-books", "Rosa", "Reader"),
    DemoUser("admin@bookclub.test", "admin-keeps-keys", "Ada", "Admin", superuser=True),
]


@transaction.atomic
def seed_people() -> int:
    """Create the demo users that are missing (existing ones, and their passwords, are left alone)."""
    User = get_user_model()
    created = 0
    for person in DEMO_USERS:
        if User.objects.filter(email=person.email).exists():
            continue
        make = User.objects.create_superuser if person.superuser else User.objects.create_user
        user = make(
            email=person.email,
            password=person.password,
            first_name=person.first_name,
            last_name=person.last_name,
        )
        if person.role:
            assign_role(user, role=person.role)
        created += 1
    return created
