"""Import articles: the one atomic, idempotent entry point.

The command line (``import_articles``), the upload page and tests all call these
functions. Records are saved in batches of ``BATCH_ARTICLES`` per transaction (one
duplicate query and one commit per batch). A batch of new articles is written at once,
in one savepoint: one ``bulk_create`` for its Article rows, one for their layout blocks,
one for their sentences, then ``articles_imported`` is sent once so that receivers
(suggested artifact flags) store the whole batch in bulk and commit or roll back with
it. If anything in that savepoint raises (a duplicate that raced in, a receiver refusing
an article, bad data), it is rolled back and the batch is saved again article by article,
each all-or-nothing in its own savepoint: a bad record is reported and skipped, every
good one is still imported. Single records (``import_record``, pasted text) take the
same path as a batch of one.

No input raises out of this module: what a record cannot pass (read, analysis, save)
becomes that record's FAILED result, and an unforeseen error while a batch is written
rolls that batch back and fails its records (``_write_batch``). So no article is ever
half-written and a bad record never stops the rest of its file. A file is not one
transaction: if the import is stopped, the committed batches stay and a re-run (being
idempotent) imports the rest.

Idempotency: ``Article.content_hash`` is ``readers.content_hash(title, text)``. A record
whose hash exists (as an article's current text or as one of its earlier revisions) is
reported as already imported, with the existing article; the unique constraint on the
column is the backstop when two imports race.

Revisions: ``Article.identity`` is the hash of ``identity.identity_key`` (the record's
external id, else its normalised url). A record with a known identity and a new text is
a new *revision* of that article (``_Writer._revise``, one savepoint per record): the old
text and offsets are kept as an ``ArticleRevision``, the article takes the new text with
new blocks and sentences, ``article_revised`` lets annotations move its work over, and
the old blocks and sentences are deleted. New articles keep the batch path above; the
identities cost one more query per batch.
"""

from __future__ import annotations

import enum
import itertools
import logging
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Model, Value
from django.utils import timezone

from newsroom.identity import identity_hash
from newsroom.models import Article, ArticleRevision, Block, Sentence, Source
from newsroom.readers import (
    Analysis,
    Item,
    Limits,
    Record,
    RecordError,
    Skipped,
    analyse_many,
    analysis_worker_init,
    content_hash,
    format_for,
    read_paths,
    read_stream,
)
from newsroom.signals import (
    RETIRED_POSITION,
    article_imported,
    article_revised,
    articles_imported,
)
from newsroom.text.artifacts import model as artifact_model

__all__ = [
    "ImportResult",
    "ImportSummary",
    "Status",
    "import_items",
    "import_paths",
    "import_record",
    "import_stream",
    "import_upload",
]

logger = logging.getLogger(__name__)

# Rows per INSERT statement for blocks and sentences (Django 6 sends a whole
# bulk_create as one statement unless told), and for articles (long texts).
BATCH_SIZE = 500
ARTICLE_BATCH_SIZE = 100
# Articles per transaction of a long import (each in its own savepoint), and a cap on
# the characters a batch holds in memory.
BATCH_ARTICLES = 100
BATCH_CHARS = 4_000_000


class Status(enum.StrEnum):
    IMPORTED = "imported"
    REVISED = "revised"  # a known article (same identity) with a new text
    DUPLICATE = "duplicate"
    VALID = "valid"  # dry run: would be imported
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What happened to one record: ``article`` is the new or the existing one."""

    status: Status
    location: str
    title: str = ""
    article: Article | None = None
    sentences: int = 0
    message: str = ""

    def __str__(self) -> str:
        if self.status == Status.FAILED:
            return _printable(f"{self.location}: {self.message}")
        return _printable(f"{self.location}: {self.status} {self.title!r}")


@dataclass(slots=True)
class ImportSummary:
    """Counts of one import run; failures and skipped files are kept with their location."""

    dry_run: bool = False
    imported: int = 0
    sentences: int = 0
    duplicates: int = 0
    revised: int = 0
    failures: list[ImportResult] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    # The articles imported or found as duplicates, kept only when asked (uploads).
    results: list[ImportResult] | None = None

    @property
    def failed(self) -> int:
        return len(self.failures)

    def add(self, result: ImportResult) -> None:
        if result.status in (Status.IMPORTED, Status.VALID):
            self.imported += 1
            self.sentences += result.sentences
        elif result.status == Status.REVISED:
            self.revised += 1
        elif result.status == Status.DUPLICATE:
            self.duplicates += 1
        else:
            self.failures.append(result)
        if self.results is not None:
            self.results.append(result)

    def __str__(self) -> str:
        verb = "Would import" if self.dry_run else "Imported"
        parts = [
            f"{verb} {self.imported} article{'s' * (self.imported != 1)} "
            f"({self.sentences} sentences)",
            *([f"{self.revised} revised (text changed)"] if self.revised else []),
            f"{self.duplicates} already imported",
            f"{self.failed} failed",
        ]
        if self.skipped:
            parts.append(f"{len(self.skipped)} file{'s' * (len(self.skipped) != 1)} skipped")
        return ", ".join(parts) + "."


def import_record(
    record: Record, *, user: AbstractBaseUser | None = None, dry_run: bool = False
) -> ImportResult:
    """Analyse and save one record in its own transaction; never raises for bad input.

    Returns IMPORTED with the new article, REVISED with the existing one when the record
    has its identity and a new text, DUPLICATE with the existing one (same content
    hash), VALID on a dry run (nothing written, receivers not called), or FAILED with a
    message when the text cannot be analysed or the save or a signal receiver raised (the
    article's rows are then rolled back).
    """
    return _Writer(user=user, dry_run=dry_run).write([record])[0]


type _Pending = tuple[int, Record, Analysis, str]  # index in the batch, record, analysis, hash


class _Writer:
    """Saves records batch by batch: one transaction per batch, a savepoint per article.

    A batch costs one duplicate query and one commit instead of one of each per article;
    the savepoint keeps every article's rows (and its receivers' rows) all-or-nothing, so
    a failing article is rolled back alone and the rest of its batch is still saved.
    Sources are looked up once per run.
    """

    def __init__(self, *, user: AbstractBaseUser | None, dry_run: bool) -> None:
        self.user = user
        self.dry_run = dry_run
        self.tz = settings.TIME_ZONE
        self.limits = Limits.from_settings()
        self.sources: dict[str, Source] = {}

    def write(
        self, records: list[Record], analyses: list[Analysis | str] | None = None
    ) -> list[ImportResult]:
        """Save ``records``; ``analyses`` are theirs when already computed elsewhere."""
        if analyses is None:
            analyses = analyse_many(records, tz=self.tz, limits=self.limits)
        results: list[ImportResult | None] = [None] * len(records)
        pending: list[_Pending] = []
        for i, (record, analysis) in enumerate(zip(records, analyses, strict=True)):
            if isinstance(analysis, str):
                results[i] = ImportResult(Status.FAILED, record.location, message=analysis)
                continue
            pending.append((i, record, analysis, content_hash(analysis.title, record.text)))
        identities = {i: _identity(record) for i, record, *_ in pending}
        existing, known = (
            _lookup([digest for *_, digest in pending], [key for key in identities.values() if key])
            if pending
            else ({}, {})
        )
        with nullcontext() if self.dry_run else transaction.atomic():
            to_save: list[_Pending] = []
            copies: list[_Pending] = []  # same content as an earlier record of the batch
            revisions: list[_Pending] = []  # a known identity with another text
            claimed: set[str] = set()
            claimed_ids: set[str] = set()
            for item in pending:
                i, record, analysis, digest = item
                identity = identities[i]
                found = existing.get(digest)
                if found is not None:
                    results[i] = ImportResult(
                        Status.DUPLICATE, record.location, analysis.title, found
                    )
                elif self.dry_run and identity in known:
                    results[i] = ImportResult(
                        Status.REVISED,
                        record.location,
                        analysis.title,
                        known[identity],
                        len(analysis.sentences),
                        message="would be a new revision",
                    )
                elif self.dry_run:
                    results[i] = ImportResult(
                        Status.VALID,
                        record.location,
                        analysis.title,
                        sentences=len(analysis.sentences),
                    )
                elif digest in claimed:
                    copies.append(item)
                elif identity and (identity in known or identity in claimed_ids):
                    revisions.append(item)
                else:
                    claimed.add(digest)
                    if identity:
                        claimed_ids.add(identity)
                    to_save.append(item)
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
                target = known.get(identities[i])
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
                    known[identities[i]] = result.article
        return results  # type: ignore[return-value]

    def _save_all(self, items: list[_Pending]) -> list[ImportResult]:
        """Save new articles: the whole batch at once, or one by one if that fails.

        The fast path writes every article, block and sentence of the batch with one
        ``bulk_create`` each and sends ``articles_imported`` once, all in one savepoint.
        If anything raises (a duplicate that raced in, a receiver refusing an article,
        bad data), that savepoint is rolled back and the batch is saved again article by
        article, each in its own savepoint, so that only the bad article fails. Receivers
        of the per-article ``article_imported`` signal get the one-by-one path directly.
        """
        if len(items) > 1 and not article_imported.has_listeners(Article):
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
            existing = _existing([digest]).get(digest)
            if existing is not None:
                return ImportResult(Status.DUPLICATE, location, title, existing)
            # ... or an article with the same identity: this text is its new revision.
            identity = _identity(record)
            known = _lookup([], [identity])[1].get(identity) if identity else None
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

    def _insert(self, items: list[_Pending]) -> tuple[list[Article], list[Source]]:
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
                        identity=_identity(record),
                        external_id=record.external_id,
                        imported_by=self.user,
                        origin_name=_clip(_printable(record.origin), 500),
                        origin_format=record.format,
                        origin_index=record.index,
                    )
                )
            Article.objects.bulk_create(articles, batch_size=ARTICLE_BATCH_SIZE)
        finally:
            for source in new_sources:  # cached only once the savepoint is kept
                del self.sources[source.name]
        _insert_layout(articles, [analysis for _, _, analysis, _ in items])
        pairs = [
            (article, analysis.findings)
            for article, (_, _, analysis, _) in zip(articles, items, strict=True)
        ]
        if article_imported.has_listeners(Article):
            for article, findings in pairs:
                article_imported.send(sender=Article, article=article, findings=findings)
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
                article.origin_name = _clip(_printable(record.origin), 500)
                article.origin_format = record.format
                article.origin_index = record.index
                article.save()
                _insert_layout([article], [analysis])
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


def _retire(article: Article, *, user: AbstractBaseUser | None) -> ArticleRevision:
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
        imported_at=article.imported_at if first else article.revised_at,
        imported_by_id=article.imported_by_id if first else article.revised_by_id,
        origin_name=article.origin_name,
        superseded_by=user,
    )
    Sentence.objects.filter(article=article).update(position=F("position") + RETIRED_POSITION)
    Block.objects.filter(article=article).update(position=F("position") + RETIRED_POSITION)
    return previous


def _insert_layout(articles: list[Article], analyses: list[Analysis]) -> None:
    """Insert the blocks and sentences of saved ``articles`` (one analysis each).

    Plain rows: model instances and Django's per-value preparation cost ~10 times the
    database's own time on these small rows.
    """
    block_rows: list[tuple[int, int, str, int, int]] = []
    block_start: list[int] = []
    for article, analysis in zip(articles, analyses, strict=True):
        if article.pk is None:  # every supported database returns the new ids
            raise IntegrityError("the database did not return the new article ids")
        block_start.append(len(block_rows))
        block_rows.extend(
            (article.pk, position, str(block.role), block.start, block.end)
            for position, block in enumerate(analysis.layout.blocks)
        )
    block_ids = _insert_rows(Block, _BLOCK_FIELDS, block_rows, returning=True)
    sentence_rows: list[tuple[int, int, int, int, int]] = []
    for article, first, analysis in zip(articles, block_start, analyses, strict=True):
        sentence_rows.extend(
            (article.pk, block_ids[first + span.block], position, span.start, span.end)
            for position, span in enumerate(analysis.sentences)
        )
    _insert_rows(Sentence, _SENTENCE_FIELDS, sentence_rows)


def _batches(items: Iterable[Item]) -> Iterator[list[Item]]:
    """Consecutive items, cut after BATCH_ARTICLES records or BATCH_CHARS characters."""
    batch: list[Item] = []
    records = chars = 0
    for item in items:
        batch.append(item)
        if isinstance(item, Record):
            records += 1
            chars += len(item.text)
            if records >= BATCH_ARTICLES or chars >= BATCH_CHARS:
                yield batch
                batch, records, chars = [], 0, 0
    if batch:
        yield batch


def import_items(
    items: Iterable[Item],
    *,
    user: AbstractBaseUser | None = None,
    dry_run: bool = False,
    progress: Callable[[ImportResult], None] | None = None,
    keep_results: bool = False,
    workers: int = 0,
) -> ImportSummary:
    """Import what a reader yields: records, read errors and skipped files.

    Records are saved in batches (one transaction each, a savepoint per article), so
    memory holds a few batches, never the whole input. With ``workers`` > 0 and more than
    one batch of input, that many processes analyse the next batches (the pure text core)
    while this one writes: at most ``workers + 1`` batches are in flight. ``progress`` is
    called after every record with its result, in input order, once its batch is
    committed. ``keep_results`` keeps every result (and so every article) in the summary,
    for short imports such as uploads.
    """
    summary = ImportSummary(dry_run=dry_run, results=[] if keep_results else None)
    writer = _Writer(user=user, dry_run=dry_run)
    with _Analyser(workers, tz=writer.tz, limits=writer.limits) as analyser:
        for batch, records, analyses in analyser.run(_batches(items)):
            saved = iter(_write_batch(writer, records, analyses))
            for item in batch:
                if isinstance(item, Skipped):
                    summary.skipped.append(item)
                    continue
                if isinstance(item, RecordError):
                    result = ImportResult(Status.FAILED, item.location, message=item.message)
                else:
                    result = next(saved)
                summary.add(result)
                if progress is not None:
                    progress(result)
    return summary


def _write_batch(
    writer: _Writer, records: list[Record], analyses: list[Analysis | str] | None
) -> list[ImportResult]:
    """``writer.write``, or every record failed when it raises (its transaction is then
    rolled back whole): an unforeseen error costs one batch, never the rest of the input."""
    try:
        return writer.write(records, analyses)
    except Exception as exc:
        logger.info("batch of %d records failed", len(records), exc_info=True)
        message = f"not imported (batch rolled back: {type(exc).__name__}: {exc})"
        return [ImportResult(Status.FAILED, record.location, message=message) for record in records]


class _Analyser:
    """Batches with their records' analyses, computed ahead in worker processes.

    The pool starts only when a second batch arrives, so short imports (uploads, one
    file) never start a process. Workers are spawned, not forked: they import the pure
    text core only, never this process's database connection. They end with this
    process however it ends (``readers.analysis_worker_init``), and if the pool breaks
    (a worker killed), the remaining batches are analysed here instead.
    """

    def __init__(self, workers: int, *, tz: str, limits: Limits) -> None:
        self.workers = workers
        self.tz = tz
        self.limits = limits
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> _Analyser:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def run(
        self, batches: Iterable[list[Item]]
    ) -> Iterator[tuple[list[Item], list[Record], list[Analysis | str] | None]]:
        """Each batch, its records and their analyses (``None``: analyse them here)."""
        batches = iter(batches)
        first = next(batches, None)
        if first is None:
            return
        second = next(batches, None)
        if second is None or self.workers <= 0:
            for batch in itertools.chain([first], [second] if second else [], batches):
                yield batch, _records(batch), None
            return
        self.pool = pool = ProcessPoolExecutor(
            self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=analysis_worker_init,
            # Spawned workers start afresh: they detect with the model this process uses.
            initargs=(artifact_model.configured_path(),),
        )
        ahead: deque[tuple[list[Item], list[Record], Future[list[Analysis | str]] | None]]
        ahead = deque()

        failed: list[Exception] = []  # the pool's first failure, once it has one

        def fail_over(exc: Exception) -> None:
            if not failed:
                logger.warning("analysis worker failed (%s); analysing the rest here", exc)
                logger.info("analysis worker failure", exc_info=exc)
                failed.append(exc)

        def submit(batch: list[Item]) -> None:
            records = _records(batch)
            future = None
            if not failed:
                try:
                    future = pool.submit(analyse_many, records, self.tz, self.limits)
                except BrokenProcessPool as exc:
                    fail_over(exc)
            ahead.append((batch, records, future))

        def result(future: Future[list[Analysis | str]] | None) -> list[Analysis | str] | None:
            if future is None:
                return None  # analysed here
            try:
                return future.result()
            except Exception as exc:  # a worker died (BrokenProcessPool), a result did not pickle
                fail_over(exc)
                return None

        submit(second)
        yield first, _records(first), None  # analysed here while the workers start
        for batch in batches:
            submit(batch)
            if len(ahead) > self.workers:
                done, records, future = ahead.popleft()
                yield done, records, result(future)
        while ahead:
            done, records, future = ahead.popleft()
            yield done, records, result(future)


def _records(batch: list[Item]) -> list[Record]:
    return [item for item in batch if isinstance(item, Record)]


def import_paths(
    paths: Iterable[str | Path],
    *,
    user: AbstractBaseUser | None = None,
    dry_run: bool = False,
    format: str | None = None,
    progress: Callable[[ImportResult], None] | None = None,
    workers: int = 0,
) -> ImportSummary:
    """Import files and directories (recursive); see ``readers.read_paths``."""
    items = read_paths(paths, format=format, limits=Limits.from_settings())
    return import_items(items, user=user, dry_run=dry_run, progress=progress, workers=workers)


def import_stream(
    stream: IO[bytes],
    *,
    origin: str,
    format: str,
    user: AbstractBaseUser | None = None,
    dry_run: bool = False,
    progress: Callable[[ImportResult], None] | None = None,
    keep_results: bool = False,
    workers: int = 0,
    source: str = "",
) -> ImportSummary:
    """Import one binary stream (standard input, an uploaded file) of the given format.

    ``source`` names the source of a plain-text stream (``readers.read_stream``).
    """
    items = read_stream(
        stream, origin=origin, format=format, limits=Limits.from_settings(), source=source
    )
    return import_items(
        items,
        user=user,
        dry_run=dry_run,
        progress=progress,
        keep_results=keep_results,
        workers=workers,
    )


def import_upload(
    *,
    files: Iterable[IO[bytes]] = (),
    text: str = "",
    title: str = "",
    source: str = "",
    user: AbstractBaseUser | None = None,
    dry_run: bool = False,
) -> list[tuple[str, ImportSummary]]:
    """Import uploaded files (format from each name's extension) and/or pasted text.

    Pasted text is the plain-text layout; with ``title`` it is taken as the body only.
    ``source`` is the source of the pasted text and of the ``.txt`` files. Returns one
    ``(name, summary)`` per file, then one for the pasted text, with results kept so that
    the page can link every article.
    """
    reports: list[tuple[str, ImportSummary]] = []
    for upload in files:
        name = Path(getattr(upload, "name", "") or "upload").name
        format = format_for(name)
        if format is None:
            summary = ImportSummary(dry_run=dry_run, results=[])
            summary.skipped.append(Skipped(name, "unknown file extension"))
        else:
            summary = import_stream(
                upload,
                origin=name,
                format=format,
                user=user,
                dry_run=dry_run,
                keep_results=True,
                source=source,
            )
        reports.append((name, summary))
    if text.strip():
        record: Record | RecordError
        try:
            record = _pasted_record(text, title=title, source=source)
        except RecordError as error:
            record = error
        summary = import_items([record], user=user, dry_run=dry_run, keep_results=True)
        reports.append(("pasted text", summary))
    return reports


def _pasted_record(text: str, *, title: str, source: str) -> Record:
    limits = Limits.from_settings()
    origin = "pasted text"
    if "\x00" in text:
        raise RecordError("NUL character in the text", origin=origin, format="text")
    if len(text) > limits.max_article_chars:
        raise RecordError(
            f"article is {len(text)} characters, over the limit of "
            f"{limits.max_article_chars} (NEWSROOM_MAX_ARTICLE_CHARS)",
            origin=origin,
            format="text",
        )
    title = title.strip()
    return Record(
        origin=origin,
        format="text",
        text=text,
        title=title or None,
        title_in_text=not title,
        source=source.strip(),
    )


_BLOCK_FIELDS = ("article", "position", "role", "start", "end")
_SENTENCE_FIELDS = ("article", "block", "position", "start", "end")


def _insert_rows(
    model: type[Model], fields: tuple[str, ...], rows: list[tuple], *, returning: bool = False
) -> list[int]:
    """Insert ``rows`` (database-ready values in ``fields`` order), BATCH_SIZE per INSERT.

    For the importer's own rows only (integers and choice strings, no defaults, no model
    hooks): what ``bulk_create`` would send, without a model instance and a prepared
    value per field. With ``returning``, the new primary keys in the order of ``rows``.
    """
    qn = connection.ops.quote_name
    meta = model._meta
    columns = ", ".join(qn(meta.get_field(name).column) for name in fields)
    one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # Table and column names from the model, quoted; every value is a parameter.
    head = f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES "  # noqa: S608
    tail = f" RETURNING {qn(meta.pk.column)}" if returning else ""
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_SIZE):
            chunk = rows[start : start + BATCH_SIZE]
            params = [value for row in chunk for value in row]
            cursor.execute(head + ", ".join([one_row] * len(chunk)) + tail, params)
            if returning:
                # Keys are assigned in VALUES order; RETURNING's own order is not
                # promised (SQLite documents it as arbitrary), so sort them.
                ids.extend(sorted(key for (key,) in cursor.fetchall()))
    if returning and len(ids) != len(rows):
        raise IntegrityError(f"{meta.db_table}: {len(ids)} keys returned for {len(rows)} rows")
    return ids


def _existing(digests: list[str]) -> dict[str, Article]:
    """The already imported articles among ``digests``, by content hash."""
    return _lookup(digests, [])[0]


def _lookup(
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


def _identity(record: Record) -> str | None:
    return identity_hash(url=record.url, external_id=record.external_id, source=record.source)


def _printable(value: str) -> str:
    """``value`` with lone surrogates (from undecodable file names) escaped, so that it
    can be printed, rendered and stored as UTF-8."""
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def _clip(value: str, limit: int) -> str:
    """Keep the end of a long path: the file name is the useful part."""
    return value if len(value) <= limit else "…" + value[-(limit - 1) :]
