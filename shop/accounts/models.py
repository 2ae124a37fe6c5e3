from django.db import models
from django.utils.crypto import salted_hmac
from oscar.apps.customer.abstract_models import AbstractUser


class User(AbstractUser):
    """Our own user model from the first migration, so fields can be added without pain.

    Oscar's abstract user signs in by email and has no username.
    """

    # Raised by "sign out of all other sessions": every session signed with the old value stops
    # being valid on its next request, in every process (R-A1).
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def _get_session_auth_hash(self, secret=None):
        if not self.session_epoch:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "shop.accounts.User.session_auth_hash",
            f"{self.password}:{self.session_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()
