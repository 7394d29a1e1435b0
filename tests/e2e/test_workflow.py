"""Issue 11, workflow and writes, in a real browser: a queue link opens its sentence, a
conflict keeps what the user typed, an approved article is read-only until reopened."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations import review, services
from annotations.models import ArticleReview, FactCheck
from annotations.roles import EDITOR, FACT_CHECKER
from newsroom.models import Sentence
from tests.e2e.conftest import log_in
from tests.factories import imported_article

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_cfff4d70fc50ad02.txt"


@pytest.fixture
def checker(roles, make_user):
    return make_user(FACT_CHECKER, username="checker")


@pytest.fixture
def editor(roles, make_user):
    return make_user(EDITOR, username="editor")


def test_my_queue_link_selects_scrolls_to_and_opens_the_sentence(
    page, live_server, checker, editor
):
    article = imported_article(SEED.read_text(encoding="utf-8"))
    target = Sentence.objects.filter(article=article).order_by("position")[12]
    services.assign_sentence(sentence=target, assignee=checker, user=editor, expected_version=0)
    page.set_viewport_size({"width": 1400, "height": 600})
    log_in(page, live_server.url, "checker", "pw", "/")

    with page.expect_response(lambda r: r.request.resource_type == "document") as document:
        page.click("#my-queue a")
    # The page arrives with that sentence's panel: no window in which a status key pressed
    # before a panel swap would change the headline (the sentence of the first panel).
    assert f'data-sentence="{target.pk}"' in document.value.text().split('id="panel"', 1)[1][:200]
    page.wait_for_selector(f'#panel[data-sentence="{target.pk}"]')
    selected = page.locator("#article .sentence.selected")
    assert selected.get_attribute("data-pk") == str(target.pk)
    page.wait_for_function(
        """pk => { const r = document.getElementById("s-" + pk).getBoundingClientRect();
                   return r.top >= 0 && r.bottom <= window.innerHeight; }""",
        arg=str(target.pk),
    )
    # The next status key changes that sentence, not the headline.
    selected.focus()
    page.keyboard.press("3")  # to check
    page.wait_for_selector(f'#panel[data-sentence="{target.pk}"][data-status="to_check"]')
    assert FactCheck.objects.get(sentence=target).status == "to_check"
    assert FactCheck.objects.count() == 1


def test_a_verdict_conflict_keeps_the_typed_text_and_shows_theirs(
    page, live_server, checker, editor
):
    article = imported_article(SEED.read_text(encoding="utf-8"))
    sentence = Sentence.objects.filter(article=article).order_by("position")[8]
    log_in(page, live_server.url, "checker", "pw", f"/articles/{article.pk}/?s={sentence.pk}")
    page.wait_for_selector(f'#panel[data-sentence="{sentence.pk}"]')
    typed = "Turkish ministry figures differ: 7 soldiers, not 8."
    page.fill("#panel [name=verdict]", typed)
    # Meanwhile the editor writes a verdict on the same sentence.
    services.save_verdict(
        sentence=sentence, verdict="Editor's verdict", note="", user=editor, expected_version=0
    )
    page.click("#panel form[hx-post$='/verdict/'] button")
    page.wait_for_selector("#panel [data-conflict-fields]")
    assert page.locator("#panel [data-theirs]").inner_text() == "Editor's verdict"
    assert page.locator("#panel [data-yours]").inner_text() == typed
    assert page.input_value("#panel [name=verdict]") == typed  # kept
    # Saving again replaces theirs, on purpose.
    page.click("#panel form[hx-post$='/verdict/'] button")
    page.wait_for_selector("#panel:not(:has([data-conflict]))")
    assert FactCheck.objects.get(sentence=sentence).verdict == typed


def test_approved_article_is_read_only_until_an_editor_reopens_it(page, live_server, editor):
    article = imported_article(SEED.read_text(encoding="utf-8"))
    ArticleReview.objects.create(article=article, state=ArticleReview.State.IN_REVIEW)
    review.approve(article=article, user=editor, override_reason="Agency copy")
    log_in(page, live_server.url, "editor", "pw", f"/articles/{article.pk}/")
    assert page.locator("[data-workflow-badge]").inner_text() == "Approved"
    assert page.locator("#panel [data-approved]").is_visible()
    assert page.locator("#panel .status-buttons").count() == 0

    reopen = page.locator('form[data-move="reopen"]')
    reopen.locator("button").click()  # the reason is required: the browser refuses
    assert ArticleReview.objects.get(article=article).state == "approved"
    reopen.locator("[name=reason]").fill("A correction came in")
    reopen.locator("button").click()
    page.wait_for_selector('[data-workflow-badge]:text("In review")')
    assert page.locator("#panel .status-buttons").count() == 1
    assert "A correction came in" in page.locator("[data-decision]").inner_text()
