"""A long article in parts, in a real browser: the keyboard crosses parts, and a link to a
sentence of another part opens that part."""

from __future__ import annotations

import pytest

from annotations.roles import FACT_CHECKER
from tests.e2e.conftest import log_in
from tests.factories import article_with_sentences

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def checker(roles, make_user):
    return make_user(FACT_CHECKER, username="checker")


def selected_pk(page) -> int:
    return int(page.locator("#article .sentence.selected").get_attribute("data-pk"))


def wait_for_panel(page, pk: int) -> None:
    page.wait_for_selector(f'#panel[data-sentence="{pk}"]')
    page.wait_for_selector(f'#article .sentence.selected[data-pk="{pk}"]')


def test_keyboard_and_links_cross_parts(page, live_server, checker, settings):
    settings.NEWSROOM_ARTICLE_PAGE_SENTENCES = 5
    article = article_with_sentences(12)
    pks = [s.pk for s in article.sentence_list]
    url = f"/articles/{article.pk}/"
    log_in(page, live_server.url, "checker", "pw", url)
    assert page.locator("#article .sentence").count() == 5
    assert "Part 1 of 3" in page.locator(".part-nav").first.inner_text()

    for pk in pks[1:5]:
        page.keyboard.press("j")
        wait_for_panel(page, pk)
    page.keyboard.press("j")  # past the last sentence of part 1
    page.wait_for_url(f"**?s={pks[5]}*")
    wait_for_panel(page, pks[5])
    assert "Part 2 of 3" in page.locator(".part-nav").first.inner_text()
    assert page.locator("#article .sentence").count() == 5

    page.keyboard.press("k")  # back before the first sentence of part 2
    page.wait_for_url(f"**?s={pks[4]}*")
    wait_for_panel(page, pks[4])
    assert "Part 1 of 3" in page.locator(".part-nav").first.inner_text()

    # A queue link (#s-<pk> only) to a sentence of part 3 opens part 3 with it selected.
    page.goto(f"{live_server.url}{url}#s-{pks[11]}")
    page.wait_for_url(f"**?s={pks[11]}*")
    wait_for_panel(page, pks[11])
    assert page.locator("#article .sentence").count() == 2
    assert "Part 3 of 3" in page.locator(".part-nav").first.inner_text()

    page.click(".part-nav a[data-part=previous]")
    page.wait_for_url("**?part=2")
    assert selected_pk(page) == pks[5]
