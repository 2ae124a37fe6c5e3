"""Background work goes through Django's tasks API: rows in the database, run by db_worker."""

import io

import pytest
from django.core.management import call_command
from django_tasks import task_backends
from django_tasks_db.models import DBTaskResult
from wagtail.models import Page
from wagtail.tasks import update_reference_index_task


def test_tests_run_tasks_immediately_and_production_queues_them_in_the_database():
    from website.settings import base

    assert type(task_backends["default"]).__name__ == "ImmediateBackend"
    assert base.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"


# Transactional: the worker closes its connection when done. Serialized rollback puts back
# the rows migrations made (the page tree), which a transactional test's flush removes.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_backend_queues_a_task_and_db_worker_runs_it():
    home = Page.objects.get(depth=2)
    queued = update_reference_index_task.using(backend="database").enqueue("wagtailcore", "page", home.pk)
    assert DBTaskResult.objects.get(id=queued.id).status == "READY"

    call_command(
        "db_worker", "--backend", "database", "--batch", "--no-startup-delay", "--no-reload", verbosity=0
    )

    assert DBTaskResult.objects.get(id=queued.id).status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_seed_demo_leaves_the_worker_no_task_that_fails(settings):
    """Issue 15: the demo's worker started with tracebacks, from reference-index tasks of pages
    seed_demo had replaced. Seeding runs its tasks itself; whatever it queues must succeed."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    call_command("seed_demo", "--books", "4", "--covers", "0", "--quiet-users", stdout=io.StringIO())
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()
