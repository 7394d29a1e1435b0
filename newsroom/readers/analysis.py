"""A record through the text core (``newsroom.text.pipeline``): what is saved and shown.

Every record passes here, whatever read it; nothing imports a model or opens a connection.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import re
import signal
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from newsroom.text import artifacts, pipeline
from newsroom.text.artifacts import model as artifact_model
from newsroom.text.spans import Finding, Layout, SentenceSpan

from .checks import nul_refusal
from .records import (
    FALLBACK_TITLE_CHARS,
    FALLBACK_TITLE_WORDS,
    MAX_TITLE_CHARS,
    Limits,
    Record,
    RecordError,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Analysis:
    """A record run through the text core: what the importer saves and ``analyze`` prints.

    ``published`` is aware (naive record or dateline times are taken in the configured
    time zone). All offsets are into ``text``, which is ``record.text`` unchanged.
    """

    record: Record
    title: str
    published: datetime | None
    layout: Layout
    sentences: list[SentenceSpan]
    findings: list[Finding]

    @property
    def text(self) -> str:
        return self.record.text

    def as_json(self) -> dict[str, Any]:
        """The ``analyze --json`` object of this article."""
        return {
            "source": self.record.origin,
            "index": self.record.index,
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "text": self.text,
            "blocks": [
                {"role": str(block.role), "start": block.start, "end": block.end}
                for block in self.layout.blocks
            ],
            "sentences": [
                {"start": s.start, "end": s.end, "block": s.block} for s in self.sentences
            ],
            "artifacts": [
                {"kind": f.kind, "start": f.start, "end": f.end, "reason": f.reason}
                for f in self.findings
            ],
        }


def analyse(
    record: Record,
    *,
    tz: tzinfo | str = "UTC",
    limits: Limits | None = None,
    detect: bool = True,
) -> Analysis:
    """Parse, segment and scan one record; the one parse step of import and analyze.

    The title is the record's, else the layout's title line, else the first words of the
    text. ``published`` is the record's, else the dateline's; naive values are made aware
    in ``tz``. Every record passes here, whatever read it, so this is where a record is
    refused, with a ``RecordError``, when it cannot be stored or shown safely: a NUL or a
    lone surrogate in any of its strings, no block to import, more blocks or sentences
    than ``limits`` allow, or a record date outside ``limits.published_range()``. A
    dateline in the text outside that range is not the user's field: it is ignored
    (``published`` stays unset) rather than refusing the article. ``limits`` defaults to
    ``Limits()``; the importer passes ``newsroom.limits.configured()``.
    """
    limits = limits or Limits()
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    text = record.text
    _refuse_unstorable(record)
    lowest, highest = limits.published_range()
    published = _aware(record.published, zone)
    if published is not None and not _within(published, lowest, highest):
        raise _refusal(
            record,
            f"published {record.published.isoformat()} is outside "  # type: ignore[union-attr]
            f"{lowest.date()}..{highest.date()} "
            "(NEWSROOM_MIN_PUBLISHED_YEAR / NEWSROOM_MAX_PUBLISHED_YEARS_AHEAD)",
        )
    try:
        scanned = pipeline.scan(
            text,
            title_in_text=record.title_in_text,
            max_blocks=limits.max_blocks,
            max_sentences=limits.max_sentences,
            detect=detect,
        )
    except pipeline.TooLarge as error:
        raise _refusal(record, _TOO_LARGE[error.what].format(error=error)) from None
    parsed = scanned.layout
    if not parsed.blocks:
        raise _refusal(record, "missing text: nothing but whitespace")
    title = record.title or parsed.title or _fallback_title(parsed.blocks[0].text_in(text))
    if published is None:
        published = _aware(parsed.published, zone)
        if published is not None and not _within(published, lowest, highest):
            published = None
    return Analysis(
        record, title[:MAX_TITLE_CHARS], published, parsed, scanned.sentences, scanned.findings
    )


_TOO_LARGE = {
    "blocks": "article has {error.count} blocks (paragraphs, captions, ...), over the limit of "
    "{error.limit} (NEWSROOM_MAX_BLOCKS_PER_ARTICLE)",
    "sentences": "article has {error.count} sentences, over the limit of {error.limit} "
    "(NEWSROOM_MAX_SENTENCES_PER_ARTICLE)",
}


def analyse_many(
    records: list[Record], tz: str = "UTC", limits: Limits | None = None
) -> list[Analysis | str]:
    """``analyse`` each record; the error message in place of a record that has none.

    Messages rather than ``RecordError`` objects, so that the result pickles: the
    importer runs this in a worker process while it writes the previous batch. Anything
    else that analysing a record raises becomes that record's message too.
    """
    results: list[Analysis | str] = []
    for record in records:
        try:
            results.append(analyse(record, tz=tz, limits=limits, detect=False))
        except RecordError as error:
            results.append(error.message)
        except Exception as exc:
            logger.info("analysing %s failed", record.location, exc_info=True)
            results.append(f"cannot be analysed ({type(exc).__name__}: {exc})")
    # The artifacts of the whole batch in one call: the learned layer's fixed cost per
    # call is paid once per batch (the same findings as one ``detect`` per record).
    done = [(i, a) for i, a in enumerate(results) if isinstance(a, Analysis)]
    found: Sequence[Sequence[Finding] | str]
    try:
        found = artifacts.detect_many([(a.text, a.layout) for _, a in done])
    except Exception:  # one bad text must not fail the batch: detect one by one
        logger.info("detecting a batch failed; detecting record by record", exc_info=True)
        by_record: list[Sequence[Finding] | str] = []
        for _, a in done:
            try:
                by_record.append(artifacts.detect(a.text, a.layout))
            except Exception as exc:
                by_record.append(f"cannot be analysed ({type(exc).__name__}: {exc})")
        found = by_record
    for (i, analysis), findings in zip(done, found, strict=True):
        results[i] = (
            findings if isinstance(findings, str) else replace(analysis, findings=list(findings))
        )
    return results


def analysis_worker_init(model_path: str | None = None) -> None:
    """Set up a process of the importer's analysis pool: it dies with its parent.

    ``model_path`` is the artifact model file the parent detects with (``None``: rules
    only), so that a spawned worker finds the same artifacts as the parent would.

    A pool worker waits for work on a pipe that it holds open itself, so it would
    outlive an import killed by SIGTERM or SIGKILL (and keep multiprocessing's resource
    tracker alive with it). A daemon thread waits on the parent's sentinel, which the
    kernel closes when the parent ends however it ends, and then exits at once. SIGINT
    is ignored: Ctrl-C reaches the whole process group and the parent shuts the pool down.
    """
    artifact_model.configure(model_path)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def follow_parent() -> None:
        parent.join()
        os._exit(1)

    threading.Thread(target=follow_parent, name="follow-parent", daemon=True).start()


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _refuse_unstorable(record: Record) -> None:
    """Raise for a NUL or a lone surrogate in any string of ``record``.

    No database stores a NUL in text, and a lone surrogate (a JSON escape such as
    ``"\\ud800"`` without its pair) cannot be encoded as UTF-8 at all.
    """
    fields = [
        ("text", record.text),
        ("title", record.title or ""),
        ("url", record.url),
        ("source", record.source),
        ("byline", record.byline),
        ("external_id", record.external_id),
    ]
    for name, value in fields:
        if (found := _UNSTORABLE.search(value)) is None:
            continue
        if found.group() == "\x00":
            raise _refusal(record, nul_refusal(value, f"'{name}'") or "NUL character")
        raise _refusal(
            record,
            f"'{name}' contains a lone surrogate \\u{ord(found.group()):04x} at offset "
            f"{found.start()}, which cannot be stored as UTF-8",
        )


def _refusal(record: Record, message: str) -> RecordError:
    return RecordError(
        message,
        origin=record.origin,
        format=record.format,
        index=record.index,
        line=record.line,
        listed=record.listed,
    )


def _aware(value: datetime | None, zone: tzinfo) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=zone)
    return value


def _within(value: datetime, lowest: datetime, highest: datetime) -> bool:
    """Whether aware ``value`` lies in ``[lowest, highest]``; never, when it is not even
    a year 1..9999 date in UTC (``9999-12-31T23:59:59-12:00`` is year 10000 there)."""
    try:
        return lowest <= value.astimezone(UTC) <= highest
    except OverflowError:
        return False


def _fallback_title(first_block: str) -> str:
    words = first_block.split()
    title = " ".join(words[:FALLBACK_TITLE_WORDS])
    if len(words) > FALLBACK_TITLE_WORDS or len(title) > FALLBACK_TITLE_CHARS:
        title = title[: FALLBACK_TITLE_CHARS - 1].rstrip() + "…"
    return title


def content_hash(title: str, text: str) -> str:
    """SHA-256 of the canonical content: NFC title and text, ``\\n`` line ends, trimmed.

    The url, source, byline and dates are left out on purpose: the same words re-scraped
    under another address or with a corrected date are the same article to review.
    """

    def canonical(value: str) -> str:
        value = unicodedata.normalize("NFC", value)
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()

    payload = canonical(title) + "\n\x1e\n" + canonical(text)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
