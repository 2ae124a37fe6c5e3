"""Signing in by email (R-A1): one authentication backend and the name django-axes counts by.

Both close a finding of issue 10:

- Lockout by letter case or spaces. Sign-in matches the email whatever its case
  (``email__iexact``), but django-axes counted attempts under the address exactly as typed:
  five wrong passwords for ``reader@bookclub.test`` did not lock ``READER@bookclub.test``,
  and signing in with it cleared the lock. ``lockout_username`` is ``AXES_USERNAME_CALLABLE``:
  the address as sign-in compares it.
- Which emails are registered, told by timing. Oscar's ``EmailBackend`` hashes the password
  only when the email is known, and Django's ``ModelBackend`` after it hashed it again for an
  exact match: a registered email took two hashings, an unknown one. ``EmailBackend`` here is
  the only password backend and hashes exactly once either way, as ``ModelBackend`` does for
  its own users.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from oscar.apps.customer import auth_backends
from oscar.apps.customer.utils import normalise_email


def normalise_username(value: str | None) -> str:
    """The sign-in address as sign-in compares it: no surrounding spaces, any letter case."""
    return (value or "").strip().lower()


def lockout_username(request, credentials: dict | None) -> str:
    """AXES_USERNAME_CALLABLE: the name django-axes counts failed attempts and locks under."""
    if credentials and credentials.get(settings.AXES_USERNAME_FORM_FIELD) is not None:
        return normalise_username(credentials[settings.AXES_USERNAME_FORM_FIELD])
    data = getattr(request, "POST", None) or {}
    return normalise_username(data.get(settings.AXES_USERNAME_FORM_FIELD))


class EmailBackend(auth_backends.EmailBackend):
    """Oscar's sign-in by email and password, taking as long for an unknown email as for a known one."""

    def _authenticate(self, request, email=None, password=None, *args, **kwargs):
        address = email if email is not None else kwargs.get("username")
        if address is None or password is None:
            return None
        User = get_user_model()
        matching = list(User._default_manager.filter(email__iexact=normalise_email(address.strip())))
        if not matching:
            # What Django's ModelBackend does for an unknown username: hash all the same.
            User().set_password(password)
            return None
        accepted = [
            user for user in matching if user.check_password(password) and self.user_can_authenticate(user)
        ]
        if len(accepted) > 1:  # Oscar's rule: two accounts, one email and one password: neither
            raise User.MultipleObjectsReturned("There are several users with this email address and password")
        return accepted[0] if accepted else None
