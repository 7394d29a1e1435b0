"""Re-detection and exports of many articles as background jobs (annotations/tasks.py)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from annotations import flagging, tasks
from annotations.models import ArtifactFlag
from newsroom.jobs.models import Job
from newsroom.text.spans import Finding
from tests.annotations.test_flagging import SEED, imported
from tests.newsroom.test_jobs import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _job_dir(tmp_path, settings):
    settings.NEWSROOM_JOB_DIR = tmp_path / "jobs"


@pytest.fixture
def two_articles():
    text = SEED.read_text(encoding="utf-8")
    return imported(text), imported(text + "\nAnother closing line.")


def test_redetection_job_refreshes_suggestions_like_the_command(two_articles, editor):
    for article in two_articles:
        flagging.store_suggestions(article=article, findings=[Finding(363, 370, kind="advert")])
    job = tasks.start_redetection(user=editor)
    assert (job.kind, job.progress_total) == (Job.Kind.REDETECT, 2)
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.message
    assert (job.progress_done, job.percent) == (2, 100)
    assert "2 removed" in job.message
    assert not ArtifactFlag.objects.filter(kind="advert").exists()


def test_export_job_writes_a_file_the_owner_downloads(two_articles, editor, editor_client):
    job = tasks.start_export(format="csv", article_ids=[two_articles[0].pk], user=editor)
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.message
    page = editor_client.get(job.get_absolute_url()).content.decode()
    assert reverse("newsroom:job-output", args=[job.pk]) in page
    response = editor_client.get(reverse("newsroom:job-output", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert len(rows) > 2 and {row[0] for row in rows[1:]} == {str(two_articles[0].pk)}


def test_the_file_of_an_unfinished_or_foreign_job_is_not_served(editor, checker_client):
    job = tasks.start_export(format="json", user=editor)
    assert checker_client.get(reverse("newsroom:job-output", args=[job.pk])).status_code == 403


def test_an_unknown_export_format_is_refused():
    with pytest.raises(ValueError, match="unknown export format"):
        tasks.start_export(format="xlsx")
    assert Job.objects.count() == 0
