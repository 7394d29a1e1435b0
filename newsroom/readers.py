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
import json
import os
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from html.parser import HTMLParser
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from newsroom.text import artifacts, layout, sentences
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
    """Size limits: characters of one article's text, bytes of one file (or JSONL line)."""

    max_article_chars: int = 2_000_000
    max_file_bytes: int = 50 * 1024 * 1024

    @classmethod
    def from_settings(cls) -> Limits:
        """The limits configured in settings (``NEWSROOM_MAX_ARTICLE_CHARS``/``_FILE_BYTES``)."""
        from django.conf import settings

        return cls(settings.NEWSROOM_MAX_ARTICLE_CHARS, settings.NEWSROOM_MAX_FILE_BYTES)


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
    bytes without a UTF-16/32 BOM), bytes that are not valid UTF-8 (with the line), and
    NUL characters, which no database accepts in text.
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
            raise fail(
                f"binary file: NUL byte at byte {nul} (UTF-16 needs a byte-order mark)",
                data.count(b"\n", 0, nul) + 1,
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise fail(
                f"not valid UTF-8 (byte {exc.start}); save the file as UTF-8",
                data.count(b"\n", 0, exc.start) + 1,
            ) from None
    if (nul := text.find("\x00")) >= 0:
        raise fail("NUL character in the text", text.count("\n", 0, nul) + 1)
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


def read_stream(
    stream: IO[bytes], *, origin: str, format: str, limits: Limits | None = None
) -> Iterator[Record | RecordError]:
    """Read the records of one file-like object opened in binary mode.

    ``format`` is one of ``FORMAT_NAMES``. JSON Lines are read line by line, so a large
    file is never held in memory whole; the other formats are read whole, up to
    ``limits.max_file_bytes``. Yields a ``Record`` per good article and a ``RecordError``
    per bad one (or one for the whole file when it cannot be read at all).
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
            record = Record(origin=origin, format="text", text=text)
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
                record = _json_record(item, origin=origin, format="jsonl", index=index, line=number)
                yield _checked(record, limits)
            except RecordError as error:
                yield error
            index += 1
    except RecordError as error:  # a line over the size limit ends the file
        yield error
        return
    if index == 0:
        yield RecordError("empty file", origin=origin, format="jsonl")


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

# Never text: code, styles, embedded documents, and page furniture around the article.
_SKIP_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "math",
        "iframe",
        "object",
        "embed",
        "canvas",
        "head",
        "nav",
        "footer",
        "aside",
        "form",
        "button",
        "select",
        "textarea",
    ]
)
_VOID_TAGS = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    ]
)
_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    ]
)
_META_PUBLISHED = ("article:published_time", "og:published_time", "date", "pubdate")


class _HTMLText(HTMLParser):
    """Readable text of an HTML page: one line per block element, no script/style text.

    Uses the standard library's tokenizer: it never fetches anything, and the text it
    keeps is plain data (character references decoded), escaped again wherever shown.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skip = 0
        self.in_title = False
        self.page_title: list[str] = []
        self.h1: list[str] | None = None
        self.h1_done = False
        self.meta: dict[str, str] = {}
        self.time_datetime = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "meta":
            key = (attributes.get("property") or attributes.get("name") or "").lower()
            if key and "content" in attributes:
                self.meta.setdefault(key, attributes["content"].strip())
        elif tag == "link" and "canonical" in attributes.get("rel", "").lower().split():
            self.meta.setdefault("canonical", attributes.get("href", "").strip())
        elif tag == "time" and not self.time_datetime:
            self.time_datetime = attributes.get("datetime", "").strip()
        if tag == "title":
            self.in_title = True
            return
        if tag in _SKIP_TAGS and tag not in _VOID_TAGS:
            self.skip += 1
            return
        if tag in _BLOCK_TAGS:
            self._break()
        if tag == "h1" and not self.h1_done and not self.skip:
            self.h1 = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag in _SKIP_TAGS and tag not in _VOID_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag == "h1" and self.h1 is not None and not self.h1_done:
            self.h1_done = True
            self.current = []  # the headline is the title, not a body line
        elif tag in _BLOCK_TAGS:
            self._break()

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.page_title.append(data)
        elif not self.skip:
            self.current.append(data)
            if self.h1 is not None and not self.h1_done:
                self.h1.append(data)

    def _break(self) -> None:
        line = " ".join("".join(self.current).split())
        if line:
            self.lines.append(line)
        self.current = []

    def result(self) -> tuple[str, str]:
        self._break()
        headline = " ".join("".join(self.h1 or []).split())
        title = headline or " ".join("".join(self.page_title).split())
        return title, "\n".join(self.lines)


def _html_record(text: str, *, origin: str) -> Record:
    parser = _HTMLText()
    parser.feed(text)
    parser.close()
    title, body = parser.result()
    if not body.strip():
        raise RecordError("no readable text in the HTML", origin=origin, format="html")
    meta = parser.meta
    url = meta.get("og:url") or meta.get("canonical") or ""
    published = None
    for value in [*(meta.get(key, "") for key in _META_PUBLISHED), parser.time_datetime]:
        try:
            published = datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
        except ValueError:
            published = None
        if published:
            break
    return Record(
        origin=origin,
        format="html",
        text=body,
        title=title[:MAX_TITLE_CHARS] or None,
        title_in_text=False,
        url=url if len(url) <= MAX_URL_CHARS and _is_web_url(url) else "",
        published=published,
        source=meta.get("og:site_name", "")[:MAX_SOURCE_CHARS],
        byline=(meta.get("author") or meta.get("article:author") or "")[:MAX_BYLINE_CHARS],
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


def analyse(record: Record, *, tz: tzinfo | str = "UTC") -> Analysis:
    """Parse, segment and scan one record; the one parse step of import and analyze.

    The title is the record's, else the layout's title line, else the first words of the
    text. ``published`` is the record's, else the dateline's; naive values are made aware
    in ``tz``. Raises ``RecordError`` when the text has no block to import.
    """
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    text = record.text
    parsed = layout.parse(text, title_in_text=record.title_in_text)
    if not parsed.blocks:
        raise RecordError(
            "missing text: nothing but whitespace",
            origin=record.origin,
            format=record.format,
            index=record.index,
            line=record.line,
            listed=record.listed,
        )
    spans = sentences.split(text, parsed.blocks)
    findings = list(artifacts.detect(text, parsed))
    title = record.title or parsed.title or _fallback_title(parsed.blocks[0].text_in(text))
    published = record.published or parsed.published
    if published is not None and published.tzinfo is None:
        published = published.replace(tzinfo=zone)
    return Analysis(record, title[:MAX_TITLE_CHARS], published, parsed, spans, findings)


def analyse_many(records: list[Record], tz: str = "UTC") -> list[Analysis | str]:
    """``analyse`` each record; the error message in place of a record that has none.

    Messages rather than ``RecordError`` objects, so that the result pickles: the
    importer runs this in a worker process while it writes the previous batch.
    """
    results: list[Analysis | str] = []
    for record in records:
        try:
            results.append(analyse(record, tz=tz))
        except RecordError as error:
            results.append(error.message)
    return results


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
