# ruff: noqa: RUF001
"""The text split once into lines with offsets, shared by every detector."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from newsroom.text.lines import split as split_lines
from newsroom.text.spans import BlockRole, Finding, Layout, trim

_TERMINAL = frozenset(".!?…:;")
_CLOSERS = "\"'”’)]»"
_CLOSES_SENTENCE = frozenset('"”’)]»') | _TERMINAL


def _ends_sentence(text: str) -> bool:
    """Ends with sentence punctuation (then optional closers) or with a closing quote."""
    if text[-1] in _CLOSES_SENTENCE:
        return True
    return text[-1] == "'" and text.rstrip(_CLOSERS)[-1:] in _TERMINAL


@dataclass(slots=True)
class Line:
    """One line of the text, as ``newsroom.text.lines`` splits it (the layout's lines).

    ``raw_start``/``raw_end`` bound the whole line without its line break;
    ``start``/``end`` bound its content trimmed of ``str.isspace`` characters
    (``start == end`` for a blank line). ``text`` is the trimmed content. Treat it as
    read-only (not frozen only because frozen dataclasses are slower to build).
    """

    index: int
    raw_start: int
    raw_end: int
    start: int
    end: int
    text: str
    lower: str = ""
    words: int = 0
    ends_sentence: bool = False  # ends with sentence punctuation or a closing quote
    # No whitespace but single spaces (and nothing unprintable): ``" ".join(text.split())``
    # is ``text`` itself.
    plain: bool = False

    @property
    def blank(self) -> bool:
        """True when the line holds nothing but whitespace (or nothing)."""
        return self.start == self.end


@dataclass(slots=True)
class Document:
    """The text being analysed, its lines, and the optional layout.

    ``content`` lists the indices of non-blank lines; ``rank`` maps a line index
    to its position among content lines, so detectors can look at neighbours
    without scanning blank lines again. ``title`` is the index of the title line
    (the layout's title block when given, else the first content line).
    """

    text: str
    lines: tuple[Line, ...]
    layout: Layout | None = None
    content: tuple[int, ...] = ()
    rank: dict[int, int] = field(default_factory=dict)
    title: int | None = None
    cache: dict[str, object] = field(default_factory=dict)
    # Phrase family of each line looked up so far (``boilerplate.phrase_for``).
    phrases: dict[int, object] = field(default_factory=dict)
    # The whole text lower-cased (same length as ``text``: where lower-casing would
    # change a length, the text is lower-cased line by line and re-joined), and the
    # ``raw_start`` of every line, for bisecting an offset to its line.
    lower: str = ""
    starts: list[int] = field(default_factory=list)
    # True when the text holds U+0131 or U+017F, which ``re.IGNORECASE`` matches as the
    # ASCII "i" and "s" while ``str.lower`` keeps them: substring tests on ``lower`` then
    # cannot stand in for a case-insensitive regex (the only two such characters).
    folds: bool = False

    @classmethod
    def parse(cls, text: str, layout: Layout | None = None) -> Document:
        """Split ``text`` into :class:`Line` objects with offsets (``lines.split``)."""
        lines: list[Line] = []
        spans = split_lines(text)
        # One lower-cased copy of the text, sliced per line (unless lower-casing changes
        # a length, as for "İ"; then each line is lower-cased on its own, and a line whose
        # length would change is kept as it is).
        lowered = text.lower()
        same = len(lowered) == len(text)
        if not same:
            pieces: list[str] = []
            previous_end = 0
            for start, end in spans:
                raw = text[start:end]
                low = raw.lower()
                pieces.append(text[previous_end:start])  # the line break before it
                pieces.append(low if len(low) == len(raw) else raw)
                previous_end = end
            lowered = "".join(pieces)
        append = lines.append
        for index, (pos, raw_end) in enumerate(spans):
            raw = text[pos:raw_end]
            stripped = raw.strip()
            if stripped:
                start = raw_end - len(raw.lstrip())
                end = start + len(stripped)
                # Single-spaced printable text (the usual line) holds no whitespace but
                # single " ": its words are its spaces + 1 and it is its own key.
                plain = "  " not in stripped and stripped.isprintable()
                last = stripped[-1]
                append(
                    Line(
                        index,
                        pos,
                        raw_end,
                        start,
                        end,
                        stripped,
                        lowered[start:end] if same else stripped.lower(),
                        stripped.count(" ") + 1 if plain else len(stripped.split()),
                        last in _CLOSES_SENTENCE or (last == "'" and _ends_sentence(stripped)),
                        plain,
                    )
                )
            else:
                append(Line(index, pos, raw_end, pos, pos, ""))
        content = tuple(line.index for line in lines if not line.blank)
        doc = cls(text, tuple(lines), layout, content, {i: r for r, i in enumerate(content)})
        doc.lower = lowered
        doc.starts = [line.raw_start for line in lines]
        doc.folds = not text.isascii() and ("\u0131" in text or "\u017f" in text)
        doc.title = doc._find_title()
        return doc

    def utf8(self) -> bytes:
        """The text encoded as UTF-8 (lone surrogates passed through), cached.

        A byte test on it is a cheap exact prefilter for ranges of code points: every
        character of U+0080..U+FFFF starts with a lead byte fixed by its range.
        """
        data = self.cache.get("utf8")
        if not isinstance(data, bytes):
            data = self.cache["utf8"] = self.text.encode("utf-8", "surrogatepass")
        return data

    def _find_title(self) -> int | None:
        if self.layout is not None:
            for block in self.layout.blocks:
                if block.role == BlockRole.TITLE:
                    for line in self.lines:
                        if line.start <= block.start < line.raw_end + 1:
                            return line.index
        if self.content:
            first = self.lines[self.content[0]]
            if first.words <= 25 and not first.text.endswith("."):
                return first.index
        return None

    def neighbour(self, index: int, step: int) -> Line | None:
        """The content line ``step`` content lines after (or before, if negative) line ``index``.

        Works from blank lines too: ``step=1`` is then the next content line.
        """
        if index in self.rank:
            target = self.rank[index] + step
        else:
            after = bisect.bisect_left(self.content, index)
            target = after + step - 1 if step > 0 else after + step
        if 0 <= target < len(self.content):
            return self.lines[self.content[target]]
        return None

    def position(self, line: Line) -> float:
        """Relative position of a content line among content lines, 0.0 (top) to 1.0."""
        if len(self.content) <= 1:
            return 0.0
        return self.rank[line.index] / (len(self.content) - 1)

    def is_prose(self, line: Line | None) -> bool:
        """True for a line that reads like a body paragraph."""
        if line is None:
            return False
        return (line.words >= 8 and line.ends_sentence) or line.words >= 30

    def finding(
        self, kind: str, start: int, end: int, reason: str, confidence: float = 0.8
    ) -> Finding:
        """Build a finding, trimming whitespace from both ends of the range."""
        start, end = trim(self.text, start, end)
        return Finding(start, end, kind=kind, reason=reason, confidence=confidence)

    def whole(self, kind: str, line: Line, reason: str, confidence: float = 0.8) -> Finding:
        """A finding that covers the trimmed content of ``line``."""
        return Finding(line.start, line.end, kind=kind, reason=reason, confidence=confidence)
