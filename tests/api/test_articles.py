"""Articles (the list page's filters, pagination, constant queries), import and exports."""

from __future__ import annotations

import json

import pytest

from annotations import flagging, services
from annotations.models import FactCheck
from newsroom.models import Article
from newsroom.text.artifacts import KINDS
from tests.factories import article_with_sentences

pytestmark = pytest.mark.django_db

JSON = "application/json"


def set_status(sentence, status, user) -> None:
    """Through the service, so that whatever the article list reads is kept up to date."""
    services.set_status(sentence=sentence, status=status, user=user, expected_version=0)


def test_list_filters_are_the_list_pages(viewer_api, editor):
    flagged = article_with_sentences(2, title="Cavusoglu met Lavrov")
    set_status(flagged.sentence_list[0], FactCheck.Status.FALSE, editor)
    article_with_sentences(2, title="Other news")
    everything = viewer_api.get("/api/articles").json()
    assert everything["count"] == 2 and everything["next"] is None
    found = viewer_api.get("/api/articles?q=Lavrov").json()
    assert [a["id"] for a in found["items"]] == [flagged.pk]
    false = viewer_api.get("/api/articles?false=true").json()
    assert [a["id"] for a in false["items"]] == [flagged.pk]
    assert false["items"][0]["progress"]["false_or_misleading"] == 1
    assert viewer_api.get("/api/articles?state=approved").json()["count"] == 0
    assert viewer_api.get("/api/articles?state=bogus").status_code == 422


def test_list_is_paginated_by_25(viewer_api):
    for _ in range(26):
        article_with_sentences(1)
    first = viewer_api.get("/api/articles").json()
    assert (len(first["items"]), first["next"]) == (25, 2)
    second = viewer_api.get("/api/articles?page=2").json()
    assert len(second["items"]) == 1 and second["previous"] == 1
    assert viewer_api.get("/api/articles?page=0").status_code == 422


@pytest.mark.parametrize("n", [2, 30])
def test_list_and_detail_queries_are_constant(viewer_api, editor, n, django_assert_max_num_queries):
    articles = [article_with_sentences(3) for _ in range(n)]
    for article in articles:
        set_status(article.sentence_list[0], FactCheck.Status.TO_CHECK, editor)
    viewer_api.get("/api/articles")  # the token's last_used_at is written once
    with django_assert_max_num_queries(8):
        assert viewer_api.get("/api/articles").status_code == 200
    with django_assert_max_num_queries(10):
        assert viewer_api.get(f"/api/articles/{articles[0].pk}").status_code == 200


@pytest.mark.parametrize("n", [3, 60])
def test_sentence_queries_are_constant(editor_api, editor, n, django_assert_max_num_queries):
    article = article_with_sentences(n)
    sentence = article.sentence_list[0]
    for i in range(n // 3):
        services.add_claim(sentence=sentence, user=editor, note=str(i))
        services.add_evidence(sentence=sentence, user=editor, url=f"https://e.example/{i}")
        other = article.sentence_list[i]
        flagging.add_flag(
            article=article, start=other.start, end=other.end, kind=KINDS[0], user=editor
        )
    editor_api.get("/api/articles")
    with django_assert_max_num_queries(8):
        assert editor_api.get(f"/api/sentences/{sentence.pk}").status_code == 200
    with django_assert_max_num_queries(6):
        assert editor_api.get(f"/api/sentences/{sentence.pk}/claims").status_code == 200
    with django_assert_max_num_queries(6):
        assert editor_api.get(f"/api/sentences/{sentence.pk}/evidence").status_code == 200
    with django_assert_max_num_queries(6):
        flags = editor_api.get(f"/api/articles/{article.pk}/flags")
    assert flags.json()["count"] == n // 3


def test_detail_has_sentences_with_statuses_and_versions(viewer_api, editor):
    article = article_with_sentences(3)
    set_status(article.sentence_list[1], FactCheck.Status.ACCURATE, editor)
    body = viewer_api.get(f"/api/articles/{article.pk}").json()
    rows = body["sentences"]["items"]
    assert [r["text"] for r in rows] == [f"Sentence {i} is here." for i in range(3)]
    assert [(r["status"], r["version"]) for r in rows] == [
        ("unchecked", 0),
        ("accurate", 1),
        ("unchecked", 0),
    ]
    assert body["raw_text"][rows[0]["start"] : rows[0]["end"]] == rows[0]["text"]


def test_import_one_record_then_the_same_again(editor_api):
    record = {"title": "A title", "text": "One sentence here. Another one there.", "source": "Wire"}
    created = editor_api.post("/api/import", record, content_type=JSON)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["imported"] == 1 and body["results"][0]["status"] == "imported"
    article = Article.objects.get(pk=body["results"][0]["article"])
    assert article.imported_by.username == "editor"
    again = editor_api.post("/api/import", record, content_type=JSON)
    assert again.status_code == 200 and again.json()["duplicates"] == 1


def test_import_batch_reports_each_record_with_the_importers_reasons(editor_api):
    batch = {
        "records": [
            {"title": "Good", "text": "A good body."},
            {"title": "Bad url", "text": "Body.", "url": "ftp://x.example/a"},
            {"title": "Empty", "text": "   "},
        ]
    }
    response = editor_api.post("/api/import/batch", batch, content_type=JSON)
    assert response.status_code == 201
    body = response.json()
    assert (body["imported"], body["failed"]) == (1, 2)
    failed = [r for r in body["results"] if r["status"] == "failed"]
    assert "http:// or https://" in failed[0]["message"] and "record 2" in failed[0]["location"]
    assert "missing text" in failed[1]["message"]
    assert Article.objects.count() == 1


def test_import_all_failed_is_422_and_dry_run_writes_nothing(editor_api):
    bad = editor_api.post("/api/import", {"title": "No text"}, content_type=JSON)
    assert bad.status_code == 422 and bad.json()["failed"] == 1
    dry = editor_api.post(
        "/api/import?dry_run=true", {"title": "T", "text": "Body."}, content_type=JSON
    )
    assert dry.status_code == 200 and dry.json()["results"][0]["status"] == "valid"
    assert not Article.objects.exists()


def test_a_body_over_the_upload_limit_is_413_json(editor_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    record = {"title": "T", "text": "Word. " * 500}
    response = editor_api.post("/api/import", record, content_type=JSON)
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not Article.objects.exists()


def test_exports_stream_with_the_filters(viewer_api):
    article = article_with_sentences(2, title="Alpha")
    article_with_sentences(1, title="Beta")
    response = viewer_api.get(f"/api/exports/json?article={article.pk}")
    assert response.status_code == 200 and response.streaming
    document = json.loads(b"".join(response.streaming_content))
    assert [a["title"] for a in document["articles"]] == ["Alpha"]
    csv = viewer_api.get("/api/exports/csv?q=Beta")
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert "Beta" in text and "Alpha" not in text
    assert viewer_api.get("/api/exports/w3c").status_code == 200
    assert viewer_api.get("/api/exports/claimreview?drafts=true").status_code == 200
    assert viewer_api.get("/api/exports/pdf").status_code == 422
