"""The entry points: files, streams, uploads, pasted text and single records."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING

from newsroom.limits import configured as configured_limits
from newsroom.readers import (
    Analysis,
    Item,
    Record,
    RecordError,
    Skipped,
    format_for,
    read_paths,
    read_stream,
)
from newsroom.readers.checks import extension_refusal, length_refusal, nul_refusal

from .analyser import Analyser
from .planner import batches
from .results import ImportResult, ImportSummary, Status
from .writer import Writer

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)


def import_record(
    record: Record, *, user: User | None = None, dry_run: bool = False
) -> ImportResult:
    """Analyse and save one record in its own transaction; never raises for bad input.

    Returns IMPORTED with the new article, REVISED with the existing one when the record
    has its identity and a new text, DUPLICATE with the existing one (same content
    hash), VALID on a dry run (nothing written, receivers not called), or FAILED with a
    message when the text cannot be analysed or the save or a signal receiver raised (the
    article's rows are then rolled back).
    """
    return Writer(user=user, dry_run=dry_run).write([record])[0]


def import_items(
    items: Iterable[Item],
    *,
    user: User | None = None,
    dry_run: bool = False,
    progress: Callable[[ImportResult], None] | None = None,
    keep_results: bool = False,
    workers: int = 0,
) -> ImportSummary:
    """Import what a reader yields: records, read errors and skipped files.

    Records are saved in batches (one transaction each, a savepoint per article), so
    memory holds a few batches, never the whole input. With ``workers`` > 0 and more than
    one batch of input, that many processes analyse the next batches (the pure text core)
    while this one writes: at most ``2 * workers + 1`` batches are in flight. ``progress`` is
    called after every record with its result, in input order, once its batch is
    committed. ``keep_results`` keeps every result (and so every article) in the summary,
    for short imports such as uploads.
    """
    summary = ImportSummary(dry_run=dry_run, results=[] if keep_results else None)
    writer = Writer(user=user, dry_run=dry_run)
    with Analyser(workers, tz=writer.tz, limits=writer.limits) as analyser:
        for batch, records, analyses in analyser.run(batches(items)):
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
    writer: Writer, records: list[Record], analyses: list[Analysis | str] | None
) -> list[ImportResult]:
    """``writer.write``, or every record failed when it raises (its transaction is then
    rolled back whole): an unforeseen error costs one batch, never the rest of the input."""
    try:
        return writer.write(records, analyses)
    except Exception as exc:
        logger.info("batch of %d records failed", len(records), exc_info=True)
        message = f"not imported (batch rolled back: {type(exc).__name__}: {exc})"
        return [ImportResult(Status.FAILED, record.location, message=message) for record in records]


def import_paths(
    paths: Iterable[str | Path],
    *,
    user: User | None = None,
    dry_run: bool = False,
    format: str | None = None,
    progress: Callable[[ImportResult], None] | None = None,
    workers: int = 0,
) -> ImportSummary:
    """Import files and directories (recursive); see ``readers.read_paths``."""
    items = read_paths(paths, format=format, limits=configured_limits())
    return import_items(items, user=user, dry_run=dry_run, progress=progress, workers=workers)


def import_stream(
    stream: IO[bytes],
    *,
    origin: str,
    format: str,
    user: User | None = None,
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
        stream, origin=origin, format=format, limits=configured_limits(), source=source
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
    user: User | None = None,
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
            summary.skipped.append(Skipped(name, extension_refusal(name) or "unknown file type"))
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
    limits = configured_limits()
    origin = "pasted text"
    refusal = nul_refusal(text, "the text") or length_refusal(len(text), limits)
    if refusal is not None:
        raise RecordError(refusal, origin=origin, format="text")
    title = title.strip()
    return Record(
        origin=origin,
        format="text",
        text=text,
        title=title or None,
        title_in_text=not title,
        source=source.strip(),
    )
