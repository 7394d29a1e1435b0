"""Frozen value types shared by the text core.

Every offset is a half-open ``[start, end)`` range of code points into the raw
text that was analysed, never into a cleaned copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class BlockRole(StrEnum):
    """What a layout block is, as a reader of the page would see it."""

    TITLE = "title"
    DATELINE = "dateline"
    CAPTION = "caption"
    BODY = "body"
    TRAILER = "trailer"


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open range ``[start, end)`` into a text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"invalid span [{self.start}, {self.end})")

    def text_in(self, text: str) -> str:
        """Return the slice of ``text`` this span covers."""
        return text[self.start : self.end]

    def contains(self, other: Span) -> bool:
        """True when ``other`` lies wholly inside this span."""
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Span) -> bool:
        """True when the two spans share at least one character."""
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True, slots=True)
class Block(Span):
    """A layout block: one line or paragraph with its role, trimmed of outer whitespace."""

    role: BlockRole = BlockRole.BODY


@dataclass(frozen=True, slots=True)
class Layout:
    """The parsed shape of a scraped article.

    ``blocks`` are ordered, non-overlapping and never start or end with whitespace.
    ``title`` is the title text when the layout has a title block; ``published`` the
    datetime parsed from the dateline (naive, as printed) when one parses.
    """

    text: str
    blocks: tuple[Block, ...]
    title: str | None = None
    published: datetime | None = None


@dataclass(frozen=True, slots=True)
class SentenceSpan(Span):
    """A sentence inside block number ``block`` of its layout."""

    block: int = 0


@dataclass(frozen=True, slots=True)
class Finding(Span):
    """An artifact found by a detector: kind, offsets, why, and how sure (0..1)."""

    kind: str = ""
    reason: str = ""
    confidence: float = 1.0
    extra: dict[str, object] = field(default_factory=dict, compare=False, hash=False)


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` of ``text`` without its leading and trailing whitespace
    (``str.isspace``): the one trimming rule of findings, flags and claims. A range of
    whitespace only becomes empty (``start == end``)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
