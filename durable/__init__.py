"""Durable background work: tasks that move money or form a contract are retried with backoff,
reclaimed when their worker dies, and done once (docs/background-work.md).

The lowest layer of the house: it knows django-tasks and its database backend, nothing of the
shop. ``from durable import durable_task, once, heartbeat`` in an app's ``tasks.py``.
"""

__all__ = ["durable_task", "heartbeat", "once", "register_finder"]


def __getattr__(name):  # the models load with the app registry, not with this package
    if name in __all__:
        from durable import work

        return getattr(work, name)
    raise AttributeError(name)
