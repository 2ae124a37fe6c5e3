"""The sign-in history django-axes keeps about a customer, in their data export and when they
close the account (R-A3); registered by AccountsConfig.ready()."""

from django.apps import apps

from legal.privacy.personal_data import value


def export_sign_ins(user) -> list[dict]:
    if not apps.is_installed("axes"):
        return []
    from axes.models import AccessLog

    return [
        {
            "signed_in_at": value(log.attempt_time),
            "signed_out_at": value(log.logout_time),
            "ip_address": log.ip_address,
            "browser": log.user_agent,
        }
        for log in AccessLog.objects.filter(username=user.email).order_by("-attempt_time")[:100]
    ]


def erase_sign_ins(user) -> None:
    """Axes keeps records by the email address, which closing the account frees for reuse."""
    if not apps.is_installed("axes"):
        return
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username=user.email).delete()
