"""Bytes to text: the encodings a file may come in, and the file-size limit."""

from __future__ import annotations

import codecs
from typing import IO

from newsroom.text.lines import line_number

from .checks import nul_refusal, size_refusal
from .records import Limits, RecordError

_BOMS = (
    # UTF-32 first: its little-endian BOM starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


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
    if (refusal := nul_refusal(text, "the text")) is not None:
        raise fail(refusal, line_number(text, text.find("\x00")))
    if not text.strip():
        raise fail("empty file")
    return text


def _read_limited(stream: IO[bytes], *, origin: str, format: str, limits: Limits) -> bytes:
    data = stream.read(limits.max_file_bytes + 1)
    if (refusal := size_refusal(len(data), limits)) is not None:
        raise RecordError(refusal, origin=origin, format=format)
    return data
