"""Cut an article's text into render segments: blocks → runs (sentences and the gaps between
them) → pieces of text with the marks that cover them (PURE, no Django).

This module builds no HTML. The page renderer that consumes it walks the segments once and
joins escaped parts (every piece of text and every attribute value escaped; only the joined
result is marked safe). Inputs are any objects with ``start``/``end`` code-point
offsets into ``text`` (model rows or spans); they are passed through untouched as payloads.
A mark that crosses sentence or block boundaries is cut into one piece per run, so the
resulting elements always nest properly.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["BlockSegments", "Piece", "Run", "segments"]


class Spanned(Protocol):
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Piece:
    """Text ``[start, end)`` covered by exactly the marks ``marks``; ``opens`` are the marks
    first shown in this piece within the block (where a label belongs)."""

    text: str
    start: int
    end: int
    marks: tuple[Any, ...] = ()
    opens: tuple[Any, ...] = ()


@dataclass(frozen=True, slots=True)
class Run:
    """A sentence (``sentence`` is its payload) or text between sentences (``None``)."""

    sentence: Any | None
    start: int
    end: int
    pieces: tuple[Piece, ...]


@dataclass(frozen=True, slots=True)
class BlockSegments:
    block: Any
    runs: tuple[Run, ...]


def segments(
    text: str,
    blocks: Sequence[Spanned],
    sentences: Sequence[Spanned],
    marks: Sequence[Spanned] = (),
) -> list[BlockSegments]:
    """Return the render segments of ``text``, one entry per block in the given order.

    ``sentences`` are assigned to the block that contains them (a sentence outside every
    block is not rendered); text of a block outside its sentences becomes gap runs.
    ``marks`` may overlap each other and any boundary. Concatenating the pieces of a block
    gives ``text[block.start:block.end]`` exactly.

    Linear in the input: sentences and marks are sorted once and swept with the blocks in
    text order; a run only looks at the marks still open at its start.
    """
    ordered_sentences = sorted(sentences, key=lambda s: (s.start, s.end))
    ordered_marks = sorted(marks, key=lambda m: (m.start, m.end))
    order = sorted(range(len(blocks)), key=lambda i: (blocks[i].start, blocks[i].end))
    result: list[BlockSegments | None] = [None] * len(blocks)
    sweep = _MarkSweep(ordered_marks)
    cursor = 0
    for block_index in order:
        block = blocks[block_index]
        while cursor < len(ordered_sentences) and ordered_sentences[cursor].start < block.start:
            cursor += 1
        inside: list[Spanned] = []
        index = cursor
        while index < len(ordered_sentences) and ordered_sentences[index].start < block.end:
            if ordered_sentences[index].end <= block.end:
                inside.append(ordered_sentences[index])
            index += 1
        shown: set[int] = set()
        runs: list[Run] = []
        position = block.start
        for sentence in inside:
            if sentence.start < position:  # overlapping input: keep the first one
                continue
            if sentence.start > position:
                runs.append(_run(text, None, position, sentence.start, sweep, shown))
            runs.append(_run(text, sentence, sentence.start, sentence.end, sweep, shown))
            position = sentence.end
        if position < block.end:
            runs.append(_run(text, None, position, block.end, sweep, shown))
        result[block_index] = BlockSegments(block=block, runs=tuple(runs))
    return result  # type: ignore[return-value]


class _MarkSweep:
    """The marks overlapping ``[start, end)``, for ranges asked in text order; a range that
    goes back (overlapping blocks) rewinds the sweep."""

    __slots__ = ("_marks", "_next", "_open", "_reach")

    def __init__(self, ordered_marks: list[Spanned]) -> None:
        self._marks = ordered_marks
        self._next = 0  # first mark not yet opened (marks are sorted by start)
        self._open: list[Spanned] = []  # opened marks that may still reach later ranges
        self._reach = 0  # end of the last range asked

    def covering(self, start: int, end: int) -> list[Spanned]:
        if start < self._reach:
            self._next, self._open = 0, []
        self._reach = end
        marks = self._marks
        while self._next < len(marks) and marks[self._next].start < end:
            self._open.append(marks[self._next])
            self._next += 1
        if self._open:
            self._open = [m for m in self._open if m.end > start]
        return self._open


def _run(
    text: str,
    sentence: Any | None,
    start: int,
    end: int,
    sweep: _MarkSweep,
    shown: set[int],
) -> Run:
    covering = sweep.covering(start, end)
    if not covering:
        return Run(sentence, start, end, (Piece(text[start:end], start, end),))
    cuts = {start, end}
    for mark in covering:
        cuts.update(p for p in (mark.start, mark.end) if start < p < end)
    bounds = sorted(cuts)
    pieces: list[Piece] = []
    for left, right in itertools.pairwise(bounds):
        here = tuple(m for m in covering if m.start < right and m.end > left)
        opens = tuple(m for m in here if id(m) not in shown)
        shown.update(id(m) for m in opens)
        pieces.append(Piece(text[left:right], left, right, here, opens))
    return Run(sentence=sentence, start=start, end=end, pieces=tuple(pieces))
