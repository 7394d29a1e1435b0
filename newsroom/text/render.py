"""Cut an article's text into render segments: blocks → runs (sentences and the gaps between
them) → pieces of text with the marks that cover them (PURE, no Django).

Templates then only loop over the result and autoescape each piece's text; no HTML is ever
built by concatenating strings. Inputs are any objects with ``start``/``end`` code-point
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
    """
    ordered_sentences = sorted(sentences, key=lambda s: (s.start, s.end))
    ordered_marks = sorted(marks, key=lambda m: (m.start, m.end))
    result: list[BlockSegments] = []
    cursor = 0
    for block in blocks:
        while cursor < len(ordered_sentences) and ordered_sentences[cursor].start < block.start:
            cursor += 1
        inside: list[Spanned] = []
        index = cursor
        while index < len(ordered_sentences) and ordered_sentences[index].start < block.end:
            if ordered_sentences[index].end <= block.end:
                inside.append(ordered_sentences[index])
            index += 1
        block_marks = [m for m in ordered_marks if m.start < block.end and m.end > block.start]
        shown: set[int] = set()
        runs: list[Run] = []
        position = block.start
        for sentence in inside:
            if sentence.start < position:  # overlapping input: keep the first one
                continue
            if sentence.start > position:
                runs.append(_run(text, None, position, sentence.start, block_marks, shown))
            runs.append(_run(text, sentence, sentence.start, sentence.end, block_marks, shown))
            position = sentence.end
        if position < block.end:
            runs.append(_run(text, None, position, block.end, block_marks, shown))
        result.append(BlockSegments(block=block, runs=tuple(runs)))
    return result


def _run(
    text: str,
    sentence: Any | None,
    start: int,
    end: int,
    marks: list[Spanned],
    shown: set[int],
) -> Run:
    covering = [m for m in marks if m.start < end and m.end > start]
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
