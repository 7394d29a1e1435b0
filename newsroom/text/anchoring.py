"""Find annotated spans of an old text again in a new revision of it.

Pure Python (rapidfuzz for the edit-distance work, no Django). ``align(old, new)``
aligns the two texts once; ``place(alignment, anchor)`` then maps one anchor (its
offsets, quote and context) through that alignment, so placing many anchors costs one
alignment plus a lookup each, not a search of the whole text per anchor.

The alignment is hierarchical, so that it stays close to linear in the text for the
edits re-scrapes make (a figure corrected, a paragraph inserted or removed, paragraphs
re-ordered): common prefix and suffix are cut off, the rest is aligned line by line,
each changed run of lines word by word, each changed run of words character by
character. A changed run too large to align finer (over ``MAX_CELLS`` token pairs, a
text rewritten throughout) stays one changed region: what lies in it is found by an
exact search for its quote or not at all.

Placing an anchor, first match wins:

1. **exact**: the offsets mapped through the alignment hold exactly the quote;
2. **exact**: the quote occurs elsewhere in the new text (a moved sentence); among
   several occurrences the one whose surrounding text best matches the anchor's
   prefix and suffix, then the one nearest the mapped offsets;
3. **fuzzy**: the mapped offsets hold a text whose similarity to the quote
   (``rapidfuzz.fuzz.ratio``, 0-100, one minus the normalised insert/delete distance)
   is at least ``threshold`` (``THRESHOLD``, 85: a corrected figure in a sentence
   passes, a rewritten sentence does not);
4. **lost**: nothing is placed. An anchor is never placed on text less similar to its
   quote than the threshold.

Offsets are half-open code-point offsets; ``new[p.start:p.end]`` is the placed text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

THRESHOLD = 85.0
# Largest (old tokens x new tokens) a changed region may have to be aligned one level
# finer: the alignment's bit matrix is cells / 64 words, 8 MB at this size.
MAX_CELLS = 8_000_000
# Occurrences of a quote looked at when it appears several times.
MAX_OCCURRENCES = 200

EXACT = "exact"
FUZZY = "fuzzy"
LOST = "lost"

_LINES = re.compile(r"[^\n]*\n|[^\n]+")
_WORDS = re.compile(r"\w+|\s+|[^\w\s]")

type Op = tuple[bool, int, int, int, int]  # equal?, old start, old end, new start, new end


@dataclass(frozen=True, slots=True)
class Anchor:
    """What to find: ``quote`` was ``old[start:end]``, between ``prefix`` and ``suffix``."""

    start: int
    end: int
    quote: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True, slots=True)
class Placement:
    """Where an anchor went: ``method`` exact, fuzzy or lost; ``start``/``end`` are None
    when lost; ``score`` is the similarity of the placed text to the quote (0-100; for a
    lost anchor, the best similarity seen)."""

    method: str
    start: int | None
    end: int | None
    score: float


class Alignment:
    """A character alignment of ``old`` to ``new``: runs that are equal in both, and
    changed runs between them, covering both texts in order."""

    def __init__(self, old: str, new: str, ops: list[Op]) -> None:
        self.old = old
        self.new = new
        self.ops = ops
        self._starts = [op[1] for op in ops]

    def _op_of(self, position: int) -> Op | None:
        """The op holding old character ``position`` (none for an empty old text)."""
        index = bisect.bisect_right(self._starts, position) - 1
        while 0 <= index < len(self.ops) and self.ops[index][2] <= position:
            index += 1  # skip insertions (empty old runs) at this position
        return self.ops[index] if 0 <= index < len(self.ops) else None

    def map_start(self, position: int) -> int:
        """Where a span starting at old ``position`` starts in ``new`` (insertions just
        before it stay outside; a start inside a changed run goes to that run's start)."""
        if position >= len(self.old):
            return len(self.new)
        op = self._op_of(position)
        if op is None:
            return len(self.new)
        equal, i1, _, j1, _ = op
        return j1 + (position - i1) if equal else j1

    def map_end(self, position: int) -> int:
        """Where a span ending at old ``position`` ends in ``new`` (insertions just after
        it stay outside; an end inside a changed run goes to that run's end)."""
        if position <= 0:
            return 0
        op = self._op_of(position - 1)
        if op is None:
            return 0
        equal, i1, _, j1, j2 = op
        return j1 + (position - i1) if equal else j2

    def changed(self) -> list[tuple[int, int, int, int]]:
        """The changed runs: (old start, old end, new start, new end)."""
        return [(i1, i2, j1, j2) for equal, i1, i2, j1, j2 in self.ops if not equal]


def _tokens(text: str, start: int, end: int, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in pattern.finditer(text, start, end)]


def _align_region(
    old: str, new: str, i1: int, i2: int, j1: int, j2: int, level: int, out: list[Op]
) -> None:
    """Append the ops aligning ``old[i1:i2]`` with ``new[j1:j2]`` to ``out``."""
    if i1 == i2 and j1 == j2:
        return
    if i1 == i2 or j1 == j2:
        out.append((False, i1, i2, j1, j2))
        return
    if level == 0:
        pattern = _LINES
    elif level == 1:
        pattern = _WORDS
    else:
        pattern = None
    if pattern is None:
        a_spans: list[tuple[int, int]] | None = None
        a: Sequence[str] | str = old[i1:i2]
        b: Sequence[str] | str = new[j1:j2]
    else:
        a_spans = _tokens(old, i1, i2, pattern)
        b_spans = _tokens(new, j1, j2, pattern)
        a = [old[s:e] for s, e in a_spans]
        b = [new[s:e] for s, e in b_spans]
    if pattern is not None and len(a) == len(b) == 1:  # one line (word) each: go finer
        _align_region(old, new, i1, i2, j1, j2, level + 1, out)
        return
    if len(a) * len(b) > MAX_CELLS:
        out.append((False, i1, i2, j1, j2))
        return

    def old_at(k: int) -> int:
        if a_spans is None:
            return i1 + k
        return a_spans[k][0] if k < len(a_spans) else i2

    def new_at(k: int) -> int:
        if a_spans is None:
            return j1 + k
        return b_spans[k][0] if k < len(b_spans) else j2

    pending: list[int] | None = None  # a changed run being gathered: [a1, a2, b1, b2]
    for op in Indel.opcodes(a, b):
        tag, s1, s2, d1, d2 = op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end
        if tag != "equal":
            if pending is None:
                pending = [s1, s2, d1, d2]
            else:
                pending[1], pending[3] = s2, d2
            continue
        if pending is not None:
            _flush(old, new, pending, old_at, new_at, level, out)
            pending = None
        out.append((True, old_at(s1), old_at(s2), new_at(d1), new_at(d2)))
    if pending is not None:
        _flush(old, new, pending, old_at, new_at, level, out)


def _flush(
    old: str,
    new: str,
    run: list[int],
    old_at: Callable[[int], int],
    new_at: Callable[[int], int],
    level: int,
    out: list[Op],
) -> None:
    """Align a gathered changed run of tokens one level finer (or keep it changed)."""
    a1, a2, b1, b2 = (old_at(run[0]), old_at(run[1]), new_at(run[2]), new_at(run[3]))
    if level >= 2:
        out.append((False, a1, a2, b1, b2))
    else:
        _align_region(old, new, a1, a2, b1, b2, level + 1, out)


def align(old: str, new: str) -> Alignment:
    """Align ``old`` to ``new`` once (see the module docstring); equal runs are merged."""
    prefix = 0
    limit = min(len(old), len(new))
    # Common prefix and suffix by comparing growing blocks (C speed, no per-char loop).
    step = 1 << 12
    while prefix < limit:
        size = min(step, limit - prefix)
        if old[prefix : prefix + size] == new[prefix : prefix + size]:
            prefix += size
            continue
        if size == 1:
            break
        step = max(1, size // 2)
    suffix = 0
    limit -= prefix
    step = 1 << 12
    while suffix < limit:
        size = min(step, limit - suffix)
        if (
            old[len(old) - suffix - size : len(old) - suffix]
            == new[len(new) - suffix - size : len(new) - suffix]
        ):
            suffix += size
            continue
        if size == 1:
            break
        step = max(1, size // 2)
    ops: list[Op] = []
    if prefix:
        ops.append((True, 0, prefix, 0, prefix))
    _align_region(old, new, prefix, len(old) - suffix, prefix, len(new) - suffix, 0, ops)
    if suffix:
        ops.append((True, len(old) - suffix, len(old), len(new) - suffix, len(new)))
    merged: list[Op] = []
    for op in ops:
        if op[1] == op[2] and op[3] == op[4]:
            continue
        if merged and merged[-1][0] == op[0]:
            last = merged[-1]
            merged[-1] = (op[0], last[1], op[2], last[3], op[4])
        else:
            merged.append(op)
    return Alignment(old, new, merged)


def similarity(a: str, b: str) -> float:
    """``rapidfuzz.fuzz.ratio``: 100 for equal texts, 0 for nothing in common."""
    return float(fuzz.ratio(a, b))


def _context_score(new: str, start: int, end: int, anchor: Anchor) -> float:
    score = 0.0
    if anchor.prefix:
        score += fuzz.ratio(anchor.prefix, new[max(0, start - len(anchor.prefix)) : start])
    if anchor.suffix:
        score += fuzz.ratio(anchor.suffix, new[end : end + len(anchor.suffix)])
    return score


def _search(new: str, anchor: Anchor, near: int) -> int | None:
    """The start of the occurrence of ``anchor.quote`` in ``new`` that best fits."""
    quote = anchor.quote
    found = new.find(quote)
    if found < 0:
        return None
    second = new.find(quote, found + 1)
    if second < 0:
        return found
    best: tuple[float, int] | None = None
    best_at = found
    at = found
    for _ in range(MAX_OCCURRENCES):
        if at < 0:
            break
        key = (-_context_score(new, at, at + len(quote), anchor), abs(at - near))
        if best is None or key < best:
            best, best_at = key, at
        at = new.find(quote, at + 1)
    return best_at


def place(alignment: Alignment, anchor: Anchor, *, threshold: float = THRESHOLD) -> Placement:
    """Place one anchor of the old text in the new one (see the module docstring)."""
    new = alignment.new
    quote = anchor.quote
    if not quote:
        return Placement(LOST, None, None, 0.0)
    start = alignment.map_start(anchor.start)
    end = max(start, alignment.map_end(anchor.end))
    if new[start:end] == quote:
        return Placement(EXACT, start, end, 100.0)
    found = _search(new, anchor, start)
    if found is not None:
        return Placement(EXACT, found, found + len(quote), 100.0)
    # A changed run reaching past the quote widens the mapped span: trim the whitespace
    # the quote does not have at its edges.
    while start < end and new[start].isspace() and not quote[0].isspace():
        start += 1
    while end > start and new[end - 1].isspace() and not quote[-1].isspace():
        end -= 1
    if start < end:
        score = similarity(quote, new[start:end])
        if score >= threshold:
            return Placement(FUZZY, start, end, score)
        return Placement(LOST, None, None, score)
    return Placement(LOST, None, None, 0.0)


def place_all(
    old: str, new: str, anchors: Iterable[Anchor], *, threshold: float = THRESHOLD
) -> list[Placement]:
    """``place`` every anchor of ``old`` in ``new`` through one alignment."""
    alignment = align(old, new)
    return [place(alignment, anchor, threshold=threshold) for anchor in anchors]


@dataclass(frozen=True, slots=True)
class SentenceChange:
    """One row of a sentence diff: ``tag`` same, changed, inserted or deleted, with the
    sentence's index and text on each side (None where it has none)."""

    tag: str
    old_index: int | None
    new_index: int | None
    old_text: str | None
    new_text: str | None


# Two sentences in the same changed run are one changed sentence from this similarity up.
CHANGED_SIMILARITY = 60.0
# New sentences looked at for each old one of a changed run (bounds a rewrite's cost).
PAIR_WINDOW = 20


def diff_sentences(old: Sequence[str], new: Sequence[str]) -> list[SentenceChange]:
    """The sentences of two revisions compared in order (one alignment of the two lists).

    Within a run that differs, each old sentence is paired, in order, with the first of
    the next ``PAIR_WINDOW`` new ones at least ``CHANGED_SIMILARITY`` similar to it (a
    corrected figure: *changed*); the rest are
    *deleted* (only in ``old``) or *inserted* (only in ``new``). A moved sentence reads
    as deleted at its old place and inserted at its new one.
    """
    rows: list[SentenceChange] = []
    pending: list[int] | None = None

    def flush(a1: int, a2: int, b1: int, b2: int) -> None:
        j = b1
        for i in range(a1, a2):
            match = next(
                (
                    k
                    for k in range(j, min(b2, j + PAIR_WINDOW))
                    if similarity(old[i], new[k]) >= CHANGED_SIMILARITY
                ),
                None,
            )
            if match is None:
                rows.append(SentenceChange("deleted", i, None, old[i], None))
                continue
            rows.extend(SentenceChange("inserted", None, k, None, new[k]) for k in range(j, match))
            rows.append(SentenceChange("changed", i, match, old[i], new[match]))
            j = match + 1
        rows.extend(SentenceChange("inserted", None, k, None, new[k]) for k in range(j, b2))

    for op in Indel.opcodes(list(old), list(new)):
        tag, a1, a2, b1, b2 = op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end
        if tag != "equal":
            if pending is None:
                pending = [a1, a2, b1, b2]
            else:
                pending[1], pending[3] = a2, b2
            continue
        if pending is not None:
            flush(*pending)
            pending = None
        rows.extend(
            SentenceChange("same", a1 + k, b1 + k, old[a1 + k], new[b1 + k]) for k in range(a2 - a1)
        )
    if pending is not None:
        flush(*pending)
    return rows
