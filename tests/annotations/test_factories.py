"""The editorial factories (tests/factories.py) write consistent rows: spans and quotes
from the sentence, the article of the sentence, and stored counters equal to a recount."""

from __future__ import annotations

import pytest

from annotations import counters
from annotations.models import ArticleCounters
from tests.factories import (
    ArticleReviewFactory,
    ArtifactFlagFactory,
    ClaimFactory,
    EvidenceFactory,
    FactCheckFactory,
    article_with_sentences,
)

pytestmark = pytest.mark.django_db

COUNTED = [f for f in counters.FIELDS if f != "last_activity"]


def stored(article):
    return ArticleCounters.objects.filter(article=article).values(*COUNTED).get()


def recounted(article):
    (row,) = counters.counts_of([article.pk])
    return {f: getattr(row, f) for f in COUNTED}


def test_rows_follow_their_sentence_and_counters_stay_equal_to_a_recount():
    article = article_with_sentences(3)
    s0, s1, s2 = article.sentence_list

    fc = FactCheckFactory(sentence=s0, status="false")
    flag = ArtifactFlagFactory(article=article, start=s2.start, end=s2.end)
    review_row = ArticleReviewFactory(article=article)
    claim = ClaimFactory(sentence=s1)
    evidence = EvidenceFactory(fact_check=fc, stance="refutes")

    assert (fc.article_id, claim.article_id, flag.article_id) == (article.pk,) * 3
    assert (claim.start, claim.end, claim.quote) == (s1.start, s1.end, "Sentence 1 is here.")
    assert (review_row.state, flag.state, evidence.fact_check_id) == (
        "in_review",
        "suggested",
        fc.pk,
    )
    assert stored(article) == recounted(article)
    assert (stored(article)["false_count"], stored(article)["pending_flags"]) == (1, 1)


def test_without_arguments_each_factory_makes_what_it_needs():
    evidence = EvidenceFactory()
    claim = ClaimFactory()
    assert evidence.fact_check.sentence.article_id != claim.article_id
    assert evidence.url != EvidenceFactory().url
    assert ArtifactFlagFactory().article.raw_text
