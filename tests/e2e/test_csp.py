"""The Content-Security-Policy in a real browser: the site's and the admin's pages run
under it without a single violation (the ``page`` fixture fails a test on any)."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.models import FactCheck
from annotations.roles import ADMINISTRATOR
from newsroom.models import Sentence
from tests.e2e.conftest import log_in
from tests.factories import imported_article

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_cfff4d70fc50ad02.txt"


@pytest.fixture
def chief(roles, make_user):
    return make_user(ADMINISTRATOR, username="chief")


def test_pages_and_admin_run_without_csp_violations(page, live_server, chief, csp_watch):
    article = imported_article(SEED.read_text(encoding="utf-8"))
    sentence = Sentence.objects.filter(article=article).order_by("start")[3]
    log_in(page, live_server.url, "chief", "pw", "/")
    assert page.locator(".nr-progress").count() >= 1

    page.goto(f"{live_server.url}/articles/{article.pk}/")
    page.click(f"#s-{sentence.pk}")  # the side panel comes in through htmx
    page.wait_for_selector(f'#panel[data-sentence="{sentence.pk}"]')
    page.keyboard.press("5")  # a status change: another htmx swap, progress redrawn
    page.wait_for_selector('#panel[data-status="accurate"]')
    fact_check = FactCheck.objects.get(sentence=sentence)

    visited = [
        "/dashboard/",
        f"/articles/{article.pk}/clean/",
        "/articles/import/",
        "/admin/",
        "/admin/newsroom/article/",
        f"/admin/newsroom/article/{article.pk}/change/",
        "/admin/annotations/factcheck/",
        f"/admin/annotations/factcheck/{fact_check.pk}/change/",
        f"/admin/annotations/factcheck/{fact_check.pk}/history/",
        "/admin/auth/user/add/",
        f"/admin/auth/user/{chief.pk}/change/",  # filter_horizontal widgets (SelectFilter2)
        "/admin/axes/accessattempt/",
    ]
    for url in visited:
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 200, url
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert "camera=()" in response.headers["permissions-policy"]
    # The admin changelist's action bar and filters are scripted: they must still work.
    page.goto(f"{live_server.url}/admin/newsroom/article/")
    page.check("#action-toggle")
    assert page.locator(".action-counter").inner_text().startswith("1 of 1")
    # A date/time widget's calendar and clock popups (DateTimeShortcuts).
    page.goto(f"{live_server.url}/admin/auth/user/{chief.pk}/change/")
    page.click("#calendarlink0")
    assert page.locator("#calendarbox0").is_visible()
    assert not csp_watch.problems()


def test_the_watch_catches_a_violation(page, live_server, chief, csp_watch):
    log_in(page, live_server.url, "chief", "pw", "/")
    page.evaluate(
        """() => {
            const box = document.createElement("div");
            box.innerHTML = '<span style="color: red">styled inline</span>';
            document.body.append(box);
        }"""
    )
    page.wait_for_function("document.querySelector('span[style]') !== null")
    page.wait_for_timeout(200)
    assert any("style-src-attr" in v for v in csp_watch.violations), csp_watch.violations
    csp_watch.violations.clear()
