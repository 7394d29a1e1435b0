"""The writer: one transaction per batch, a savepoint per article, revisions in place."""

from __future__ import annotations

import logging
from contextlib import nullcontext
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from newsroom.limits import configured as configured_limits
from newsroom.models import Article, ArticleRevision, Block, Sentence, Source
from newsroom.readers import Analysis, Record, analyse_many, content_hash
from newsroom.signals import RETIRED_POSITION, article_revised, articles_imported

from . import lookup
from .planner import Pending, plan_batch
from .results import ImportResult, Status, printable
from .rows import ARTICLE_BATCH_SIZE, insert_layout

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)


class Writer:
    """Saves records batch by batch: one transaction per batch, a savepoint per article.

    A batch costs one duplicate query and one commit instead of one of each per article;
    the savepoint keeps every article's rows (and its receivers' rows) all-or-nothing, so
    a failing article is rolled back alone and the rest of its batch is still saved.
    Sources are looked up once per run.
    """

    def __init__(self, *, user: User | None, dry_run: bool) -> None:
        self.user = user
        self.dry_run = dry_run
        self.tz = settings.TIME_ZONE
        self.limits = configured_limits()
        self.sources: dict[str, Source] = {}

    def write(
        self, records: list[Record], analyses: list[Analysis | str] | None = None
    ) -> list[ImportResult]:
        """Save ``records``; ``analyses`` are theirs when already computed elsewhere."""
        if analyses is None:
            analyses = analyse_many(records, tz=self.tz, limits=self.limits)
        results: list[ImportResult | None] = [None] * len(records)
        pending: list[Pending] = []
        for i, (record, analysis) in enumerate(zip(records, analyses, strict=True)):
            if isinstance(analysis, str):
                results[i] = ImportResult(Status.FAILED, record.location, message=analysis)
                continue
            pending.append((i, record, analysis, content_hash(analysis.title, record.text)))
        identities = {i: lookup.identity(record) for i, record, *_ in pending}
        digests = [digest for *_, digest in pending]
        keys = [key for key in identities.values() if key]
        existing, known = lookup.lookup(digests, keys) if pending else ({}, {})
        with nullcontext() if self.dry_run else transaction.atomic():
            plan = plan_batch(pending, identities, existing, known, dry_run=self.dry_run)
            for i, result in plan.results.items():
                results[i] = result
            to_save, copies, revisions = plan.to_save, plan.copies, plan.revisions
            for (i, *_), result in zip(to_save, self._save_all(to_save), strict=True):
                results[i] = result
                if result.article is not None:
                    existing[result.article.content_hash] = result.article
                    if result.article.identity:
                        known[result.article.identity] = result.article
            for i, record, analysis, digest in copies:
                found = existing.get(digest)
                if found is not None:
                    results[i] = ImportResult(
                        Status.DUPLICATE, record.location, analysis.title, found
                    )
                else:  # its first copy failed: this one gets its own try, as before
                    results[i] = result = self._save(record, analysis, digest)
                    if result.article is not None:
                        existing[digest] = result.article
            for i, record, analysis, digest in revisions:  # in input order, one by one
                found = existing.get(digest)
                target = known.get(identities[i])  # type: ignore[arg-type]  # a revision has one
                if found is not None:  # an earlier record of the batch had this text
                    results[i] = ImportResult(
                        Status.DUPLICATE, record.location, analysis.title, found
                    )
                    continue
                if target is None:  # the record that was to create it failed
                    result = self._save(record, analysis, digest)
                else:
                    result = self._revise(record, analysis, digest, target.pk)
                results[i] = result
                if result.article is not None:
                    existing[digest] = result.article
                    known[identities[i]] = result.article  # type: ignore[index]
        return results  # type: ignore[return-value]

    def _save_all(self, items: list[Pending]) -> list[ImportResult]:
        """Save new articles: the whole batch at once, or one by one if that fails.

        The fast path writes every article, block and sentence of the batch with one
        ``bulk_create`` each and sends ``articles_imported`` once, all in one savepoint.
        If anything raises (a duplicate that raced in, a receiver refusing an article,
        bad data), that savepoint is rolled back and the batch is saved again article by
        article, each in its own savepoint, so that only the bad article fails.
        """
        if len(items) > 1:
            try:
                with transaction.atomic():
                    saved, new_sources = self._insert(items)
            except Exception:
                logger.info("batch of %d articles rolled back, saving them one by one", len(items))
            else:
                self._cache(new_sources)
                return [
                    ImportResult(
                        Status.IMPORTED,
                        record.location,
                        analysis.title,
                        article,
                        len(analysis.sentences),
                    )
                    for (_, record, analysis, _), article in zip(items, saved, strict=True)
                ]
        return [self._save(record, analysis, digest) for _, record, analysis, digest in items]

    def _save(self, record: Record, analysis: Analysis, digest: str) -> ImportResult:
        """Save one article in its own savepoint; never raises."""
        location, title = record.location, analysis.title
        try:
            with transaction.atomic():
                [article], new_sources = self._insert([(0, record, analysis, digest)])
        except IntegrityError:
            # Another import saved the same content between our check and our insert.
            existing = lookup.existing([digest]).get(digest)
            if existing is not None:
                return ImportResult(Status.DUPLICATE, location, title, existing)
            # ... or an article with the same identity: this text is its new revision.
            identity = lookup.identity(record)
            known = lookup.lookup([], [identity])[1].get(identity) if identity else None
            if known is not None:
                return self._revise(record, analysis, digest, known.pk)
            logger.info("import of %s failed", location, exc_info=True)
            return ImportResult(Status.FAILED, location, title, message="database integrity error")
        except Exception as exc:
            # A receiver or the database refused this article: it is rolled back, others go
            # on. Its message says why; the traceback is logged at INFO (DJANGO_LOG_LEVEL).
            logger.info("import of %s failed", location, exc_info=True)
            return ImportResult(
                Status.FAILED,
                location,
                title,
                message=f"not imported ({type(exc).__name__}: {exc})",
            )
        self._cache(new_sources)
        return ImportResult(Status.IMPORTED, location, title, article, len(analysis.sentences))

    def _insert(self, items: list[Pending]) -> tuple[list[Article], list[Source]]:
        """Write the articles of ``items`` with their blocks and sentences, send the signals.

        Runs inside the caller's savepoint and raises on any failure. Returns the saved
        articles and the sources created on the way (cached once the savepoint is kept).
        """
        new_sources: list[Source] = []
        articles: list[Article] = []
        try:
            for _, record, analysis, digest in items:
                source, new_source = self._source(record)
                if new_source is not None:
                    new_sources.append(new_source)
                    self.sources[new_source.name] = new_source  # for the rest of this batch
                articles.append(
                    Article(
                        title=analysis.title,
                        url=record.url,
                        source=source,
                        published=analysis.published,
                        byline=record.byline,
                        raw_text=record.text,
                        title_in_text=record.title_in_text,
                        content_hash=digest,
                        identity=lookup.identity(record),
                        external_id=record.external_id,
                        imported_by=self.user,
                        origin_name=_clip(printable(record.origin), 500),
                        origin_format=record.format,
                        origin_index=record.index,
                    )
                )
            Article.objects.bulk_create(articles, batch_size=ARTICLE_BATCH_SIZE)
        finally:
            for source in new_sources:  # cached only once the savepoint is kept
                del self.sources[source.name]
        insert_layout(articles, [analysis for _, _, analysis, _ in items])
        pairs = [
            (article, analysis.findings)
            for article, (_, _, analysis, _) in zip(articles, items, strict=True)
        ]
        articles_imported.send(sender=Article, items=pairs)
        return articles, new_sources

    def _revise(
        self, record: Record, analysis: Analysis, digest: str, article_pk: int
    ) -> ImportResult:
        """Make ``record`` the new revision of the article ``article_pk``; never raises.

        One savepoint: the old text and offsets become an ``ArticleRevision``, the
        article takes the record's text, title and metadata with new blocks and
        sentences, ``article_revised`` is sent (annotations move their work over), then
        the old blocks and sentences are deleted. Anything raising rolls it all back and
        fails the record; the article keeps its text.
        """
        location, title = record.location, analysis.title
        try:
            with transaction.atomic():
                article = Article.objects.select_for_update().get(pk=article_pk)
                if article.content_hash == digest:  # another import made it meanwhile
                    return ImportResult(Status.DUPLICATE, location, title, article)
                source, new_source = self._source(record)
                previous = _retire(article, user=self.user)
                article.title = analysis.title
                article.url = record.url or article.url
                article.source = source or article.source
                article.published = analysis.published or article.published
                article.byline = record.byline or article.byline
                article.external_id = record.external_id or article.external_id
                article.raw_text = record.text
                article.title_in_text = record.title_in_text
                article.content_hash = digest
                article.revision += 1
                article.revised_at = timezone.now()
                article.revised_by = self.user
                article.origin_name = _clip(printable(record.origin), 500)
                article.origin_format = record.format
                article.origin_index = record.index
                article.save()
                insert_layout([article], [analysis])
                article_revised.send(
                    sender=Article,
                    article=article,
                    previous=previous,
                    findings=analysis.findings,
                    user=self.user,
                )
                # What still points to the old rows (nothing, with annotations' receiver)
                # goes with them.
                Block.objects.filter(article=article, position__gte=RETIRED_POSITION).delete()
        except Exception as exc:
            logger.info("revision of %s failed", location, exc_info=True)
            return ImportResult(
                Status.FAILED,
                location,
                title,
                message=f"new revision not saved ({type(exc).__name__}: {exc})",
            )
        if new_source is not None:
            self._cache([new_source])
        return ImportResult(
            Status.REVISED,
            location,
            title,
            article,
            len(analysis.sentences),
            message=f"revision {article.revision}",
        )

    def _cache(self, sources: list[Source]) -> None:
        for source in sources:
            self.sources[source.name] = source

    def _source(self, record: Record) -> tuple[Source | None, Source | None]:
        """The record's source and, when it was looked up (not cached), the same again."""
        domain = urlsplit(record.url).hostname or "" if record.url else ""
        domain = domain.removeprefix("www.")
        name = record.source or domain
        if not name:
            return None, None
        if (source := self.sources.get(name)) is not None:
            return source, None
        source, _ = Source.objects.get_or_create(name=name, defaults={"domain": domain})
        return source, source


def _retire(article: Article, *, user: User | None) -> ArticleRevision:
    """Keep ``article``'s current text and offsets as an ArticleRevision and move its
    blocks and sentences out of the way (positions + RETIRED_POSITION)."""
    blocks = list(article.blocks.order_by("position").values_list("id", "role", "start", "end"))
    position_of = {block_id: position for position, (block_id, *_) in enumerate(blocks)}
    sentences = article.sentences.order_by("position").values_list("id", "block_id", "start", "end")
    first = article.revision == 1
    previous = ArticleRevision.objects.create(
        article=article,
        number=article.revision,
        title=article.title,
        url=article.url,
        published=article.published,
        byline=article.byline,
        raw_text=article.raw_text,
        title_in_text=article.title_in_text,
        content_hash=article.content_hash,
        blocks=[[role, start, end] for _, role, start, end in blocks],
        sentences=[[start, end, position_of[block], pk] for pk, block, start, end in sentences],
        imported_at=article.imported_at if first else article.revised_at,  # type: ignore[misc]
        imported_by_id=article.imported_by_id if first else article.revised_by_id,
        origin_name=article.origin_name,
        superseded_by=user,
    )
    Sentence.objects.filter(article=article).update(position=F("position") + RETIRED_POSITION)
    Block.objects.filter(article=article).update(position=F("position") + RETIRED_POSITION)
    return previous


def _clip(value: str, limit: int) -> str:
    """Keep the end of a long path: the file name is the useful part."""
    return value if len(value) <= limit else "…" + value[-(limit - 1) :]
