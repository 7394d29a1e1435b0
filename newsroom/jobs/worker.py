"""The worker loop behind ``manage.py run_jobs``, for either backend.

Each round first enqueues again the jobs whose worker was lost
(``services.recover_stale_jobs``), then runs every task waiting on the queue with the
backend's own worker (django-tasks-db's ``Worker`` in batch mode, or RQ's worker in
burst mode), then sleeps ``interval`` seconds. SIGTERM or Ctrl-C lets the task being run
finish, as the backends' own workers do.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.tasks import task_backends
from django.utils.crypto import get_random_string

from newsroom.jobs.services import recover_stale_jobs

logger = logging.getLogger(__name__)


def run_worker(*, once: bool = False, interval: float = 1.0) -> None:
    """Run jobs until stopped; ``once``: one round (recover, run what waits), then return."""
    if settings.NEWSROOM_TASKS_BACKEND == "rq":
        _run_rq(once=once, interval=interval)
    else:
        _run_database(once=once, interval=interval)


def _run_database(*, once: bool, interval: float) -> None:
    from django_tasks_db.management.commands.db_worker import Worker

    backend = task_backends["default"]
    worker = Worker(
        queue_names=sorted(backend.queues),
        interval=0,
        batch=True,
        backend_name=backend.alias,
        startup_delay=False,
        max_tasks=None,
        worker_id=get_random_string(32),
        excluded_queue_names=[],
    )
    if not once:
        worker.configure_signals()
    while True:
        for job in recover_stale_jobs():
            logger.warning("re-enqueued job %s after a lost worker", job.pk)
        worker.run()
        if once or not worker.running:
            return
        time.sleep(interval)


def _run_rq(*, once: bool, interval: float) -> None:
    import django_rq
    from django_tasks_rq.backend import Job as RQJob

    backend = task_backends["default"]
    while True:
        for job in recover_stale_jobs():
            logger.warning("re-enqueued job %s after a lost worker", job.pk)
        # A new worker each round: RQ registers a worker's birth and death around work().
        worker = django_rq.get_worker(*sorted(backend.queues), job_class=RQJob)
        worker.work(burst=True, with_scheduler=False)
        if once or worker._stop_requested:
            return
        time.sleep(interval)
