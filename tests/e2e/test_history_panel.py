"""The panel's History in a real browser: loaded when opened, kept open across writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.roles import FACT_CHECKER
from tests.e2e.conftest import log_in
from tests.factories import imported_article

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_cfff4d70fc50ad02.txt"


@pytest.fixture
def checker(roles, make_user):
    return make_user(FACT_CHECKER, username="checker")


def test_history_loads_when_opened_and_stays_open_after_a_status_change(page, live_server, checker):
    article = imported_article(SEED.read_text(encoding="utf-8"))
    log_in(page, live_server.url, "checker", "pw", f"/articles/{article.pk}/")
    panel = page.locator("#panel")
    assert panel.locator(".timeline").count() == 0
    panel.locator("[data-history-details] summary").click()
    panel.locator(".timeline").wait_for()
    assert "No changes yet." in panel.locator(".timeline").inner_text()

    page.locator("#article .sentence.selected").focus()
    page.keyboard.press("7")  # false
    page.wait_for_selector('#panel[data-status="false"]')
    timeline = page.locator("#panel .timeline")
    assert timeline.is_visible()
    assert "Status: Unchecked → False" in timeline.inner_text()

    page.keyboard.press("j")  # another sentence: its History starts closed
    pk = page.locator("#article .sentence.selected").get_attribute("data-pk")
    page.wait_for_selector(f'#panel[data-sentence="{pk}"]')
    assert page.locator("#panel .timeline").count() == 0
