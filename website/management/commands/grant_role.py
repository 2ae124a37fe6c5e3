from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from website.roles import Role, assign_role, remove_role

ROLE_NAMES = {"editor": Role.EDITOR, "order-admin": Role.ORDER_ADMIN}


class Command(BaseCommand):
    help = "Put a user in a staff role (editor, order-admin), or take them out with --remove."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("role", choices=sorted(ROLE_NAMES))
        parser.add_argument("--remove", action="store_true", help="take the role away instead")

    def handle(self, *args, email, role, remove, **options):
        try:
            user = get_user_model().objects.get(email__iexact=email)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user with the email {email}.") from None
        (remove_role if remove else assign_role)(user, role=ROLE_NAMES[role])
        verb = "removed from" if remove else "added to"
        self.stdout.write(self.style.SUCCESS(f"{user.email} {verb} {ROLE_NAMES[role]}."))
