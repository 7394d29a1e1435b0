"""The revisions page (diff, moves, orphans), the article page's note and the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from annotations.models import ArtifactFlag, FactCheck, Reanchor
from newsroom.models import Article
from tests.annotations.test_reanchor import CAPTION, V1, V2, editor_flag, fact_check, imported
from tests.annotations.test_reanchor import sentence_with as with_words
from tests.factories import imported_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def revised():
    article = imported(V1).article
    fact_check(with_words(article, "rises 5%"), FactCheck.Status.FALSE)
    fact_check(with_words(article, "approved"), FactCheck.Status.ACCURATE)
    flag = editor_flag(article, CAPTION, "image_caption", ArtifactFlag.State.CONFIRMED)
    imported(V2)
    article.refresh_from_db()
    return article, flag


def test_the_revisions_page_shows_what_changed_and_how_verdicts_went(viewer_client, revised):
    article, _ = revised
    response = viewer_client.get(reverse("annotations:article-revisions", args=[article.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-diff="inserted"' in page and "The debate lasted more than six hours" in page
    assert 'data-diff="changed"' in page and "rises 7% next year" in page
    # The caption's two sentences deleted, a paragraph inserted, a figure changed, and the
    # swapped paragraphs as one deleted and one inserted sentence.
    assert "2 inserted · 3 deleted · 1 changed · 5 unchanged" in page
    assert "needs re-check</strong> (was false)" in page
    assert 'data-move="exact"' in page and 'data-move="lost"' in page
    assert "Orphans: 1 item" in page and CAPTION in page
    assert "orphan-place" not in page and 'action="/orphans/' not in page  # viewers decide nothing


def test_the_revisions_page_has_a_fixed_number_of_queries(
    viewer_client, revised, django_assert_max_num_queries
) -> None:
    article, _ = revised
    url = reverse("annotations:article-revisions", args=[article.pk])
    with django_assert_max_num_queries(12) as small:
        viewer_client.get(url)
    longer = V1 + "".join(f"Extra sentence number {i} of the report.\n" for i in range(200))
    big = imported(longer.replace("Council passes", "Council passes big")).article
    imported(longer.replace("Council passes", "Council passes big").replace("5%", "6%"))
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = viewer_client.get(reverse("annotations:article-revisions", args=[big.pk]))
    assert "… 203 unchanged sentences …" in response.content.decode()


@pytest.mark.parametrize(
    "query", ["?from=x&to=99", "?from=0&to=-1", "?from=%00", "?to=" + "9" * 30]
)
def test_bad_revision_numbers_fall_back_to_the_last_change(viewer_client, revised, query) -> None:
    article, _ = revised
    url = reverse("annotations:article-revisions", args=[article.pk]) + query
    response = viewer_client.get(url)
    assert response.status_code == 200
    assert "Sentences, revision 1 → 2" in response.content.decode()


def test_the_article_page_lists_the_orphans(viewer_client, revised) -> None:
    article, _ = revised
    page = viewer_client.get(article.get_absolute_url()).content.decode()
    assert 'data-revision="2"' in page
    assert "1 orphan</strong> could not be placed" in page and CAPTION in page
    unrevised = imported_article("Another story\n\nNothing changed here.\n")
    assert "data-revision" not in viewer_client.get(unrevised.get_absolute_url()).content.decode()


def test_an_editor_places_and_discards_orphans(editor_client, checker_client, revised) -> None:
    article, flag = revised
    orphan = Reanchor.objects.orphans().get()
    place = reverse("annotations:orphan-place", args=[orphan.pk])
    assert checker_client.post(place, {"text": "February"}).status_code == 403
    response = editor_client.post(place, {"sentence": "999"}, follow=True)
    assert "The article has no sentence 999." in response.content.decode()
    response = editor_client.post(place, {"text": "no such words"}, follow=True)
    assert "That text is not in the article." in response.content.decode()
    response = editor_client.post(place, {"text": "February 04 2020"}, follow=True)
    assert "Artifact flag placed on the current text." in response.content.decode()
    placed = ArtifactFlag.objects.get(pk=flag.pk)
    assert (
        Article.objects.get(pk=article.pk).raw_text[placed.start : placed.end] == "February 04 2020"
    )
    discard = reverse("annotations:orphan-discard", args=[orphan.pk])
    response = editor_client.post(discard, follow=True)
    assert "This item is no longer an orphan." in response.content.decode()
    assert editor_client.get(discard).status_code == 405


def test_the_admin_shows_revisions_and_orphans(editor_client, revised) -> None:
    article, _ = revised
    changelist = editor_client.get(reverse("admin:newsroom_article_changelist"))
    assert changelist.status_code == 200 and "column-revision" in changelist.content.decode()
    change = editor_client.get(reverse("admin:newsroom_article_change", args=[article.pk]))
    assert change.status_code == 200
    orphans = editor_client.get(reverse("admin:annotations_reanchor_changelist") + "?orphan=yes")
    page = orphans.content.decode()
    assert orphans.status_code == 200 and "place or discard" in page and CAPTION in page
    orphan = Reanchor.objects.orphans().get()
    response = editor_client.post(
        reverse("admin:annotations_reanchor_changelist"),
        {"action": "discard_orphans", "_selected_action": [orphan.pk]},
        follow=True,
    )
    assert "1 orphan discarded." in response.content.decode()
    assert not Reanchor.objects.orphans().exists()


def test_the_panel_timeline_keeps_the_rows_from_before_the_move(viewer_client) -> None:
    article = imported(V1).article
    check = fact_check(with_words(article, "rises 5%"), FactCheck.Status.FALSE)
    check.note = "Checked against the budget table."
    check.save()
    imported(V2)
    check.refresh_from_db()
    response = viewer_client.get(
        reverse("annotations:sentence-panel", args=[check.sentence_id]) + "?history=open",
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 200
    timeline = page[page.index('<ol class="timeline') :]
    # The rows from before the move (they name the old sentence) are still there.
    assert "<bdi>Unchecked</bdi> → <bdi>False</bdi>" in timeline
    assert "<bdi>—</bdi> → <bdi>Checked against the budget table.</bdi>" in timeline
    assert "<bdi>False</bdi> → <bdi>To check</bdi>" in timeline


def test_the_article_list_shows_the_revision_count_without_more_queries(
    viewer_client, revised, django_assert_max_num_queries
) -> None:
    list_url = reverse("annotations:article-list")
    viewer_client.get(list_url)
    imported_article("Another story\n\nNothing changed here.\n")
    with django_assert_max_num_queries(9):
        page = viewer_client.get(list_url).content.decode()
    assert 'data-revisions="2"' in page and ">revision 2</a>" in page
    assert page.count("data-revisions=") == 1


def test_revision_pages_have_no_inline_code(administrator_client, revised) -> None:
    import re

    from tests.newsroom.test_security import assert_no_inline_code

    article, _ = revised
    for url in [
        reverse("annotations:article-revisions", args=[article.pk]),
        article.get_absolute_url(),
        reverse("admin:annotations_reanchor_changelist"),
    ]:
        response = administrator_client.get(url)
        assert response.status_code == 200, url
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
        assert_no_inline_code(response.content.decode(), nonce and nonce.group(1))
