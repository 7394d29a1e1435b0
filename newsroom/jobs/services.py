"""Start, run, cancel and recover background jobs.

A job is started by ``start_job`` (a ``Job`` row, then its task enqueued on the configured
backend) and run by its task through ``run_job``: the task claims the row, does the work
with a ``Tracker`` (counts, errors, progress, a heartbeat, and the cancel check), and
leaves the row done, failed or cancelled. A worker killed mid-way (``kill -9``) leaves the
row running: ``recover_stale_jobs`` (run by every ``manage.py run_jobs`` loop) sees that
its worker process is gone (same host) or its heartbeat is older than
``NEWSROOM_JOB_STALE_SECONDS``, and enqueues the task again, up to
``NEWSROOM_JOB_MAX_ATTEMPTS`` attempts. The work then starts over: the importer skips
what the dead attempt committed (content hashes), and the tracker counts those articles
as imported by this job (imported since its first start), so nothing is lost, doubled or
miscounted.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from newsroom.importing import ImportResult, Status, import_stream
from newsroom.jobs.models import Job
from newsroom.readers import format_for

logger = logging.getLogger(__name__)

# Seconds between two writes of a running job's counts (and checks for a cancel request).
FLUSH_SECONDS = 0.5


class JobCancelled(Exception):
    """Raised inside a job's work when its cancel was requested; the work stops there."""


def start_job(
    *,
    kind: Job.Kind,
    title: str,
    task: Any,
    payload: dict[str, Any] | None = None,
    user: AbstractBaseUser | None = None,
    progress_total: int | None = None,
    unit: str = "articles",
) -> Job:
    """Create a queued job and enqueue ``task`` (a ``django.tasks`` task taking the job id).

    When the backend refuses the task (Redis down), the job is left failed with the
    reason, so the page says what happened instead of waiting for ever.
    """
    job = Job.objects.create(
        kind=kind,
        title=title[:500],
        payload=payload or {},
        task_path=task.module_path,
        user=user if user is not None and user.is_authenticated else None,
        progress_total=progress_total,
        unit=unit,
    )
    _enqueue(job)
    return job


def _enqueue(job: Job) -> None:
    try:
        result = import_string(job.task_path).enqueue(job.pk)
    except Exception as exc:
        logger.exception("job %s could not be enqueued", job.pk)
        Job.objects.filter(pk=job.pk).update(
            state=Job.State.FAILED,
            finished_at=timezone.now(),
            message=f"The job could not be queued ({type(exc).__name__}: {exc}).",
        )
        job.refresh_from_db()
        return
    job.task_result_id = str(result.id)
    Job.objects.filter(pk=job.pk).update(task_result_id=job.task_result_id)


def cancel_job(*, job: Job) -> bool:
    """Ask a job to stop; a queued one is cancelled at once. False when already finished."""
    if job.finished:
        return False
    now = timezone.now()
    if Job.objects.filter(pk=job.pk, state=Job.State.QUEUED).update(
        state=Job.State.CANCELLED, cancel_requested=True, finished_at=now, message="Cancelled."
    ):
        _cleanup(job)
    else:
        Job.objects.filter(pk=job.pk).update(cancel_requested=True)
    job.refresh_from_db()
    return True


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_job(job_id: int, work: Callable[[Job, Tracker], None]) -> None:
    """Run ``work(job, tracker)`` for a queued (or recovered) job and record how it ended.

    Does nothing for a job that is finished or runs elsewhere (a task delivered twice).
    ``JobCancelled`` ends it cancelled; any other exception ends it failed, its message
    on the job page and its traceback in the log.
    """
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED, cancel_requested=False).update(
        state=Job.State.RUNNING,
        worker=worker_name(),
        attempts=F("attempts") + 1,
        heartbeat_at=now,
        # Counts start afresh on a retry; the tracker counts what the lost attempt
        # committed as imported (see the module docstring).
        processed=0,
        imported=0,
        revised=0,
        duplicates=0,
        failed=0,
        progress_done=0,
        errors=[],
    )
    if not claimed:
        return
    job = Job.objects.select_related("user").get(pk=job_id)
    if job.started_at is None:
        job.started_at = now
        Job.objects.filter(pk=job_id).update(started_at=now)
    tracker = Tracker(job)
    state, message = Job.State.DONE, ""
    try:
        work(job, tracker)
    except JobCancelled:
        state, message = Job.State.CANCELLED, "Cancelled; what was done before stays."
    except Exception as exc:
        logger.exception("job %s failed", job_id)
        state, message = Job.State.FAILED, f"Failed: {type(exc).__name__}: {exc}"
    tracker.flush(final=True)
    Job.objects.filter(pk=job_id, state=Job.State.RUNNING).update(
        state=state,
        finished_at=timezone.now(),
        message=message or tracker.summary(),
        worker="",
    )
    _cleanup(job)


def _cleanup(job: Job) -> None:
    """Remove a finished job's saved uploads (kept while a retry may need them)."""
    folder = job.payload.get("folder")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


class Tracker:
    """Counts, errors and progress of a running job, written at most every FLUSH_SECONDS.

    Every flush also beats the heartbeat and reads the cancel flag: ``JobCancelled`` is
    raised from the next ``result``/``advance`` call after a cancel was requested.
    """

    def __init__(self, job: Job) -> None:
        self.job = job
        self.since = job.started_at
        self.last = 0.0
        # What the job page says when the work is done (else the import counts).
        self.done_message = ""

    def result(self, result: ImportResult) -> None:
        """Count one importer result (the importer's ``progress`` callback)."""
        job = self.job
        job.processed += 1
        status = result.status
        article = result.article
        if status == Status.DUPLICATE and article is not None and self.since is not None:
            # Committed by an earlier attempt of this job (killed after its commit).
            if article.revised_at is not None and article.revised_at >= self.since:
                status = Status.REVISED
            elif article.imported_at >= self.since and article.revision == 1:
                status = Status.IMPORTED
        if status in (Status.IMPORTED, Status.VALID):
            job.imported += 1
        elif status == Status.REVISED:
            job.revised += 1
        elif status == Status.DUPLICATE:
            job.duplicates += 1
        else:
            job.failed += 1
            self.error(result.location, result.message)
        self.flush()

    def error(self, where: str, message: str) -> None:
        if len(self.job.errors) < Job.MAX_ERRORS:
            self.job.errors.append({"where": where, "message": message})

    def advance(self, done: int, total: int | None = None) -> None:
        """Set the progress (``done`` of ``total`` units); may raise ``JobCancelled``."""
        self.job.progress_done = done
        if total is not None:
            self.job.progress_total = total
        self.flush()

    def flush(self, *, final: bool = False) -> None:
        now = time.monotonic()
        if not final and now - self.last < FLUSH_SECONDS:
            return
        self.last = now
        job = self.job
        Job.objects.filter(pk=job.pk).update(
            heartbeat_at=timezone.now(),
            processed=job.processed,
            imported=job.imported,
            revised=job.revised,
            duplicates=job.duplicates,
            failed=job.failed,
            errors=job.errors,
            progress_done=job.progress_done,
            progress_total=job.progress_total,
        )
        if not final and Job.objects.filter(pk=job.pk, cancel_requested=True).exists():
            raise JobCancelled

    def summary(self) -> str:
        if self.done_message:
            return self.done_message
        job = self.job
        if job.kind in (Job.Kind.IMPORT_FILES, Job.Kind.IMPORT_URL):
            parts = [f"imported {job.imported}"]
            if job.revised:
                parts.append(f"{job.revised} revised")
            parts += [f"{job.duplicates} already imported", f"{job.failed} failed"]
            return "Done: " + ", ".join(parts) + "."
        return "Done."


# Import jobs -------------------------------------------------------------------------


def start_file_import(
    *, files: Iterable[IO[bytes]], source: str = "", user: AbstractBaseUser | None = None
) -> Job:
    """Save uploaded files under ``NEWSROOM_JOB_DIR`` and import them in a job."""
    from newsroom.jobs import tasks

    folder = Path(settings.NEWSROOM_JOB_DIR) / f"upload-{timezone.now():%Y%m%d%H%M%S}-{os.getpid()}"
    folder = _unique(folder)
    saved, size = [], 0
    for number, upload in enumerate(files):
        name = Path(getattr(upload, "name", "") or "upload").name
        path = folder / f"{number}-{name}"
        with path.open("wb") as out:
            for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
                out.write(chunk)
        saved.append({"path": str(path), "name": name})
        size += path.stat().st_size
    names = ", ".join(item["name"] for item in saved)
    return start_job(
        kind=Job.Kind.IMPORT_FILES,
        title=names,
        task=tasks.import_files,
        payload={"files": saved, "source": source, "folder": str(folder)},
        user=user,
        progress_total=size,
        unit="bytes",
    )


def _unique(folder: Path) -> Path:
    folder.parent.mkdir(parents=True, exist_ok=True)
    for suffix in range(1000):
        candidate = folder.with_name(f"{folder.name}-{suffix}")
        try:
            candidate.mkdir()
        except FileExistsError:
            continue
        return candidate
    raise RuntimeError(f"no free job folder under {folder.parent}")


def import_files_work(job: Job, tracker: Tracker) -> None:
    """The work of an IMPORT_FILES job: each saved file through ``import_stream``."""
    files = job.payload.get("files", [])
    before = 0
    for item in files:
        path, name = Path(item["path"]), item["name"]
        format = format_for(name)
        if format is None:
            tracker.error(name, "unknown file type")
            continue
        try:
            stream = path.open("rb")
        except OSError as exc:
            tracker.error(name, f"the saved upload cannot be read ({exc.strerror})")
            continue
        with stream:
            fileno = stream.fileno()

            def progress(result: ImportResult, fileno: int = fileno, before: int = before) -> None:
                tracker.job.progress_done = before + _position(fileno)
                tracker.result(result)

            summary = import_stream(
                stream,
                origin=name,
                format=format,
                user=job.user,
                progress=progress,
                source=job.payload.get("source", ""),
            )
        for skipped in summary.skipped:
            tracker.error(skipped.origin, f"skipped: {skipped.reason}")
        before += _size(path)
        tracker.advance(before)


def _position(fileno: int) -> int:
    try:
        return os.lseek(fileno, 0, os.SEEK_CUR)
    except OSError:  # a pipe
        return 0


def _size(path: Path) -> int:
    try:
        return path.stat().st_size if path.is_file() else 0
    except OSError:
        return 0


def start_url_import(*, url: str, user: AbstractBaseUser | None = None) -> Job:
    """Import one web page in a job (``newsroom.fetch`` checks the address when it runs)."""
    from newsroom.jobs import tasks

    return start_job(
        kind=Job.Kind.IMPORT_URL,
        title=url,
        task=tasks.import_url,
        payload={"url": url},
        user=user,
        progress_total=1,
    )


def import_url_work(job: Job, tracker: Tracker) -> None:
    """The work of an IMPORT_URL job: ``newsroom.fetch.import_url`` with the tracker."""
    from newsroom.fetch import import_url

    import_url(url=job.payload["url"], user=job.user, progress=tracker.result)
    tracker.advance(1)


# Recovery ----------------------------------------------------------------------------


def recover_stale_jobs(*, now: Any = None) -> list[Job]:
    """Enqueue again the running jobs whose worker is gone; return them.

    A job's worker is gone when it ran on this host and its process no longer exists, or
    when its heartbeat is older than ``NEWSROOM_JOB_STALE_SECONDS`` (another host). A job
    that already had ``NEWSROOM_JOB_MAX_ATTEMPTS`` attempts is failed instead.
    """
    now = now or timezone.now()
    stale_before = now - timedelta(seconds=settings.NEWSROOM_JOB_STALE_SECONDS)
    host = socket.gethostname()
    recovered = []
    for job in Job.objects.filter(state=Job.State.RUNNING):
        worker_host, _, pid = job.worker.rpartition(":")
        gone = worker_host == host and pid.isdigit() and not _alive(int(pid))
        if not gone and (job.heartbeat_at is None or job.heartbeat_at >= stale_before):
            continue
        lost = Job.objects.filter(pk=job.pk, state=Job.State.RUNNING, worker=job.worker)
        _forget_task_result(job.task_result_id)
        if job.attempts >= settings.NEWSROOM_JOB_MAX_ATTEMPTS:
            lost.update(
                state=Job.State.FAILED,
                finished_at=now,
                worker="",
                message=f"Failed: its worker was lost {job.attempts} times.",
            )
            continue
        if lost.update(state=Job.State.QUEUED, worker="", message="Worker lost; retrying."):
            logger.warning("job %s: worker %s lost, enqueued again", job.pk, job.worker)
            job.refresh_from_db()
            _enqueue(job)
            recovered.append(job)
    return recovered


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _forget_task_result(result_id: str) -> None:
    """Mark the lost attempt's row of the ORM backend failed (it stays 'running' else)."""
    from django.apps import apps

    if not result_id or not apps.is_installed("django_tasks_db"):
        return
    from django_tasks_db.models import DBTaskResult

    try:
        DBTaskResult.objects.filter(id=result_id, status="RUNNING").update(
            status="FAILED",
            finished_at=timezone.now(),
            exception_class_path="newsroom.jobs.services.WorkerLost",
            traceback="The worker running this task was lost (killed or its host gone).",
        )
    except Exception:  # not a UUID: the id of another backend
        logger.debug("task result %s is not the ORM backend's", result_id, exc_info=True)
