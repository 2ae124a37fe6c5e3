"""The one django-tasks task behind every durable task: one attempt at one row's work."""

from django_tasks import TaskContext, task

from durable.work import run_attempt


@task(takes_context=True)
def run_durable_task(context: TaskContext, durable_id: int):
    return run_attempt(durable_id, str(context.task_result.id))
