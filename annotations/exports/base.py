"""What every export reads: articles and their sentences in bounded batches.

Exports stream: they never hold more than ``ARTICLE_BATCH`` articles (with their raw text,
blocks and flags) and ``SENTENCE_BATCH`` sentences (with their fact checks, claims,
evidence and history) at once, so memory stays flat in the number of sentences. Batches are
read by keyset (``pk`` for articles, ``(article_id, position)`` for sentences, both
indexed), so no cursor stays open while the response is written and each batch is a fixed
number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from annotations.models import ArticleReview, ArtifactFlag, Claim, Evidence, FactCheck
from newsroom.models import Article, Block, Sentence

ARTICLE_BATCH = 20
SENTENCE_BATCH = 2000


def selected_articles(ids: Iterable[int] | None = None) -> QuerySet[Article]:
    """All articles, or those whose ids are given (unknown ids are ignored)."""
    qs = Article.objects.all()
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs


def usernames() -> dict[int, str]:
    """Every user's username by id: exports name people, never database ids.

    The users table is the newsroom's staff, small and independent of the exported rows.
    """
    return dict(get_user_model().objects.values_list("pk", "username"))


def article_batches(
    articles: QuerySet[Article], size: int = ARTICLE_BATCH
) -> Iterator[list[Article]]:
    """``articles`` in order of id, ``size`` at a time, each with its source."""
    qs = articles.order_by("pk").select_related("source")
    last = 0
    while batch := list(qs.filter(pk__gt=last)[:size]):
        yield batch
        last = batch[-1].pk


@dataclass
class SentenceRow:
    """A sentence with what the exports need, filled by ``sentence_batches``."""

    sentence: Sentence
    fact_check: FactCheck | None
    claims: list[Claim] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    history: list[Any] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.fact_check.status if self.fact_check else FactCheck.Status.UNCHECKED.value


def sentence_batches(
    article_ids: list[int],
    *,
    size: int = SENTENCE_BATCH,
    evidence: bool = False,
    history: bool = False,
    filters: Q | None = None,
) -> Iterator[list[SentenceRow]]:
    """Sentences of ``article_ids`` ordered by article id then position, ``size`` at a time,
    each with its fact check and claims (and, when asked, evidence and fact-check history).

    Queries per batch: the sentences (with their fact checks), claims, and one more each for
    evidence and history.
    """
    # Fact checks are read on their own, not by select_related: a reverse one-to-one caches
    # both directions, and those reference cycles would wait for the garbage collector.
    qs = Sentence.objects.filter(article_id__in=article_ids).order_by("article_id", "position")
    if filters is not None:
        qs = qs.filter(filters)
    cursor = Q()
    while True:
        sentences = list(qs.filter(cursor)[:size])
        if not sentences:
            return
        rows = [SentenceRow(s, None) for s in sentences]
        by_id = {row.sentence.pk: row for row in rows}
        for check in FactCheck.objects.filter(sentence_id__in=list(by_id)):
            by_id[check.sentence_id].fact_check = check
        for claim in Claim.objects.filter(sentence_id__in=list(by_id)).order_by(
            "sentence_id", "start", "end", "pk"
        ):
            by_id[claim.sentence_id].claims.append(claim)
        checks = {row.fact_check.pk: row for row in rows if row.fact_check}
        if evidence and checks:
            for item in Evidence.objects.filter(fact_check_id__in=list(checks)).order_by(
                "fact_check_id", "created_at", "pk"
            ):
                checks[item.fact_check_id].evidence.append(item)
        if history and checks:
            for record in FactCheck.history.filter(id__in=list(checks)).order_by(
                "id", "history_date", "history_id"
            ):
                checks[record.id].history.append(record)
        yield rows
        last = sentences[-1]
        cursor = Q(article_id__gt=last.article_id) | Q(
            article_id=last.article_id, position__gt=last.position
        )
        # Let this batch go before the next one is read: one batch in memory, not two.
        rows = sentences = by_id = checks = None  # type: ignore[assignment]


def flags_by_article(article_ids: list[int]) -> dict[int, list[ArtifactFlag]]:
    """The artifact flags of these articles, in span order, by article id."""
    out: dict[int, list[ArtifactFlag]] = defaultdict(list)
    for flag in ArtifactFlag.objects.filter(article_id__in=article_ids).order_by(
        "article_id", "start", "end", "kind", "pk"
    ):
        out[flag.article_id].append(flag)
    return out


def blocks_by_article(article_ids: list[int]) -> dict[int, list[Block]]:
    """The layout blocks of these articles, in order, by article id."""
    out: dict[int, list[Block]] = defaultdict(list)
    for block in Block.objects.filter(article_id__in=article_ids).order_by(
        "article_id", "position"
    ):
        out[block.article_id].append(block)
    return out


def review_history(article_ids: list[int]) -> dict[int, list[Any]]:
    """The workflow history rows of these articles, oldest first, by article id."""
    records = ArticleReview.history.filter(article_id__in=article_ids).order_by(
        "article_id", "history_date", "history_id"
    )
    return {key: list(group) for key, group in groupby(records, key=lambda r: r.article_id)}


def reviews_by_article(article_ids: list[int]) -> dict[int, ArticleReview]:
    """The workflow rows of these articles (an article without one is new)."""
    return {r.article_id: r for r in ArticleReview.objects.filter(article_id__in=article_ids)}


def review_state(review: ArticleReview | None) -> str:
    """The workflow state of a review row (``new`` without one)."""
    return review.state if review else ArticleReview.State.NEW.value


@dataclass
class ArticleItem:
    """One article of an export with its flags, workflow history and sentence rows.

    ``rows`` is a stream shared with the next articles: read it before the next item.
    """

    article: Article
    review: ArticleReview | None
    flags: list[ArtifactFlag]
    blocks: list[Block]
    review_history: list[Any]
    rows: Iterator[SentenceRow]


def export_items(
    articles: QuerySet[Article],
    *,
    evidence: bool = False,
    history: bool = False,
    sentence_filter: Q | None = None,
) -> Iterator[ArticleItem]:
    """Every article of ``articles`` in id order with its sentences, streamed in batches."""
    for batch in article_batches(articles):
        ids = [a.pk for a in batch]
        flags = flags_by_article(ids)
        blocks = blocks_by_article(ids)
        reviews = reviews_by_article(ids)
        histories = review_history(ids) if history else {}
        stream = _Peekable(
            row
            for rows in sentence_batches(
                ids, evidence=evidence, history=history, filters=sentence_filter
            )
            for row in rows
        )
        for article in batch:
            item = ArticleItem(
                article,
                reviews.get(article.pk),
                flags.get(article.pk, []),
                blocks.get(article.pk, []),
                histories.get(article.pk, []),
                stream.take_while(lambda row, pk=article.pk: row.sentence.article_id == pk),
            )
            yield item
            for _ in item.rows:  # whatever the consumer left of this article
                pass
        # Let this batch go before the next one is read.
        batch = item = stream = flags = blocks = reviews = histories = None  # type: ignore[assignment]


class _Peekable:
    def __init__(self, iterator: Iterator[SentenceRow]) -> None:
        self._iterator = iterator
        self._head: list[SentenceRow] = []

    def take_while(self, keep) -> Iterator[SentenceRow]:
        while True:
            if not self._head:
                try:
                    self._head.append(next(self._iterator))
                except StopIteration:
                    return
            if not keep(self._head[0]):
                return
            yield self._head.pop()


def buffered(chunks: Iterable[str], size: int = 64 * 1024) -> Iterator[str]:
    """Join small text chunks into pieces of about ``size`` characters for the response."""
    pending: list[str] = []
    length = 0
    for chunk in chunks:
        pending.append(chunk)
        length += len(chunk)
        if length >= size:
            yield "".join(pending)
            pending, length = [], 0
    if pending:
        yield "".join(pending)
