"""Background jobs: the upload page hands large uploads to a job, the worker runs it on
django-tasks-db's ORM backend, the job page shows it, cancel stops it, lost workers are
recovered (the kill -9 proof with real processes is in test_jobs_kill.py)."""

from __future__ import annotations

import json
from unittest.mock import patch

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from newsroom.importing import BATCH_ARTICLES
from newsroom.jobs import services, tasks
from newsroom.jobs.models import Job
from newsroom.models import Article

pytestmark = pytest.mark.django_db

UPLOAD = reverse("newsroom:import")


def jsonl(count: int, start: int = 0) -> bytes:
    lines = [
        json.dumps({"title": f"Story number {n}", "text": f"Body of story {n}. It is short."})
        for n in range(start, start + count)
    ]
    return ("\n".join(lines) + "\n").encode()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def run_worker() -> None:
    """``run_jobs --once`` in this process. The worker closes stale connections before each
    task, as it should; here that would close the test's open transaction (PostgreSQL), so
    that one call is held back. The kill and RQ tests run real worker processes."""
    with patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("run_jobs", "--once")


@pytest.fixture(autouse=True)
def _job_dir(tmp_path, settings):
    settings.NEWSROOM_JOB_DIR = tmp_path / "jobs"
    settings.NEWSROOM_JOB_UPLOAD_BYTES = 200


def test_a_large_upload_becomes_a_job_that_the_worker_runs(editor_client, editor, tmp_path):
    data = jsonl(5) + b"{not json\n"
    response = editor_client.post(UPLOAD, {"files": [upload("big.jsonl", data)]})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.kind, job.state, job.user, job.progress_total) == (
        Job.Kind.IMPORT_FILES,
        Job.State.QUEUED,
        editor,
        len(data),
    )
    assert DBTaskResult.objects.get(id=job.task_result_id).status == "READY"
    assert Article.objects.count() == 0  # nothing imported in the request

    run_worker()

    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.message
    assert (job.imported, job.duplicates, job.failed, job.percent) == (5, 0, 1, 100)
    assert job.errors[0]["where"] == "big.jsonl:6"
    assert Article.objects.filter(imported_by=editor).count() == 5
    assert DBTaskResult.objects.get(id=job.task_result_id).status == "SUCCESSFUL"
    assert not (tmp_path / "jobs").exists() or not any((tmp_path / "jobs").iterdir())

    page = editor_client.get(job.get_absolute_url())
    html = lxml.html.fromstring(page.content.decode())
    assert html.get_element_by_id("job-status").get("hx-get") is None  # polling stops
    assert "big.jsonl:6" in html.get_element_by_id("job-errors").text_content()
    assert html.get_element_by_id("job-progress").get("value") == "100"


def test_small_uploads_stay_in_the_request(editor_client):
    response = editor_client.post(UPLOAD, {"files": [upload("small.jsonl", jsonl(1))]})
    assert response.status_code == 302 and response["Location"] == "/"
    assert Job.objects.count() == 0 and Article.objects.count() == 1


def test_the_running_page_polls_its_status_part_and_offers_cancel(
    editor_client, editor, django_assert_max_num_queries
):
    job = services.start_job(
        kind=Job.Kind.IMPORT_FILES, title="x.jsonl", task=tasks.import_files, user=editor
    )
    Job.objects.filter(pk=job.pk).update(
        errors=[{"where": f"x.jsonl:{n}", "message": "bad"} for n in range(150)]
    )
    with django_assert_max_num_queries(6):  # session, user, permissions, job
        page = editor_client.get(job.get_absolute_url())
    status = lxml.html.fromstring(page.content.decode()).get_element_by_id("job-status")
    assert status.get("hx-get") == job.get_absolute_url()
    assert status.get("hx-trigger") == "every 1s"
    part = editor_client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    assert part.content.decode().lstrip().startswith('<section id="job-status"')
    assert "<html" not in part.content.decode()

    response = editor_client.post(reverse("newsroom:job-cancel", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.state, job.cancel_requested) == (Job.State.CANCELLED, True)
    run_worker()  # its task finds it cancelled and does nothing
    job.refresh_from_db()
    assert job.state == Job.State.CANCELLED and job.processed == 0


def test_cancel_stops_a_running_import_after_its_committed_batch(editor, tmp_path, monkeypatch):
    path = tmp_path / "many.jsonl"
    path.write_bytes(jsonl(BATCH_ARTICLES * 2 + 10))
    job = services.start_job(
        kind=Job.Kind.IMPORT_FILES,
        title="many.jsonl",
        task=tasks.import_files,
        payload={"files": [{"path": str(path), "name": "many.jsonl"}]},
        user=editor,
    )
    calls = []
    real_flush = services.Tracker.flush

    def flush(self, *, final=False):
        # The editor presses cancel while the first batch's results come in.
        if self.job.processed == 1 and not calls:
            calls.append(Job.objects.filter(pk=self.job.pk).update(cancel_requested=True))
            self.last = 0.0
        return real_flush(self, final=final)

    monkeypatch.setattr(services.Tracker, "flush", flush)
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.CANCELLED
    # The first batch was committed before its results were reported; nothing after it.
    assert Article.objects.count() == BATCH_ARTICLES
    assert job.processed == 1 and "Cancelled" in job.message


def test_others_may_not_see_or_cancel_a_job(editor, checker_client, fact_checker):
    job = services.start_job(
        kind=Job.Kind.IMPORT_URL, title="https://example.org/", task=tasks.import_url, user=editor
    )
    assert checker_client.get(job.get_absolute_url()).status_code == 403
    assert checker_client.post(reverse("newsroom:job-cancel", args=[job.pk])).status_code == 403
    assert checker_client.get(reverse("newsroom:job-cancel", args=[job.pk])).status_code in (
        403,
        405,
    )
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED


def test_the_admin_lists_jobs(administrator_client, editor, django_assert_max_num_queries):
    for number in range(3):
        services.start_job(
            kind=Job.Kind.IMPORT_URL, title=f"https://e.org/{number}", task=tasks.import_url
        )
    with django_assert_max_num_queries(12):
        response = administrator_client.get(reverse("admin:newsroom_job_changelist"))
    assert response.status_code == 200
    assert response.content.decode().count("https://e.org/") >= 3


def test_a_job_whose_worker_died_is_enqueued_again_then_failed_after_its_attempts(settings):
    settings.NEWSROOM_JOB_MAX_ATTEMPTS = 2
    job = services.start_job(kind=Job.Kind.IMPORT_URL, title="u", task=tasks.import_url)
    first_task = job.task_result_id
    # As a worker killed with kill -9 leaves it: running, on this host, a pid that is gone.
    dead = f"{services.worker_name().rpartition(':')[0]}:999999999"
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, worker=dead, attempts=1)
    DBTaskResult.objects.filter(id=first_task).update(status="RUNNING")

    assert [j.pk for j in services.recover_stale_jobs()] == [job.pk]
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED and job.task_result_id != first_task
    assert DBTaskResult.objects.get(id=first_task).status == "FAILED"
    assert DBTaskResult.objects.get(id=job.task_result_id).status == "READY"

    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, worker=dead, attempts=2)
    assert services.recover_stale_jobs() == []
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and "lost 2 times" in job.message


def test_a_live_worker_on_this_host_is_left_alone():
    job = services.start_job(kind=Job.Kind.IMPORT_URL, title="u", task=tasks.import_url)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, worker=services.worker_name())
    with override_settings(NEWSROOM_JOB_STALE_SECONDS=3600):
        assert services.recover_stale_jobs() == []
    assert Job.objects.get(pk=job.pk).state == Job.State.RUNNING


def test_a_refused_enqueue_leaves_the_job_failed_with_the_reason(monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("Redis is not answering")

    monkeypatch.setattr(type(tasks.import_url), "enqueue", refuse)
    job = services.start_job(kind=Job.Kind.IMPORT_URL, title="u", task=tasks.import_url)
    assert job.state == Job.State.FAILED and "Redis is not answering" in job.message
