"""Signing out everywhere (R-A1)."""

from django.contrib.auth import get_user_model
from django.db import models


def end_other_sessions(user) -> None:
    """Invalidate every session of this user: each one was signed with the old session epoch,
    and Django checks the signature on every request, whichever process serves it. The caller
    keeps the current session with django.contrib.auth.update_session_auth_hash."""
    get_user_model().objects.filter(pk=user.pk).update(session_epoch=models.F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
