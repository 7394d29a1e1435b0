"""Roll-up numbers computed in the database, and the queryset filters."""

from __future__ import annotations

import pytest

from annotations import counters, rollups
from annotations.models import ArticleReview, ArtifactFlag, FactCheck
from newsroom.models import Article
from tests.factories import SourceFactory, article_with_sentences
from tests.factories import fact_check as check

pytestmark = pytest.mark.django_db

S = FactCheck.Status


def flag(article, start, end, state=ArtifactFlag.State.CONFIRMED, kind="dateline"):
    return ArtifactFlag.objects.create(
        article=article, start=start, end=end, state=state, kind=kind
    )


def annotated(article):
    """The roll-up recounted from the rows (the rules), and the stored one after a
    refresh: both the same."""
    live = rollups.with_live_progress(Article.objects.filter(pk=article.pk)).get()
    counters.refresh([article.pk])
    stored = rollups.with_progress(Article.objects.filter(pk=article.pk)).get()
    assert rollups.Progress.of(stored) == rollups.Progress.of(live)
    return live


def test_sentence_without_fact_check_counts_as_unchecked():
    article = article_with_sentences(4)
    check(article.sentence_list[0], S.FALSE)
    check(article.sentence_list[1], S.UNCHECKED)

    row = annotated(article)

    assert row.sentence_total == 4
    assert row.unchecked_count == 3  # one explicit row, two without a row
    assert row.false_count == 1
    assert row.open_count == 3
    assert row.false_misleading_count == 1


def test_every_status_is_counted_separately():
    article = article_with_sentences(len(S))
    for sentence, status in zip(article.sentence_list, S, strict=True):
        check(sentence, status)

    progress = rollups.article_progress(article)

    assert progress.counts == {status.value: 1 for status in S}
    assert progress.total == len(S)
    assert progress.open == 3
    assert progress.false_or_misleading == 2


def test_sentences_inside_confirmed_artifacts_are_excluded():
    article = article_with_sentences(5)
    s0, s1, s2, s3, _ = article.sentence_list
    check(s0, S.FALSE)
    check(s2, S.MISLEADING)
    # s0 and s1 wholly inside one confirmed flag; s2 only partly covered; s3 under a
    # suggested and a dismissed flag: only s0 and s1 leave the counts.
    flag(article, s0.start, s1.end)
    flag(article, s2.start + 1, s2.end)
    flag(article, s3.start, s3.end, state=ArtifactFlag.State.SUGGESTED)
    flag(article, s3.start, s3.end, state=ArtifactFlag.State.DISMISSED, kind="advert")

    progress = rollups.article_progress(article)

    assert progress.excluded == 2
    assert progress.total == 3
    assert progress.counts[S.FALSE] == 0
    assert progress.counts[S.MISLEADING] == 1
    assert progress.counts[S.UNCHECKED] == 2
    assert progress.pending_flags == 1


def test_overlapping_flags_and_fact_checks_do_not_multiply_counts():
    article = article_with_sentences(3)
    for sentence in article.sentence_list:
        check(sentence, S.ACCURATE)
    for _ in range(3):  # three pending flags over the same sentence
        flag(article, article.sentence_list[0].start, article.sentence_list[0].end, "suggested")
    flag(article, 0, 4)  # a confirmed flag over the headline, not over a sentence

    row = annotated(article)

    assert row.accurate_count == 3
    assert row.pending_flags == 3
    assert row.counted_total == 3


def test_workflow_state_defaults_to_new_and_assignees_are_listed(make_user):
    alice, bob = make_user(None, "alice"), make_user(None, "bob")
    fresh = article_with_sentences(2)
    reviewed = article_with_sentences(3)
    check(reviewed.sentence_list[0], S.TO_CHECK, assignee=bob)
    check(reviewed.sentence_list[1], S.IN_PROGRESS, assignee=alice)
    check(reviewed.sentence_list[2], S.ACCURATE, assignee=bob)
    ArticleReview.objects.create(article=reviewed, state=ArticleReview.State.IN_REVIEW)

    counters.refresh(Article.objects.values_list("pk", flat=True))  # rows written by hand
    rows = {a.pk: rollups.Progress.of(a) for a in rollups.with_progress(Article.objects.all())}

    assert rows[fresh.pk].workflow_state == "new"
    assert rows[fresh.pk].assignees == []
    assert rows[reviewed.pk].workflow_state == "in_review"
    assert rows[reviewed.pk].assignees == ["alice", "bob"]
    assert rows[reviewed.pk].last_activity >= reviewed.imported_at


def test_progress_segments_and_summary():
    article = article_with_sentences(4)
    check(article.sentence_list[0], S.FALSE)

    progress = rollups.article_progress(article)

    assert [(s.status, s.count) for s in progress.segments] == [("unchecked", 3), ("false", 1)]
    assert progress.segments[0].percent == 75
    assert progress.summary == "3 unchecked, 1 false"


def test_filters_return_the_right_articles(make_user):
    me = make_user(None, "me")
    clean = article_with_sentences(2)
    for sentence in clean.sentence_list:
        check(sentence, S.ACCURATE)
    false = article_with_sentences(2)
    check(false.sentence_list[0], S.FALSE, assignee=me)
    check(false.sentence_list[1], S.NO_CLAIM)
    hidden_false = article_with_sentences(1)  # its false sentence is a confirmed artifact
    check(hidden_false.sentence_list[0], S.FALSE)
    flag(hidden_false, 0, len(hidden_false.raw_text))
    in_progress = article_with_sentences(1)
    check(in_progress.sentence_list[0], S.IN_PROGRESS)
    pending = article_with_sentences(1)
    check(pending.sentence_list[0], S.OPINION)
    flag(pending, 0, 3, state=ArtifactFlag.State.SUGGESTED)
    ArticleReview.objects.create(article=pending, state=ArticleReview.State.APPROVED)
    ArticleReview.objects.create(article=clean, state=ArticleReview.State.NEW)

    counters.refresh(Article.objects.values_list("pk", flat=True))  # rows written by hand
    all_ = rollups.articles()

    def pks(qs):
        return set(qs.values_list("pk", flat=True))

    assert pks(all_.has_false_or_misleading()) == {false.pk}
    assert pks(all_.has_unchecked()) == set()
    assert pks(all_.has_open()) == {in_progress.pk}
    assert pks(all_.has_pending_flags()) == {pending.pk}
    assert pks(all_.assigned_to(me)) == {false.pk}
    assert pks(all_.in_state("new")) == {
        clean.pk,
        false.pk,
        hidden_false.pk,
        in_progress.pk,
    }
    assert pks(all_.in_state("approved")) == {pending.pk}
    unchecked = article_with_sentences(1)
    assert pks(all_.has_unchecked()) == {unchecked.pk}
    assert pks(rollups.articles(Article.objects.filter(pk=unchecked.pk)).has_unchecked()) == {
        unchecked.pk
    }


def test_queue_lists_open_assigned_sentences_outside_artifacts(make_user):
    me, other = make_user(None, "me"), make_user(None, "other")
    article = article_with_sentences(5)
    s = article.sentence_list
    mine_open = check(s[0], S.TO_CHECK, assignee=me)
    check(s[1], S.ACCURATE, assignee=me)
    check(s[2], S.IN_PROGRESS, assignee=other)
    check(s[3], S.IN_PROGRESS, assignee=me)
    flag(article, s[3].start, s[3].end)

    assert list(rollups.open_fact_checks_assigned_to(me)) == [mine_open]


def test_with_progress_is_one_query_for_many_articles(django_assert_num_queries):
    source = SourceFactory()
    for _ in range(12):
        article = article_with_sentences(3, source=source)
        check(article.sentence_list[0], S.FALSE)

    with django_assert_num_queries(1):
        rows = list(rollups.with_live_progress(Article.objects.all())[:10])
    with django_assert_num_queries(1):
        stored = list(rollups.with_progress(Article.objects.all())[:10])

    assert [r.false_count for r in stored] == [1] * 10

    assert [r.false_count for r in rows] == [1] * 10
    assert [r.unchecked_count for r in rows] == [2] * 10
