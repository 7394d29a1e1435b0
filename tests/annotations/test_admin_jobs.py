"""The Article admin's background-job actions: re-detection and the exports of the selected
articles start jobs (``annotations.tasks``) and link the job page; editors only."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission

from annotations.admin.article_actions import EXPORT_LABELS
from annotations.exports.formats import FORMATS
from annotations.models import ArtifactFlag
from newsroom.jobs.models import Job
from tests.annotations.test_admin import CHANGELIST, action, action_names, messages_of
from tests.factories import ArticleFactory, article_with_sentences
from tests.newsroom.test_jobs import run_worker

pytestmark = pytest.mark.django_db

JOB_ACTIONS = {"redetect_artifacts_job"} | {f"export_{name}_job" for name in FORMATS}


@pytest.fixture(autouse=True)
def _job_dir(tmp_path, settings):
    settings.NEWSROOM_JOB_DIR = tmp_path / "jobs"


def test_every_export_format_has_a_job_action():
    assert EXPORT_LABELS.keys() == FORMATS.keys()


def test_editors_see_the_job_actions_other_staff_do_not(editor_client, client, make_user):
    article_with_sentences(1)
    assert action_names(editor_client.get(CHANGELIST)) >= JOB_ACTIONS

    clerk = make_user(None, "clerk")
    clerk.is_staff = True
    clerk.save()
    clerk.user_permissions.add(*Permission.objects.filter(codename="view_article"))
    client.force_login(clerk)
    assert not JOB_ACTIONS & action_names(client.get(CHANGELIST))


def test_staff_without_the_permission_cannot_start_a_job(client, make_user):
    clerk = make_user(None, "clerk")
    clerk.is_staff = True
    clerk.save()
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_article", "change_artifactflag"])
    )
    client.force_login(clerk)
    article = article_with_sentences(1)
    for name in JOB_ACTIONS:
        action(client, name, [article])
    assert not Job.objects.exists()


def test_redetection_action_starts_a_job_on_the_selection(editor_client, editor):
    chosen = ArticleFactory(raw_text="Title\n\nA body sentence here.\n\nThere are no comments.\n")
    other = ArticleFactory(raw_text="Other\n\nA body sentence.\n\nThere are no comments.\n")

    response = action(editor_client, "redetect_artifacts_job", [chosen])

    job = Job.objects.get()
    assert (job.kind, job.user, job.payload["article_ids"]) == (
        Job.Kind.REDETECT,
        editor,
        [chosen.pk],
    )
    assert f"Re-detection started as job #{job.pk}" in messages_of(response)[0]
    assert f'<a href="{job.get_absolute_url()}">' in response.content.decode()
    assert not ArtifactFlag.objects.exists()  # nothing ran inside the request

    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.message
    assert ArtifactFlag.objects.filter(article=chosen).exists()
    assert not ArtifactFlag.objects.filter(article=other).exists()


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_export_action_starts_a_job_in_its_format(editor_client, editor, name):
    chosen, other = article_with_sentences(2), article_with_sentences(2)

    response = action(editor_client, f"export_{name}_job", [chosen])

    job = Job.objects.get()
    assert (job.kind, job.user) == (Job.Kind.EXPORT, editor)
    assert (job.payload["format"], job.payload["article_ids"]) == (name, [chosen.pk])
    assert f"export started as job #{job.pk}" in messages_of(response)[0]
    assert f'<a href="{job.get_absolute_url()}">' in response.content.decode()
    assert other.pk not in job.payload["article_ids"]


def test_the_csv_export_job_writes_only_the_selected_articles(editor_client):
    chosen, other = article_with_sentences(2), article_with_sentences(3)
    action(editor_client, "export_csv_job", [chosen])
    run_worker()
    job = Job.objects.get()
    assert job.state == Job.State.DONE, job.message
    rows = list(csv.reader(io.StringIO(Path(job.output).read_text(encoding="utf-8-sig"))))
    assert len(rows) == 3 and {row[0] for row in rows[1:]} == {str(chosen.pk)}
    assert str(other.pk) not in {row[0] for row in rows[1:]}


def test_the_json_export_job_of_all_selected_articles(editor_client):
    articles = [article_with_sentences(1) for _ in range(3)]
    action(editor_client, "export_json_job", articles)
    run_worker()
    job = Job.objects.get()
    assert job.state == Job.State.DONE, job.message
    text = Path(job.output).read_text(encoding="utf-8")
    for article in articles:
        assert json.dumps(article.title) in text
