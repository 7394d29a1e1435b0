"""An automated accessibility check (axe-core, shipped inside axe-playwright-python, run in
Debian's chromium) on the pages a desk uses all day: no serious or critical violation.

The rules are axe's defaults (WCAG 2.0-2.2 A/AA and best practices); moderate and minor
findings are printed by the failure message of the serious ones only.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.models import FactCheck
from annotations.roles import EDITOR, VIEWER
from newsroom.models import Sentence
from tests.e2e.conftest import log_in
from tests.factories import imported_article

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_cfff4d70fc50ad02.txt"
BLOCKING = {"serious", "critical"}


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now (its script injected by the test)."""
    from axe_playwright_python.sync_playwright import Axe

    return Axe().run(page).response["violations"]


def serious(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        if violation["impact"] not in BLOCKING:
            continue
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines += [f"    {node['target']}: {node['failureSummary']}" for node in violation["nodes"]]
    return "\n".join(lines)


@pytest.fixture
def desk(roles, make_user):
    """An article with statuses of every kind, so every colour is on the page."""
    make_user(EDITOR, username="chief")
    make_user(VIEWER, username="reader")
    article = imported_article(SEED.read_text(encoding="utf-8"), source="Daily Sabah")
    sentences = list(Sentence.objects.filter(article=article).order_by("position"))
    for sentence, (status, _) in zip(sentences[1:], FactCheck.Status.choices, strict=False):
        FactCheck.objects.create(article=article, sentence=sentence, status=status)
    return article


@pytest.mark.parametrize("username", ["chief", "reader"])
def test_pages_have_no_serious_accessibility_violations(page, live_server, desk, username):
    log_in(page, live_server.url, username, "pw", "/")
    pages = ["/", "/dashboard/", f"/articles/{desk.pk}/", f"/articles/{desk.pk}/clean/"]
    if username == "chief":
        pages.append("/articles/import/")
    report = []
    for url in pages:
        page.goto(f"{live_server.url}{url}")
        if found := serious(axe_violations(page)):
            report.append(f"{url}\n{found}")
    assert not report, "\n".join(report)


def test_open_help_dialog_and_mobile_sheet_pass_too(page, live_server, desk):
    """The states a keyboard or phone user reaches: the help dialog open, the sentence
    panel opened as a bottom sheet at 400 px."""
    log_in(page, live_server.url, "chief", "pw", f"/articles/{desk.pk}/")
    page.keyboard.press("?")
    page.wait_for_selector("#help[open]")
    assert not serious(axe_violations(page))
    page.keyboard.press("Escape")
    page.set_viewport_size({"width": 400, "height": 800})
    sentence = Sentence.objects.filter(article=desk).order_by("position")[4]
    page.click(f"#s-{sentence.pk}")
    page.wait_for_selector(f'#panel[data-sentence="{sentence.pk}"]')
    page.wait_for_selector("#sentence-sheet.show")
    assert not serious(axe_violations(page))


def test_the_check_catches_a_violation(page, live_server, desk):
    """Control: an image without alt text and an unlabelled button are reported."""
    log_in(page, live_server.url, "chief", "pw", "/")
    page.evaluate(
        """() => {
            const img = document.createElement("img");
            img.src = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
            const button = document.createElement("button");
            document.querySelector("main").append(img, button);
        }"""
    )
    found = serious(axe_violations(page))
    assert "image-alt" in found and "button-name" in found
