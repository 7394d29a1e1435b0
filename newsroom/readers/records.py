"""What a reader yields: records, errors and skipped files, and the limits they obey.

Pure Python: the limits are passed in (``Limits``); the Django side reads them from the
settings with ``newsroom.limits.configured()``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime

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


def format_for(name: str) -> str | None:
    """The record format a file name's extension stands for, or ``None``."""
    return FORMATS.get(os.path.splitext(name)[1].lower())
