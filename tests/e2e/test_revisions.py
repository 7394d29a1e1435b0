"""Revisions in a real browser: the article page's note and orphan list, the revisions
page's diff, and an editor placing an orphan, all without a CSP violation (the ``page``
fixture fails the test on any)."""

from __future__ import annotations

import pytest

from annotations.models import ArtifactFlag, FactCheck
from annotations.roles import EDITOR
from tests.annotations.test_reanchor import CAPTION, V1, V2, editor_flag, fact_check, imported
from tests.annotations.test_reanchor import sentence_with as with_words
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_editor_sees_what_changed_and_places_an_orphan(page, live_server, roles, make_user):
    make_user(EDITOR, username="chief")
    article = imported(V1).article
    fact_check(with_words(article, "rises 5%"), FactCheck.Status.FALSE)
    flag = editor_flag(article, CAPTION, "image_caption", ArtifactFlag.State.CONFIRMED)
    imported(V2)

    log_in(page, live_server.url, "chief", "pw", f"/articles/{article.pk}/")
    note = page.locator("[data-revision]")
    assert "Revision 2" in note.inner_text() and CAPTION in note.inner_text()
    note.get_by_role("link", name="What changed").click()
    page.wait_for_url(f"**/articles/{article.pk}/revisions/")
    changed = page.locator('[data-diff="changed"]')
    assert "rises 7% next year" in changed.inner_text()
    assert page.locator("ins").first.is_visible() and page.locator("del").first.is_visible()
    assert "needs re-check" in page.locator('[data-move="fuzzy"]').first.inner_text()

    orphan = page.locator("[data-orphan]")
    orphan.get_by_label("Exact text").fill("February 04 2020")
    orphan.get_by_role("button", name="Place").click()
    page.wait_for_url("**#orphans")
    assert "Artifact flag placed on the current text." in page.content()
    assert page.locator("[data-orphan]").count() == 0
    placed = ArtifactFlag.objects.get(pk=flag.pk)
    assert placed.article.raw_text[placed.start : placed.end] == "February 04 2020"
