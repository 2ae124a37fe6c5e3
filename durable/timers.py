"""The site's timers: each a management command and a crontab line (UTC), run by `run_timers`.

The lowest layer keeps the table; each app adds its own commands from its ``ready()``, so
`durable` never names a higher app's work.
"""

# command -> cron fields (minute, hour, day, month, day_of_week), in UTC
TIMERS: dict[str, str] = {
    "sweep_tasks": "* * * * *",
    "publish_scheduled": "* * * * *",
    "retry_payment_tasks": "*/5 * * * *",
}


def register(command: str, cron: str) -> None:
    """Run ``manage.py <command>`` on ``cron``; registering the same command again replaces it."""
    TIMERS[command] = cron
