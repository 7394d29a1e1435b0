"""Files and records -> analysed articles, without touching the database.

Everything the importer and ``manage.py analyze`` share lives here, so parsing is written
once: reading a file (plain-text layout, JSON, JSON Lines, HTML) into ``Record`` objects,
and ``analyse(record)`` turning a record into the text core's layout, sentences and
artifact findings. Nothing in this module imports a model or opens a connection.

Readers never raise on bad input: they yield a ``RecordError`` for each record (or whole
file) that cannot be read, naming the file, the line or record, and the problem, and go
on with the next record.
"""

from __future__ import annotations

import codecs
import functools
import json
import logging
import multiprocessing
import os
import re
import signal
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from newsroom.text import artifacts, html, layout, sentences
from newsroom.text.artifacts import model as artifact_model
from newsroom.text.lines import line_number
from newsroom.text.spans import Finding, Layout, SentenceSpan

# File extensions -> record format (the values of Article.Format).
FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".html": "html",
    ".htm": "html",
}
FORMAT_NAMES = ("text", "json", "jsonl", "html")

# Lengths of the Article/Source columns the record fields end up in.
MAX_TITLE_CHARS = 500
MAX_URL_CHARS = 2000
MAX_BYLINE_CHARS = 300
MAX_SOURCE_CHARS = 200
# A title made up from the text when neither the record nor the layout has one.
FALLBACK_TITLE_WORDS = 12
FALLBACK_TITLE_CHARS = 200

logger = logging.getLogger(__name__)

_BOMS = (
    # UTF-32 first: its little-endian BOM starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True, slots=True)
class Limits:
    """What one record may hold: characters of its text, bytes of a file (or JSONL line),
    sentences and layout blocks, and the range of its published date (from 1 January of
    ``min_published_year`` to ``max_published_years_ahead`` years after today, UTC)."""

    max_article_chars: int = 2_000_000
    max_file_bytes: int = 50 * 1024 * 1024
    max_sentences: int = 5_000
    max_blocks: int = 2_000
    min_published_year: int = 1900
    max_published_years_ahead: int = 10

    @classmethod
    def from_settings(cls) -> Limits:
        """The limits configured in settings (the ``NEWSROOM_MAX_*``/``NEWSROOM_MIN_*``)."""
        from django.conf import settings

        return cls(
            max_article_chars=settings.NEWSROOM_MAX_ARTICLE_CHARS,
            max_file_bytes=settings.NEWSROOM_MAX_FILE_BYTES,
            max_sentences=settings.NEWSROOM_MAX_SENTENCES_PER_ARTICLE,
            max_blocks=settings.NEWSROOM_MAX_BLOCKS_PER_ARTICLE,
            min_published_year=settings.NEWSROOM_MIN_PUBLISHED_YEAR,
            max_published_years_ahead=settings.NEWSROOM_MAX_PUBLISHED_YEARS_AHEAD,
        )

    def published_range(self, now: datetime | None = None) -> tuple[datetime, datetime]:
        """The first and last accepted published instants (aware, UTC), both included."""
        now = (now or datetime.now(UTC)).astimezone(UTC)
        year = min(max(now.year + self.max_published_years_ahead, 1), 9999)
        try:
            highest = now.replace(year=year)
        except ValueError:  # 29 February, to a year that has none
            highest = now.replace(year=year, day=28)
        lowest = datetime(min(max(self.min_published_year, 1), 9999), 1, 1, tzinfo=UTC)
        return lowest, highest


@dataclass(frozen=True, slots=True)
class Record:
    """One article as read from a file, before analysis.

    ``title_in_text`` says whether ``text`` may begin with the title line (the plain-text
    layout) or holds the body only (a record with its own title). ``published`` is naive
    when the record did not say its time zone. ``index`` counts records in the file from 0;
    ``line`` is the 1-based line of a JSON Lines record.
    """

    origin: str
    format: str
    text: str
    index: int = 0
    line: int | None = None
    title: str | None = None
    title_in_text: bool = True
    url: str = ""
    published: datetime | None = None
    source: str = ""
    byline: str = ""
    # A JSON record's own id for the article (string or integer, kept as text): with the
    # source, its identity across re-scrapes (newsroom/identity.py).
    external_id: str = ""
    # True for the items of a JSON list, which are located by their record number.
    listed: bool = False

    @property
    def location(self) -> str:
        return _location(self.origin, self.index, self.line, self.listed)


class RecordError(Exception):
    """A file or record that cannot be imported; ``str()`` names where and why."""

    def __init__(
        self,
        message: str,
        *,
        origin: str,
        format: str = "",
        index: int = 0,
        line: int | None = None,
        listed: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.origin = origin
        self.format = format
        self.index = index
        self.line = line
        self.listed = listed

    @property
    def location(self) -> str:
        return _location(self.origin, self.index, self.line, self.listed)

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file that was not read at all (unknown extension), with the reason."""

    origin: str
    reason: str


Item = Record | RecordError | Skipped


def _location(origin: str, index: int, line: int | None, listed: bool) -> str:
    if line is not None:
        return f"{origin}:{line}"
    if listed:
        return f"{origin} record {index + 1}"
    return origin


# --- Decoding ------------------------------------------------------------------------


def decode(data: bytes, *, origin: str, format: str = "") -> str:
    """Decode a whole file: UTF-8, or UTF-8/16/32 with a byte-order mark (stripped).

    Raises ``RecordError`` for an empty (or whitespace-only) file, a binary file (NUL
    bytes without a UTF-16/32 BOM; no line), bytes that are not valid UTF-8 (with the line,
    counted as ``newsroom.text.lines`` does), and NUL characters, which no database
    accepts in text.
    """

    def fail(message: str, line: int | None = None) -> RecordError:
        return RecordError(message, origin=origin, format=format, line=line)

    if not data.strip():
        raise fail("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise fail(f"not valid {encoding.upper()} (byte {exc.start})") from None
            break
    else:
        if (nul := data.find(b"\x00")) >= 0:
            # No line: a binary file has none (its "\n" bytes are data).
            raise fail(f"binary file, not text (NUL byte at byte {nul}); save it as UTF-8 text")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            valid = data[: exc.start].decode("utf-8")
            raise fail(
                f"not valid UTF-8 (byte {exc.start}); save the file as UTF-8",
                line_number(valid, len(valid)),
            ) from None
    if (nul := text.find("\x00")) >= 0:
        raise fail("NUL character in the text", line_number(text, nul))
    if not text.strip():
        raise fail("empty file")
    return text


def _read_limited(stream: IO[bytes], *, origin: str, format: str, limits: Limits) -> bytes:
    data = stream.read(limits.max_file_bytes + 1)
    if len(data) > limits.max_file_bytes:
        raise RecordError(
            f"file is larger than {limits.max_file_bytes} bytes (NEWSROOM_MAX_FILE_BYTES)",
            origin=origin,
            format=format,
        )
    return data


# --- Readers ---------------------------------------------------------------------------


def format_for(name: str) -> str | None:
    """The record format a file name's extension stands for, or ``None``."""
    return FORMATS.get(os.path.splitext(name)[1].lower())


def _never_raises(
    reader: Callable[..., Iterator[Record | RecordError]],
) -> Callable[..., Iterator[Record | RecordError]]:
    """The last resort of a reader: whatever it raises ends its file as a ``RecordError``.

    The readers report every problem they know of per record; this turns anything else
    (a bug, a parser library failing on odd input) into an error naming the file rather
    than a traceback that would also stop the files after it.
    """

    @functools.wraps(reader)
    def guarded(stream: IO[bytes], *, origin: str, format: str, **kwargs: Any) -> Iterator:
        try:
            yield from reader(stream, origin=origin, format=format, **kwargs)
        except Exception as exc:
            logger.info("reading %s failed", origin, exc_info=True)
            yield RecordError(
                f"cannot be read ({type(exc).__name__}: {exc})", origin=origin, format=format
            )

    return guarded


@_never_raises
def read_stream(
    stream: IO[bytes],
    *,
    origin: str,
    format: str,
    limits: Limits | None = None,
    source: str = "",
) -> Iterator[Record | RecordError]:
    """Read the records of one file-like object opened in binary mode.

    ``format`` is one of ``FORMAT_NAMES``. JSON Lines are read line by line, so a large
    file is never held in memory whole; the other formats are read whole, up to
    ``limits.max_file_bytes``. Yields a ``Record`` per good article and a ``RecordError``
    per bad one (or one for the whole file when it cannot be read at all). ``source`` is
    the source of a plain-text file, which has no field to name one (JSON and HTML
    records bring their own).
    """
    limits = limits or Limits.from_settings()
    if format not in FORMAT_NAMES:
        yield RecordError(f"unknown format {format!r}", origin=origin)
        return
    try:
        if format == "jsonl":
            yield from _read_jsonl(stream, origin=origin, limits=limits)
            return
        text = decode(
            _read_limited(stream, origin=origin, format=format, limits=limits),
            origin=origin,
            format=format,
        )
    except RecordError as error:
        yield error
        return
    if format == "json":
        yield from _read_json(text, origin=origin, limits=limits)
        return
    try:
        if format == "html":
            record = _html_record(text, origin=origin)
        else:
            record = Record(origin=origin, format="text", text=text, source=source.strip())
        yield _checked(record, limits)
    except RecordError as error:
        yield error


def read_paths(
    paths: Iterable[str | Path], *, format: str | None = None, limits: Limits | None = None
) -> Iterator[Item]:
    """Read files and directories (recursively, sorted, hidden entries skipped).

    The format comes from each file's extension; ``format`` overrides it for files named
    explicitly (not for files found in directories). Files with an unknown extension are
    yielded as ``Skipped``. Files are opened one at a time, as the records are consumed.
    """
    limits = limits or Limits.from_settings()
    for path in map(Path, paths):
        if path.is_dir():
            for file in _walk(path):
                yield from _read_file(file, format_for(file.name), limits)
        else:
            yield from _read_file(path, format or format_for(path.name), limits)


def _walk(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath, name)


def _read_file(path: Path, format: str | None, limits: Limits) -> Iterator[Item]:
    origin = str(path)
    if format is None:
        yield Skipped(origin, "unknown file extension (expected .txt, .json, .jsonl, .html)")
        return
    try:
        stream = path.open("rb")
    except OSError as exc:
        yield RecordError(f"cannot open: {exc.strerror}", origin=origin, format=format)
        return
    with stream:
        yield from read_stream(stream, origin=origin, format=format, limits=limits)


def _read_json(text: str, *, origin: str, limits: Limits) -> Iterator[Record | RecordError]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield RecordError(
            f"malformed JSON: {exc.msg} (column {exc.colno})",
            origin=origin,
            format="json",
            line=exc.lineno,
        )
        return
    except (ValueError, RecursionError) as exc:
        yield RecordError(_json_refusal(exc), origin=origin, format="json")
        return
    items = data if isinstance(data, list) else [data]
    if not items:
        yield RecordError("empty JSON list", origin=origin, format="json")
    listed = isinstance(data, list)
    for index, item in enumerate(items):
        try:
            record = _json_record(item, origin=origin, format="json", index=index, listed=listed)
            yield _checked(record, limits)
        except RecordError as error:
            yield error
        except Exception as exc:
            yield _unexpected(exc, origin=origin, format="json", index=index, listed=listed)


def _read_jsonl(
    stream: IO[bytes], *, origin: str, limits: Limits
) -> Iterator[Record | RecordError]:
    head = stream.read(4)
    lines: Iterator[bytes] | Iterator[str]
    if head.startswith(
        (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
    ):
        # Multi-byte encodings cannot be split on b"\n": decode the whole (limited) file.
        rest = _read_limited(stream, origin=origin, format="jsonl", limits=limits)
        lines = iter(decode(head + rest, origin=origin, format="jsonl").split("\n"))
    else:
        if head.startswith(codecs.BOM_UTF8):
            head = head[len(codecs.BOM_UTF8) :]
        lines = _binary_lines(head, stream, origin=origin, limits=limits)
    index = 0
    try:
        for number, raw in enumerate(lines, start=1):
            try:
                line = raw if isinstance(raw, str) else _decode_line(raw, origin, number)
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise RecordError(
                        f"malformed JSON: {exc.msg} (column {exc.colno})",
                        origin=origin,
                        format="jsonl",
                        index=index,
                        line=number,
                    ) from None
                except (ValueError, RecursionError) as exc:
                    raise RecordError(
                        _json_refusal(exc), origin=origin, format="jsonl", index=index, line=number
                    ) from None
                record = _json_record(item, origin=origin, format="jsonl", index=index, line=number)
                yield _checked(record, limits)
            except RecordError as error:
                yield error
            except Exception as exc:
                yield _unexpected(exc, origin=origin, format="jsonl", index=index, line=number)
            index += 1
    except RecordError as error:  # a line over the size limit ends the file
        yield error
        return
    if index == 0:
        yield RecordError("empty file", origin=origin, format="jsonl")


def _json_refusal(exc: ValueError | RecursionError) -> str:
    """What to tell the user about JSON that parses but that Python refuses to build."""
    if isinstance(exc, RecursionError):
        return "JSON nested too deeply (more than about 1,000 levels of lists or objects)"
    if "integer string conversion" in str(exc):
        return f"JSON number with more than {sys.get_int_max_str_digits()} digits"
    return f"cannot read the JSON: {exc}"


def _unexpected(exc: Exception, **where: Any) -> RecordError:
    """A record that made a reader raise something it does not know: that record's error."""
    logger.info("reading a record of %s failed", where.get("origin"), exc_info=True)
    return RecordError(f"cannot be read ({type(exc).__name__}: {exc})", **where)


def _binary_lines(
    head: bytes, stream: IO[bytes], *, origin: str, limits: Limits
) -> Iterator[bytes]:
    """The lines of ``head`` + ``stream`` without their ``\\n``, each at most the file limit."""
    limit = limits.max_file_bytes
    buffer = head
    count = 0
    while True:
        chunk = stream.readline(limit + 1)
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        count += len(lines)
        yield from lines
        if not chunk:
            if buffer:
                yield buffer
            return
        if len(buffer) > limit:
            raise RecordError(
                f"line longer than {limit} bytes (NEWSROOM_MAX_FILE_BYTES)",
                origin=origin,
                format="jsonl",
                line=count + 1,
            )


def _decode_line(raw: bytes, origin: str, line: int) -> str:
    def fail(message: str) -> RecordError:
        return RecordError(message, origin=origin, format="jsonl", line=line)

    if b"\x00" in raw:
        raise fail("binary data: NUL byte in the line")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fail(f"not valid UTF-8 (byte {exc.start + 1} of the line)") from None


_TEXT_FIELDS = ("text", "body")
_STRING_FIELDS = {
    "title": MAX_TITLE_CHARS,
    "url": MAX_URL_CHARS,
    "source": MAX_SOURCE_CHARS,
    "byline": MAX_BYLINE_CHARS,
    "published": 100,
    "external_id": 200,
}


def _json_record(
    item: Any,
    *,
    origin: str,
    format: str,
    index: int,
    line: int | None = None,
    listed: bool = False,
) -> Record:
    """Validate one JSON object (documented fields: title, text or body, url, published,
    source, byline; others are ignored) and build its record."""

    def fail(message: str) -> RecordError:
        return RecordError(
            message, origin=origin, format=format, index=index, line=line, listed=listed
        )

    if not isinstance(item, dict):
        raise fail(f"expected a JSON object, got {type(item).__name__}")
    text = next((item[name] for name in _TEXT_FIELDS if item.get(name) is not None), None)
    if text is None:
        raise fail("missing text: the record needs a 'text' or 'body' field")
    if not isinstance(text, str):
        raise fail("'text' must be a string")
    if not text.strip():
        raise fail("missing text: 'text' is empty")
    values: dict[str, str] = {}
    for name, limit in _STRING_FIELDS.items():
        value = item.get(name)
        if value is None:
            continue
        if name == "external_id" and type(value) is int:
            value = str(value)  # feeds number their articles as often as they name them
        if not isinstance(value, str):
            raise fail(f"'{name}' must be a string")
        value = value.strip()
        if len(value) > limit:
            raise fail(f"'{name}' is longer than {limit} characters")
        values[name] = value
    for name, value in [("text", text), *values.items()]:
        if "\x00" in value:
            raise fail(f"NUL character in '{name}'")
    url = values.get("url", "")
    if url and not _is_web_url(url):
        raise fail("'url' must be an http:// or https:// address")
    published = None
    if values.get("published"):
        try:
            published = datetime.fromisoformat(values["published"])
        except ValueError:
            raise fail(
                f"'published' is not an ISO 8601 date or time: {values['published']!r}"
            ) from None
    title = values.get("title") or None
    return Record(
        origin=origin,
        format=format,
        text=text,
        index=index,
        line=line,
        title=title,
        title_in_text=title is None,
        url=url,
        published=published,
        source=values.get("source", ""),
        byline=values.get("byline", ""),
        external_id=values.get("external_id", ""),
        listed=listed,
    )


def _is_web_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def _checked(record: Record, limits: Limits) -> Record:
    if len(record.text) > limits.max_article_chars:
        raise RecordError(
            f"article is {len(record.text)} characters, over the limit of "
            f"{limits.max_article_chars} (NEWSROOM_MAX_ARTICLE_CHARS)",
            origin=record.origin,
            format=record.format,
            index=record.index,
            line=record.line,
            listed=record.listed,
        )
    return record


# --- HTML ------------------------------------------------------------------------------

# What a page handed to the extractor (newsroom.text.html) may be: a hostile page is
# refused with the reason instead of keeping the importer busy for minutes.
HTML_MAX_CHARS = 5_000_000
HTML_MAX_DEPTH = 200
HTML_MAX_ELEMENTS = 30_000


def _html_record(text: str, *, origin: str) -> Record:
    """The article of an HTML page: trafilatura's main text and the page's metadata.

    Title, byline (author), published, source (site name) and url (canonical or
    ``og:url``, http(s) only) come from the page; ``title_in_text`` is set when the text
    begins with the headline, so that the layout takes that line as the title block.
    """
    try:
        page = html.extract(
            text,
            max_chars=HTML_MAX_CHARS,
            max_depth=HTML_MAX_DEPTH,
            max_elements=HTML_MAX_ELEMENTS,
        )
    except html.HtmlError as error:
        raise RecordError(str(error), origin=origin, format="html") from None
    title = page.title[:MAX_TITLE_CHARS]
    first_line = page.text.partition("\n")[0]
    url = page.url
    return Record(
        origin=origin,
        format="html",
        text=page.text,
        title=title or None,
        title_in_text=bool(title) and first_line.casefold() == title.casefold(),
        url=url if len(url) <= MAX_URL_CHARS and _is_web_url(url) else "",
        published=page.published,
        source=page.sitename[:MAX_SOURCE_CHARS],
        byline=page.author[:MAX_BYLINE_CHARS],
    )


# --- Analysis --------------------------------------------------------------------------


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
    ``Limits()``; the importer passes ``Limits.from_settings()``.
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
    parsed = layout.parse(text, title_in_text=record.title_in_text)
    if not parsed.blocks:
        raise _refusal(record, "missing text: nothing but whitespace")
    if len(parsed.blocks) > limits.max_blocks:
        raise _refusal(
            record,
            f"article has {len(parsed.blocks)} blocks (paragraphs, captions, ...), over the "
            f"limit of {limits.max_blocks} (NEWSROOM_MAX_BLOCKS_PER_ARTICLE)",
        )
    spans = sentences.split(text, parsed.blocks)
    if len(spans) > limits.max_sentences:
        raise _refusal(
            record,
            f"article has {len(spans)} sentences, over the limit of {limits.max_sentences} "
            "(NEWSROOM_MAX_SENTENCES_PER_ARTICLE)",
        )
    # (``detect=False`` leaves the findings to the caller: ``analyse_many`` detects the
    # artifacts of a whole batch at once.)
    findings = list(artifacts.detect(text, parsed)) if detect else []
    title = record.title or parsed.title or _fallback_title(parsed.blocks[0].text_in(text))
    if published is None:
        published = _aware(parsed.published, zone)
        if published is not None and not _within(published, lowest, highest):
            published = None
    return Analysis(record, title[:MAX_TITLE_CHARS], published, parsed, spans, findings)


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
    try:
        found = artifacts.detect_many([(a.text, a.layout) for _, a in done])
    except Exception:  # one bad text must not fail the batch: detect one by one
        logger.info("detecting a batch failed; detecting record by record", exc_info=True)
        found = []
        for _, a in done:
            try:
                found.append(artifacts.detect(a.text, a.layout))
            except Exception as exc:
                found.append(f"cannot be analysed ({type(exc).__name__}: {exc})")
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
            raise _refusal(record, f"NUL character in '{name}'")
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
    import hashlib

    def canonical(value: str) -> str:
        value = unicodedata.normalize("NFC", value)
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()

    payload = canonical(title) + "\n\x1e\n" + canonical(text)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
