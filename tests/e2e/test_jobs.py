"""The job page in chromium: the progress bar follows the job through htmx polling (under
the CSP, no inline script), stops polling when it is done, and cancel works."""

from __future__ import annotations

import pytest

from annotations.roles import EDITOR
from newsroom.jobs import services, tasks
from newsroom.jobs.models import Job
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(roles, make_user):
    return make_user(EDITOR, username="desk")


def test_the_progress_bar_follows_the_job_and_cancel_stops_it(page, live_server, desk):
    job = services.start_job(
        kind=Job.Kind.IMPORT_FILES, title="feed.jsonl", task=tasks.import_files, user=desk
    )
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING, progress_total=1000, progress_done=250, processed=40
    )
    log_in(page, live_server.url, "desk", "pw", job.get_absolute_url())
    assert page.get_attribute("#job-progress", "value") == "25"

    # The worker moves on: the page shows it without a reload.
    Job.objects.filter(pk=job.pk).update(progress_done=600, processed=90, imported=88, failed=2)
    page.wait_for_selector("#job-progress[value='60']")
    assert "88" in page.inner_text("#job-counts")

    page.click("#job-status button[type=submit]")
    page.wait_for_selector("text=(cancel requested)")
    assert Job.objects.get(pk=job.pk).cancel_requested

    # The worker stops at its next flush: the page says so and stops asking.
    Job.objects.filter(pk=job.pk).update(state=Job.State.CANCELLED, message="Cancelled; kept.")
    page.wait_for_selector("[data-job-state=cancelled]")
    assert page.get_attribute("#job-status", "hx-get") is None
    assert page.locator("#job-status button").count() == 0
