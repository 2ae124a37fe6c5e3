"""Run what the code queued with ``transaction.on_commit``, at the moment production would.

Each test runs inside a transaction that is rolled back, never committed, so callbacks queued
on commit (the tasks: emails, refunds, webhook processing) would never run. Wrap the step that
commits in production (a request, a rule call) in ``with committed():``. Callbacks queued while
the first ones run (a task that queues another) run too.
"""

from django.test import TestCase


def committed():
    return TestCase.captureOnCommitCallbacks(execute=True)
