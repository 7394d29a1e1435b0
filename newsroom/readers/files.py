"""Files, directories and streams to records: the entry points of reading.

Readers never raise on bad input: they yield a ``RecordError`` for each record (or whole
file) that cannot be read, naming the file, the line or record, and the problem, and go
on with the next record.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from .checks import extension_refusal
from .decoding import _read_limited, decode
from .html_records import _html_record
from .json_records import _checked, _read_json, _read_jsonl
from .records import FORMAT_NAMES, Item, Limits, Record, RecordError, Skipped, format_for

logger = logging.getLogger(__name__)


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
    limits = limits or Limits()
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
    limits = limits or Limits()
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
        yield Skipped(origin, extension_refusal(path.name) or "unknown file type")
        return
    try:
        stream = path.open("rb")
    except OSError as exc:
        yield RecordError(f"cannot open: {exc.strerror}", origin=origin, format=format)
        return
    with stream:
        yield from read_stream(stream, origin=origin, format=format, limits=limits)
