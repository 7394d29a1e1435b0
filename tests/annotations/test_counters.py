"""The stored per-article counters equal a full recount after every service call.

Each case runs one service on a real imported article (its suggested flags from the
importer) and then compares every ``ArticleCounters`` row with ``with_live_progress``
computed from the rows themselves: a service that forgot its ``counters.refresh``
leaves a stale row and fails here.
"""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from annotations import counters, flagging, review, services
from annotations.models import ArticleCounters, ArtifactFlag, FactCheck
from annotations.rollups import articles, with_live_progress
from newsroom.models import Article, Sentence
from newsroom.text.artifacts import KINDS
from tests.factories import article_with_sentences, imported_article

pytestmark = pytest.mark.django_db

URL = "https://example.com/seven"
SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_cfff4d70fc50ad02.txt"


def stored() -> dict[int, dict]:
    return {
        row["article_id"]: {name: row[name] for name in counters.FIELDS}
        for row in ArticleCounters.objects.values("article_id", *counters.FIELDS)
    }


def recounted() -> dict[int, dict]:
    rows = with_live_progress(Article.objects.all()).values("pk", *counters.FIELDS)
    return {row.pop("pk"): row for row in rows}


@pytest.fixture
def article(db):
    return imported_article(SEED.read_text(encoding="utf-8"), url=URL)


def _sentence(article, index=1):
    return Sentence.objects.filter(article=article).select_related("article")[index]


def _flag(article):
    return ArtifactFlag.objects.filter(article=article).pending().first()


def set_status(article, user):
    services.set_status(sentence=_sentence(article), status="false", user=user, expected_version=0)


def assign(article, user):
    services.assign_sentence(
        sentence=_sentence(article), assignee=user, user=user, expected_version=0
    )


def verdict_then_undo(article, user):
    sentence = _sentence(article)
    services.set_status(sentence=sentence, status="in_progress", user=user, expected_version=0)
    services.undo_last_change(sentence=sentence, user=user, expected_version=1)


def update_fact_check(article, user):
    services.update_fact_check(
        sentence=_sentence(article, 2), user=user, expected_version=0, status="misleading", note="n"
    )


def decide_flag(article, user):
    flagging.decide_flag(flag=_flag(article), user=user, state=ArtifactFlag.State.CONFIRMED)


def decide_then_undo_flag(article, user):
    flag = flagging.decide_flag(flag=_flag(article), user=user, state="dismissed")
    flagging.undo_flag(flag=flag, user=user)


def decide_kind(article, user):
    flagging.decide_kind(article=article, kind=_flag(article).kind, user=user, state="confirmed")


def add_flag(article, user):
    sentence = _sentence(article, 3)
    flagging.add_flag(
        article=article, start=sentence.start, end=sentence.end, kind=sorted(KINDS)[0], user=user
    )


def redetect(article, user):
    flagging.redetect_flags(article=article, user=user)


def _undetected(article):
    # As if the detector had never run on the article (rows and counters both).
    ArtifactFlag.objects.filter(article=article).untouched().delete()
    counters.refresh([article.pk])


SETUP = {"redetect": _undetected}


def workflow(article, user):
    review.send_to_review(article=article, user=user)
    review.request_changes(article=article, user=user, reason="look again")


def approve_over_guard(article, user):
    review.send_to_review(article=article, user=user)
    review.approve(article=article, user=user, override_reason="fine")
    review.reopen(article=article, user=user, reason="one more")


def new_revision(article, user):
    services.set_status(sentence=_sentence(article), status="false", user=user, expected_version=0)
    text = SEED.read_text(encoding="utf-8")
    from newsroom.importing import Status, import_record
    from newsroom.readers import Record

    changed = text.replace("Seven Turkish", "Eight Turkish", 1)
    record = Record(origin="revision", format="text", text=changed, url=URL)
    assert import_record(record, user=user).status == Status.REVISED


SERVICES = [
    set_status,
    assign,
    verdict_then_undo,
    update_fact_check,
    decide_flag,
    decide_then_undo_flag,
    decide_kind,
    add_flag,
    redetect,
    workflow,
    approve_over_guard,
    new_revision,
]


def test_import_stores_counters(article):
    assert stored() == recounted()
    assert (
        stored()[article.pk]["sentence_total"] == Sentence.objects.filter(article=article).count()
    )
    assert (
        stored()[article.pk]["pending_flags"]
        == ArtifactFlag.objects.filter(article=article).pending().count()
    )


@pytest.mark.parametrize("call", SERVICES, ids=lambda f: f.__name__)
def test_counters_equal_a_recount_after(call, article, editor):
    SETUP.get(call.__name__, lambda article: None)(article)
    before = stored()[article.pk]
    call(article, editor)
    after = stored()
    assert after == recounted()
    assert after[article.pk] != before  # the call changed something the pages show


def test_recount_rebuilds_rows_written_outside_the_services(editor):
    article = article_with_sentences(4)
    FactCheck.objects.create(
        sentence=article.sentence_list[0], article=article, status=FactCheck.Status.FALSE
    )
    ArticleCounters.objects.all().delete()
    call_command("recount", chunk=1, stdout=io.StringIO())
    assert stored() == recounted()
    assert stored()[article.pk]["false_misleading_count"] == 1


def test_filters_read_the_counters(article, editor):
    services.set_status(
        sentence=_sentence(article), status="false", user=editor, expected_version=0
    )
    other = article_with_sentences(2)
    counters.refresh([other.pk])
    assert list(articles().has_false_or_misleading()) == [article]
    assert set(articles().has_unchecked()) == {article, other}
    assert list(articles().in_state("in_review")) == []
    assert set(articles().in_state("new")) == {article, other}
