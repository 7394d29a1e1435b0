"""The tasks of newsroom's jobs, on the backend ``TASKS`` names (settings).

Each takes the job's id only: what to do is in the ``Job`` row, so a task enqueued again
after a lost worker does the same work.
"""

from __future__ import annotations

from django.conf import settings
from django.tasks import task

from newsroom.jobs import services


@task(queue_name=settings.NEWSROOM_JOB_QUEUE)
def import_files(job_id: int) -> None:
    services.run_job(job_id, services.import_files_work)


@task(queue_name=settings.NEWSROOM_JOB_QUEUE)
def import_url(job_id: int) -> None:
    services.run_job(job_id, services.import_url_work)
