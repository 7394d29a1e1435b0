"""Source, sentence and block admins."""

from __future__ import annotations

import pytest
from django.urls import reverse

from newsroom.models import Sentence
from tests.factories import ArticleFactory, SourceFactory, article_with_sentences

pytestmark = pytest.mark.django_db


def test_source_admin_lists_article_counts(editor_client):
    afp = SourceFactory(name="AFP <wire>")
    ArticleFactory(source=afp)
    ArticleFactory(source=afp)

    response = editor_client.get(reverse("admin:newsroom_source_changelist"))

    assert [s.article_count for s in response.context["cl"].result_list] == [2]
    assert "AFP &lt;wire&gt;" in response.content.decode()


def test_sentence_admin_is_read_only_with_text(editor_client):
    article = article_with_sentences(2, title="Spans")
    sentence = article.sentence_list[1]

    listing = editor_client.get(reverse("admin:newsroom_sentence_changelist"))
    change = editor_client.get(reverse("admin:newsroom_sentence_change", args=[sentence.pk]))
    posted = editor_client.post(
        reverse("admin:newsroom_sentence_change", args=[sentence.pk]), {"start": 0, "end": 1}
    )

    assert "Sentence 1 is here." in listing.content.decode()
    html = change.content.decode()
    assert "Sentence 1 is here." in html
    assert 'name="start"' not in html  # offsets are read-only
    assert posted.status_code == 403
    sentence.refresh_from_db()
    assert (sentence.start, sentence.end) != (0, 1)
    assert editor_client.get(reverse("admin:newsroom_sentence_add")).status_code == 403


def test_sentence_admin_searches_sentence_text_and_title(editor_client):
    a = article_with_sentences(3, title="Alpha")
    b = article_with_sentences(1, title="Beta")
    url = reverse("admin:newsroom_sentence_changelist")

    by_text = editor_client.get(url, {"q": "Sentence 2 is"}).context["cl"].result_list
    by_title = editor_client.get(url, {"q": "Beta"}).context["cl"].result_list

    assert [s.pk for s in by_text] == [a.sentence_list[2].pk]
    assert [s.pk for s in by_title] == [b.sentence_list[0].pk]


def test_sentence_text_is_escaped(editor_client):
    article = ArticleFactory(raw_text="T\n\n<script>alert(1)</script>")
    block = article.blocks.create(position=0, role="body", start=3, end=len(article.raw_text))
    Sentence.objects.create(article=article, block=block, position=0, start=3, end=block.end)

    html = editor_client.get(reverse("admin:newsroom_sentence_changelist")).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("n", [2, 40])
def test_sentence_and_block_lists_use_constant_queries(
    editor_client, n, django_assert_max_num_queries
):
    for _ in range(n // 2):
        article_with_sentences(2)
    for name in ("sentence", "block"):
        with django_assert_max_num_queries(12):
            response = editor_client.get(reverse(f"admin:newsroom_{name}_changelist"))
        assert response.status_code == 200


def test_checkers_cannot_reach_these_admins(checker_client):
    response = checker_client.get(reverse("admin:newsroom_sentence_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("model", ["sentence", "block", "source"])
@pytest.mark.parametrize(
    "query",
    [
        {"id__in": f"1,{10**30}"},
        {"id__gt": str(10**30)},
        {"q": "x" * 60_000},
        {"q": "a\x00b"},
    ],
)
def test_crafted_span_and_source_lists_are_refused_not_a_500(administrator_client, model, query):
    response = administrator_client.get(reverse(f"admin:newsroom_{model}_changelist"), query)
    assert response.status_code in (200, 302, 400)
