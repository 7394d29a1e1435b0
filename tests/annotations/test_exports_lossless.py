"""The lossless JSON export: export -> import into an empty database -> export is identical,
and an import into a database that has the articles merges by content hash."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from annotations.exports.base import selected_articles
from annotations.exports.lossless import export_lossless, import_document
from annotations.models import ArticleReview, ArtifactFlag, Claim, Evidence, FactCheck
from newsroom.models import Article, Source
from tests.annotations.export_data import sentences_of, worked_article
from tests.factories import article_with_sentences

pytestmark = pytest.mark.django_db


def export_text(ids=None) -> str:
    return "".join(export_lossless(selected_articles(ids)))


def empty_database() -> None:
    """What a fresh database holds: no articles, sources, history or users."""
    Article.objects.all().delete()
    Source.objects.all().delete()
    for model in (ArtifactFlag, FactCheck, Claim, Evidence, ArticleReview):
        model.history.all().delete()
    get_user_model().objects.all().delete()


def test_round_trip_into_an_empty_database_is_identical(editor, fact_checker):
    worked_article(editor, fact_checker)
    article_with_sentences(3, title="Bare", byline="Ann Other")
    before = export_text()
    document = json.loads(before)
    assert document["format"] == "newsroom-lossless"
    worked = next(a for a in document["articles"] if a["title"] != "Bare")
    false = next(s for s in worked["sentences"] if (s["fact_check"] or {}).get("status") == "false")
    assert false["fact_check"]["note"].startswith("Called the ministry")
    assert false["fact_check"]["assignee"] == "fact_checker"
    assert [h["status"] for h in false["fact_check"]["history"]] == ["false", "false", "false"]
    assert false["fact_check"]["evidence"][0]["stance"] == "refutes"
    assert false["claims"][0]["claimant"] == "Cavusoglu"
    assert {f["state"] for f in worked["flags"]} >= {"confirmed", "dismissed", "suggested"}
    assert worked["review"]["state"] == "approved"
    assert worked["review"]["override_reason"] == "Checked what matters."
    assert len(worked["review"]["history"]) == 2

    empty_database()
    report = import_document(document=document)

    assert (report.created, report.merged, report.failed) == (2, 0, [])
    assert sorted(report.users_created) == ["editor", "fact_checker"]
    assert export_text() == before
    restored = get_user_model().objects.get(username="editor")
    assert not restored.is_active and not restored.has_usable_password()


def test_import_writes_history_rows_for_claims_evidence_and_flags(editor, fact_checker):
    worked_article(editor, fact_checker)
    document = json.loads(export_text())
    empty_database()
    import_document(document=document)
    assert Claim.history.filter(history_change_reason="import").count() == 2
    assert Evidence.history.filter(history_change_reason="import").count() == 1
    assert ArtifactFlag.history.filter(history_change_reason="import").count() == (
        ArtifactFlag.objects.count()
    )


def test_import_into_a_database_that_has_the_article_merges_and_reports(editor, fact_checker):
    article = worked_article(editor, fact_checker, approve=False)
    document = json.loads(export_text())
    # Here, meanwhile: a claim and a fact check are gone, a flag decision is undone, and
    # someone set a different status on the accurate sentence.
    sentences = sentences_of(article)
    FactCheck.objects.get(sentence=sentences[3]).delete()
    Claim.objects.filter(sentence=sentences[4]).delete()
    check = FactCheck.objects.get(sentence=sentences[4])
    check.status = "misleading"
    check.save()
    confirmed = ArtifactFlag.objects.filter(article=article, state="confirmed", origin="detector")
    flag = confirmed.get()
    flag.state, flag.previous_state, flag.decided_at, flag.decided_by = "suggested", "", None, None
    flag.save()
    ArtifactFlag.objects.filter(article=article, origin="editor").delete()
    ArticleReview.objects.filter(article=article).delete()

    report = import_document(document=document, user=editor)

    assert (report.created, report.merged, report.failed) == (0, 1, [])
    counts = report.merge_counts
    assert counts["fact checks added"] == 1
    assert counts["fact checks that differ (kept as they are here)"] == 1
    assert counts["claims added"] == 1
    assert counts["evidence links added"] == 1
    assert counts["flags added"] == 1
    assert counts["flag decisions taken from the file"] == 1
    assert counts["workflow states taken from the file"] == 1
    assert FactCheck.objects.get(sentence=sentences[4]).status == "misleading"
    restored = FactCheck.objects.get(sentence=sentences[3])
    assert restored.status == "false" and restored.evidence.count() == 1
    flag.refresh_from_db()
    assert flag.state == "confirmed"
    assert ArticleReview.objects.get(article=article).state == "in_review"
    assert any("1 merged" in line for line in report.lines())

    again = import_document(document=document, user=editor)
    assert again.merge_counts["claims added"] == 0
    assert again.merge_counts["fact checks added"] == 0
    assert again.merge_counts["flags added"] == 0


def test_not_a_lossless_document_is_refused():
    with pytest.raises(ValidationError):
        import_document(document={"format": "other", "articles": []})
    with pytest.raises(ValidationError):
        import_document(document={"format": "newsroom-lossless", "version": 99, "articles": []})


def test_a_broken_article_fails_alone(editor, fact_checker):
    article_with_sentences(2, title="Good")
    document = json.loads(export_text())
    empty_database()
    broken = dict(document["articles"][0], content_hash="f" * 64, blocks=[{"position": 0}])
    report = import_document(document={**document, "articles": [broken, document["articles"][0]]})
    assert report.created == 1 and len(report.failed) == 1
    assert Article.objects.get().title == "Good"


@pytest.mark.parametrize("n", [1, 6])
def test_export_queries_do_not_grow_with_articles(n, django_assert_max_num_queries):
    for _ in range(n):
        article_with_sentences(4)
    with django_assert_max_num_queries(11):
        export_text()


def test_nothing_is_merged_into_an_approved_article(editor, fact_checker):
    article = worked_article(editor, fact_checker)
    document = json.loads(export_text())
    Claim.objects.filter(article=article).delete()
    report = import_document(document=document, user=editor)
    assert report.merge_counts == {"approved articles here, left as they are": 1}
    assert not Claim.objects.filter(article=article).exists()


def test_an_evidence_link_that_is_not_http_fails_its_article(editor, fact_checker):
    worked_article(editor, fact_checker)
    document = json.loads(export_text())
    empty_database()
    article = document["articles"][0]
    for sentence in article["sentences"]:
        for evidence in (sentence["fact_check"] or {}).get("evidence", []):
            evidence["url"] = "javascript:alert(1)"
    report = import_document(document=document)
    assert report.created == 0 and "Enter a valid URL" in report.failed[0]
    assert not Evidence.objects.exists()


def test_same_identity_with_another_text_fails_alone(editor, fact_checker):
    worked_article(editor, fact_checker, approve=False)
    document = json.loads(export_text())
    changed = dict(document["articles"][0], content_hash="e" * 64, title="Changed title")
    report = import_document(document={**document, "articles": [changed]})
    assert report.created == 0 and len(report.failed) == 1
    assert Article.objects.count() == 1
