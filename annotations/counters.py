"""Per-article counters (``ArticleCounters``), kept by the services that change them.

``refresh(article_ids)`` recomputes the rows of those articles from their sentences,
fact checks, flags and review (``counts_of``: a few GROUP BY queries for the whole
list) and upserts them (one more). Every service that writes what
a counter counts calls it, inside its own transaction, so that a page never sees a
fact check without its count: fact-check writes and undo (``services``), flag storing,
decisions, undo, editor flags and re-detection (``flagging``), workflow moves
(``review``), re-anchoring on a new revision (``reanchor``). No signal, no database
trigger: each call is in the service's code. ``manage.py recount`` rebuilds every row.

Recomputing the touched article rather than adding deltas costs one indexed GROUP BY
over that article's rows per write (an article has tens to hundreds of sentences), and
cannot drift: the stored row is by construction what a full recount gives.
"""

from __future__ import annotations

from collections.abc import Iterable

from annotations.models import ArticleCounters

# Articles recounted per query (the IN list) and per upsert.
CHUNK = 500

FIELDS: tuple[str, ...] = tuple(
    f.name for f in ArticleCounters._meta.concrete_fields if f.name != "article"
)


def counts_of(article_ids: list[int]) -> list[ArticleCounters]:
    """The counters of ``article_ids`` recomputed from their rows, in four GROUP BY
    queries for the whole list (sentences by article, exclusion and status; pending
    flags; latest fact-check change; latest flag decision) plus the articles' own
    import time and review change. The rules of ``rollups.with_live_progress``, which
    the tests hold equal to these rows; this form is the one that scales to a rebuild of
    a million articles (one pass over each table's rows of the chunk, no subquery per
    article and column)."""
    from django.db.models import Count, F, Max, Value
    from django.db.models.functions import Coalesce

    from annotations.flagging import inside_confirmed_artifact
    from annotations.models import ArtifactFlag, FactCheck
    from annotations.rollups import OPEN_STATUSES, STATUS_FIELDS, current_sentences
    from newsroom.models import Article

    Status = FactCheck.Status
    rows = {
        pk: ArticleCounters(article_id=pk, last_activity=max(last, imported))
        for pk, last, imported in Article.objects.filter(pk__in=article_ids)
        .annotate(last=Coalesce(F("review__changed_at"), F("imported_at")))
        .values_list("pk", "last", "imported_at")
        .order_by()
    }
    groups = (
        current_sentences()
        .filter(article_id__in=article_ids)
        .annotate(
            excluded=inside_confirmed_artifact(),
            state=Coalesce(F("fact_check__status"), Value(Status.UNCHECKED.value)),
        )
        .order_by()
        .values_list("article_id", "excluded", "state")
        .annotate(n=Count("pk"))
    )
    for pk, excluded, state, n in groups:
        row = rows[pk]
        row.sentence_total += n
        if excluded:
            row.excluded_count += n
            continue
        row.counted_total += n
        setattr(row, STATUS_FIELDS[state], getattr(row, STATUS_FIELDS[state]) + n)
        if state in OPEN_STATUSES:
            row.open_count += n
        if state in (Status.FALSE, Status.MISLEADING):
            row.false_misleading_count += n
    pending = (
        ArtifactFlag.objects.filter(article_id__in=article_ids)
        .pending()
        .order_by()
        .values_list("article_id")
        .annotate(n=Count("pk"))
    )
    for pk, n in pending:
        rows[pk].pending_flags = n
    for latest in (
        FactCheck.objects.filter(article_id__in=article_ids)
        .order_by()
        .values_list("article_id")
        .annotate(last=Max("updated_at")),
        ArtifactFlag.objects.filter(article_id__in=article_ids, decided_at__isnull=False)
        .order_by()
        .values_list("article_id")
        .annotate(last=Max("decided_at")),
    ):
        for pk, last in latest:
            rows[pk].last_activity = max(rows[pk].last_activity, last)
    return list(rows.values())


def refresh(article_ids: Iterable[int]) -> int:
    """Recompute and store the counters of ``article_ids`` (missing articles are
    skipped). Returns how many rows were written. Call it inside the write's transaction."""
    ids = sorted(set(article_ids))
    written = 0
    for start in range(0, len(ids), CHUNK):
        counters = counts_of(ids[start : start + CHUNK])
        ArticleCounters.objects.bulk_create(
            counters,
            update_conflicts=True,
            unique_fields=["article"],
            update_fields=list(FIELDS),
        )
        written += len(counters)
    return written


def refresh_article(article_or_id) -> None:
    """``refresh`` of one article (an Article or its id)."""
    refresh([getattr(article_or_id, "pk", article_or_id)])


def recount_all(*, chunk: int = CHUNK) -> int:
    """Rebuild every article's counters (``manage.py recount``), ``chunk`` at a time,
    each chunk in its own transaction. Returns how many articles were recounted."""
    from django.db import transaction

    from newsroom.models import Article

    total = 0
    last = 0
    while True:
        ids = list(
            Article.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:chunk]
        )
        if not ids:
            return total
        with transaction.atomic():
            total += refresh(ids)
        last = ids[-1]
