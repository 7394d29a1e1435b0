"""JSON and JSON Lines files: one object, a list of objects, or one object a line."""

from __future__ import annotations

import codecs
import json
import logging
import sys
from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any
from urllib.parse import urlsplit

from .checks import length_refusal, nul_refusal
from .decoding import _read_limited, decode
from .records import (
    MAX_BYLINE_CHARS,
    MAX_SOURCE_CHARS,
    MAX_TITLE_CHARS,
    MAX_URL_CHARS,
    Limits,
    Record,
    RecordError,
)

logger = logging.getLogger(__name__)


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
    lines: Iterator[bytes | str]
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
        if (refusal := nul_refusal(value, f"'{name}'")) is not None:
            raise fail(refusal)
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
    if (refusal := length_refusal(len(record.text), limits)) is not None:
        raise RecordError(
            refusal,
            origin=record.origin,
            format=record.format,
            index=record.index,
            line=record.line,
            listed=record.listed,
        )
    return record
