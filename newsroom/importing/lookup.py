"""Which articles a batch's records are already in: by content hash and by identity."""

from __future__ import annotations

from django.db.models import F, Value

from newsroom.identity import identity_hash
from newsroom.models import Article, ArticleRevision
from newsroom.readers import Record


def existing(digests: list[str]) -> dict[str, Article]:
    """The already imported articles among ``digests``, by content hash."""
    return lookup(digests, [])[0]


def lookup(
    digests: list[str], identities: list[str]
) -> tuple[dict[str, Article], dict[str, Article]]:
    """The articles a batch's records are already in, in one query (and one more to load
    them only when there are any): by content hash, as an article's current text or an
    earlier revision's, and by identity."""
    parts = [
        Article.objects.filter(content_hash__in=digests)
        .annotate(tag=Value("c"), key=F("content_hash"))
        .values_list("tag", "key", "id")
        .order_by(),
        ArticleRevision.objects.filter(content_hash__in=digests)
        .annotate(tag=Value("r"), key=F("content_hash"))
        .values_list("tag", "key", "article_id")
        .order_by(),
    ]
    if identities:
        parts.append(
            Article.objects.filter(identity__in=identities)
            .annotate(tag=Value("i"), key=F("identity"))
            .values_list("tag", "key", "id")
            .order_by()
        )
    # Sorted here: "c" (current text) before "r" (an earlier revision) for the same hash.
    rows = sorted(parts[0].union(*parts[1:], all=True).order_by())
    if not rows:
        return {}, {}
    articles = Article.objects.defer("raw_text").in_bulk({pk for *_, pk in rows})
    existing: dict[str, Article] = {}
    known: dict[str, Article] = {}
    for tag, key, pk in rows:
        (known if tag == "i" else existing).setdefault(key, articles[pk])
    return existing, known


def identity(record: Record) -> str | None:
    return identity_hash(url=record.url, external_id=record.external_id, source=record.source)
