"""Layout blocks -> sentence spans with exact offsets.

``sentencex`` (a Rust segmenter, called once per block) proposes the cut positions; a few
general rules then correct what it gets wrong on news text and lists:

* no cut inside a double quotation that closes within the block, so a quote and its
  attribution stay one sentence. Quotes are paired by context (an opening quote follows
  whitespace or a bracket, a closing one precedes whitespace or punctuation), so a stray
  quote such as the inch mark in ``6"`` pairs with nothing and glues nothing;
* a cut just after an opening quote (``statement. "`` | ``Shoppers``) moves before it;
* a lone list marker (``1.``, ``a.``, ``-9.``, ``iv.``) joins the text after it;
* a block that starts with a list marker and goes on with the next markers in sequence
  (``1. … 2. …``, ``a. … b. …``) is cut before each of those markers;
* a sentence-final period followed by a spaced ellipsis and a capital
  (``compounds. . . . The``) ends the sentence at the period; the ellipsis opens the next.

Offsets come from cut positions in the block itself, never from a cleaned copy, so
``text[s.start:s.end]`` is always the exact sentence; whitespace (``str.isspace``, NBSP
included) around a sentence stays outside its span.

Time is linear in the length of the text for any input. ``sentencex`` pairs quotes in a
way that is quadratic in the length of a paragraph on some inputs (runs of backticks,
apostrophes or unclosed curly quotes: 200,000 backticks took 12 s), so it never sees more
than ``WINDOW_CHARS`` at once: a longer block is segmented window by window, each window
moving on by at least ``WINDOW_MIN_STEP_CHARS``. The rules below are single passes. No
sentence is longer than ``MAX_SENTENCE_CHARS``: a longer stretch without a boundary (a run
of backticks, a page of links) is cut at its last whitespace that keeps the piece short
enough, or, when there is none, after exactly ``MAX_SENTENCE_CHARS`` code points.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sentencex import get_sentence_boundaries

from newsroom.text.spans import Block, BlockRole, SentenceSpan

__all__ = ["segment", "split"]

LANGUAGE = "en"
# A list marker ("• (12.)", "iv.") is short; longer pieces skip the marker check.
LONE_MARKER_MAX_CHARS = 8
# The most sentencex is given at once. Blocks up to this size (nearly every paragraph) are
# segmented whole; sentencex's worst case on a full window (backticks) costs about 5 ms.
WINDOW_CHARS = 4096
# Cuts this close to a window's end may depend on text past it: the next window redoes them.
WINDOW_MARGIN_CHARS = 512
# Each window starts at least this far after the previous one: at most len/step windows.
WINDOW_MIN_STEP_CHARS = 1024
# Longer than any sentence in the scraped corpora except run-on pages of links.
MAX_SENTENCE_CHARS = 5000


def split(text: str, blocks: Sequence[Block]) -> list[SentenceSpan]:
    """Split every block of ``text`` into sentences.

    ``blocks`` are spans into ``text`` (normally ``layout.parse(text).blocks``). Returns
    the sentences in text order; ``SentenceSpan.block`` is the index of the block in
    ``blocks``. Each sentence lies inside its block, is non-empty and neither starts nor
    ends with whitespace; every block that holds any non-whitespace yields at least one
    sentence, and every non-whitespace character of a block lies in exactly one sentence of
    at most ``MAX_SENTENCE_CHARS``. Offsets are half-open code-point offsets into ``text``.
    Time is linear in the total length of the blocks.
    """
    sentences: list[SentenceSpan] = []
    for index, block in enumerate(blocks):
        base = block.start
        for start, end in segment(text[block.start : block.end]):
            sentences.append(SentenceSpan(base + start, base + end, block=index))
    return sentences


def sentence_texts(text: str) -> list[str]:
    """Sentence texts of a bare paragraph: ``text`` taken as one trimmed BODY block.

    Whitespace-only text gives ``[]``. Used to score segmentation on plain strings.
    """
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    if start >= end:
        return []
    return [s.text_in(text) for s in split(text, [Block(start, end, role=BlockRole.BODY)])]


def segment(chunk: str) -> list[tuple[int, int]]:
    """Sentence offsets ``(start, end)`` inside one paragraph ``chunk``.

    The offsets are half-open and relative to ``chunk``; each range is trimmed of
    surrounding whitespace, non-empty and at most ``MAX_SENTENCE_CHARS`` long. A chunk of
    only whitespace gives ``[]``; any other chunk gives at least one range.
    """
    cuts = _boundaries(chunk)
    # Each rule first checks cheaply whether it can apply: most paragraphs need none.
    if cuts and _has_double_quote(chunk):
        cuts = _drop_cuts_inside_quotes(chunk, _move_cuts_before_opening_quotes(chunk, cuts))
    if _LIST_START.match(chunk):
        cuts = _cut_before_list_markers(chunk, cuts)
    if cuts and ". . . ." in chunk:
        cuts = _move_cuts_before_ellipsis(chunk, cuts)
    return _capped(chunk, _trimmed_pieces(chunk, cuts))


def _boundaries(chunk: str) -> list[int]:
    """Sorted cut positions ``0 < cut < len(chunk)`` that sentencex proposes for ``chunk``.

    A chunk longer than ``WINDOW_CHARS`` is given to sentencex one window at a time. A
    window keeps its cuts up to ``WINDOW_MARGIN_CHARS`` before its end, and the next one
    starts at the last of them; when that would move on by less than
    ``WINDOW_MIN_STEP_CHARS`` (a long stretch without a boundary), the next window starts
    at the last whitespace before the margin instead (or at the margin, when there is no
    whitespace). So sentencex sees at most ``len(chunk) / WINDOW_MIN_STEP_CHARS + 1``
    windows of at most ``WINDOW_CHARS`` each, whatever the text.
    """
    size = len(chunk)
    if size <= WINDOW_CHARS:
        return _window_cuts(chunk, 0, size)
    cuts: list[int] = []
    start = 0
    while start + WINDOW_CHARS < size:
        limit = start + WINDOW_CHARS - WINDOW_MARGIN_CHARS
        kept = [cut for cut in _window_cuts(chunk, start, start + WINDOW_CHARS) if cut <= limit]
        cuts.extend(kept)
        if kept and kept[-1] >= start + WINDOW_MIN_STEP_CHARS:
            start = kept[-1]
        else:
            space = _last_space(chunk, start + WINDOW_MIN_STEP_CHARS, limit)
            start = limit if space is None else space
    cuts.extend(_window_cuts(chunk, start, size))
    return cuts


def _window_cuts(chunk: str, start: int, end: int) -> list[int]:
    """Sorted sentencex cuts strictly inside ``chunk[start:end]``, as offsets into ``chunk``."""
    size = end - start
    return sorted(
        {
            start + cut
            for item in get_sentence_boundaries(LANGUAGE, chunk[start:end])
            if 0 < (cut := item["end_index"]) < size
        }
    )


_UP_TO_LAST_SPACE = re.compile(r"(?s:.*)\s")


def _last_space(chunk: str, start: int, end: int) -> int | None:
    """Index of the last whitespace character in ``chunk[start:end]``, or ``None``."""
    match = _UP_TO_LAST_SPACE.match(chunk, start, end)
    return match.end() - 1 if match else None


def _capped(chunk: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``pieces`` with each one longer than ``MAX_SENTENCE_CHARS`` cut into short pieces.

    A long piece is cut at its last whitespace that leaves at least half the maximum before
    it, else after exactly ``MAX_SENTENCE_CHARS``; the pieces stay trimmed and non-empty.
    """
    if len(chunk) <= MAX_SENTENCE_CHARS or all(
        end - start <= MAX_SENTENCE_CHARS for start, end in pieces
    ):
        return pieces
    capped: list[tuple[int, int]] = []
    for start, end in pieces:
        while end - start > MAX_SENTENCE_CHARS:
            space = _last_space(
                chunk, start + MAX_SENTENCE_CHARS // 2, start + MAX_SENTENCE_CHARS + 1
            )
            if space is None:
                capped.append((start, start + MAX_SENTENCE_CHARS))
                start += MAX_SENTENCE_CHARS
                continue
            # Pieces are trimmed: ``start`` and ``end - 1`` are not whitespace, so neither
            # side of the cut is empty.
            capped.append((start, start + len(chunk[start:space].rstrip())))
            start = end - len(chunk[space:end].lstrip())
        capped.append((start, end))
    return capped


def _trimmed_pieces(chunk: str, cuts: Sequence[int]) -> list[tuple[int, int]]:
    """Ranges between cuts, trimmed; a piece that is only a list marker joins the next."""
    pieces: list[tuple[int, int]] = []
    pending: int | None = None  # start of a lone list marker waiting for its text
    previous = 0
    for cut in (*cuts, len(chunk)):
        piece = chunk[previous:cut]
        stripped = piece.lstrip()
        if stripped:
            start = previous + len(piece) - len(stripped)
            end = start + len(stripped.rstrip())
            if pending is not None:
                start, pending = pending, None
            if (
                end - start <= LONE_MARKER_MAX_CHARS
                and cut < len(chunk)
                and _LONE_MARKER.fullmatch(chunk, start, end)
            ):
                pending = start
            else:
                pieces.append((start, end))
        previous = cut
    if pending is not None:  # only reachable when the marker was followed by whitespace
        end = len(chunk.rstrip())
        pieces.append((pending, end))
    return pieces


# --- Quotations --------------------------------------------------------------------------

_QUOTE_CHARS = re.compile(r'["“”«»]')
_OPENING_QUOTES = frozenset("“«")
_BEFORE_OPENING = frozenset("([{/-\N{EN DASH}\N{EM DASH}")
_AFTER_CLOSING = frozenset(",.;:!?)]}-'\N{EN DASH}\N{EM DASH}\N{RIGHT SINGLE QUOTATION MARK}")


def _has_double_quote(chunk: str) -> bool:
    return '"' in chunk or "“" in chunk or "«" in chunk


def _is_opening_quote(chunk: str, i: int) -> bool:
    """True when the double quote at ``i`` opens a quotation (by its shape or context)."""
    mark = chunk[i]
    if mark in _OPENING_QUOTES:
        return True
    if mark != '"' or i + 1 >= len(chunk) or chunk[i + 1].isspace():
        return False
    before = chunk[i - 1] if i else " "
    return before.isspace() or before in _BEFORE_OPENING


def _is_closing_quote(chunk: str, i: int) -> bool:
    """True when the double quote at ``i`` closes a quotation (by its shape or context)."""
    mark = chunk[i]
    if mark in "”»":
        return True
    if mark != '"' or not i or chunk[i - 1].isspace():
        return False
    after = chunk[i + 1] if i + 1 < len(chunk) else " "
    return after.isspace() or after in _AFTER_CLOSING


def _quotation_ranges(chunk: str) -> list[tuple[int, int]]:
    """``(open, close)`` indexes of the double quotations that close within ``chunk``.

    Curly quotes and guillemets say which side they are. A straight quote opens when it
    follows whitespace or an opening bracket and precedes a non-space, and closes when it
    follows a non-space and precedes whitespace, punctuation or the end; any other
    straight quote is ignored. Scraped text mixes straight and curly quotes, so any
    closing quote closes the open one. A new opening quote replaces an unclosed one, so a
    stray quote never reaches past the next quotation.
    """
    ranges: list[tuple[int, int]] = []
    open_at = -1
    for match in _QUOTE_CHARS.finditer(chunk):
        i = match.start()
        if _is_opening_quote(chunk, i):
            open_at = i
        elif open_at >= 0 and _is_closing_quote(chunk, i):
            ranges.append((open_at, i))
            open_at = -1
    return ranges


def _move_cuts_before_opening_quotes(chunk: str, cuts: list[int]) -> list[int]:
    """Move a cut that leaves an opening quote at the end of a sentence to before it."""
    moved = {
        cut - 1
        if cut > 1 and chunk[cut - 1] in '"“«' and _is_opening_quote(chunk, cut - 1)
        else cut
        for cut in cuts
    }
    return sorted(moved)


def _drop_cuts_inside_quotes(chunk: str, cuts: list[int]) -> list[int]:
    """Remove every cut that falls between an opening quote and its closing quote."""
    ranges = _quotation_ranges(chunk)
    if not ranges:
        return cuts
    kept: list[int] = []
    r = 0
    for cut in cuts:
        while r < len(ranges) and ranges[r][1] < cut:
            r += 1
        if r < len(ranges) and ranges[r][0] < cut <= ranges[r][1]:
            continue
        kept.append(cut)
    return kept


# --- Lists -------------------------------------------------------------------------------

_BULLET = (
    r"[*\N{BULLET}\N{HYPHEN BULLET}\N{TRIANGULAR BULLET}\N{WHITE BULLET}"
    r"\N{BLACK SMALL SQUARE}\N{EN DASH}-]"
)
# A lone marker left by the segmenter: "1.", "a.", "iv.", "1.)", "(a)", "-9.", a bullet.
_LONE_MARKER = re.compile(
    _BULLET + r"|(?:" + _BULLET + r"\s*)?\(?(?:\d{1,3}|[A-Za-z]|[ivxlcIVXLC]{1,5})(?:\.\)|\.|\))"
)
_MARKER = re.compile(
    r"(?:^|(?<=\s))(?P<bullet>" + _BULLET + r"\s*)?(?P<label>\d{1,3}|[a-z])(?P<punct>\.\)|\.|\))"
    r"(?=\s)"
)
_LIST_START = re.compile(r"(?:" + _BULLET + r"\s*)?(?:\d{1,3}|[a-z])(?:\.\)|\.|\))\s")


def _label_value(label: str) -> int:
    return int(label) if label.isdigit() else ord(label) - ord("a") + 1


def _cut_before_list_markers(chunk: str, cuts: list[int]) -> list[int]:
    """Cut before each next marker of a list that starts the chunk; no cut after a marker.

    The chunk is a list when its first marker is followed, after whitespace, by the next
    marker in sequence written the same way (``1.`` then ``2.``, ``a)`` then ``b)``);
    markers out of sequence are ordinary text.
    """
    markers: list[re.Match[str]] = []
    for match in _MARKER.finditer(chunk):
        if not markers:
            if match.start():
                return cuts
            markers.append(match)
            continue
        first = markers[0]
        same_style = match["punct"] == first["punct"] and bool(match["bullet"]) == bool(
            first["bullet"]
        )
        same_kind = match["label"].isdigit() == first["label"].isdigit()
        if (
            same_style
            and same_kind
            and _label_value(match["label"]) == _label_value(markers[-1]["label"]) + 1
        ):
            markers.append(match)
    if len(markers) < 2:
        return cuts
    inside_marker: set[int] = set()
    for match in markers:
        end = match.end()
        while end < len(chunk) and chunk[end].isspace():
            end += 1
        inside_marker.update(range(match.start() + 1, end + 1))
    kept = {cut for cut in cuts if cut not in inside_marker}
    kept.update(match.start() for match in markers[1:])
    return sorted(kept)


# --- Ellipses ------------------------------------------------------------------------------

_PERIOD_THEN_ELLIPSIS = re.compile(r"(?<=[^\s.])\.(?=(?:\s\.){3}\s+[A-Z])")


def _move_cuts_before_ellipsis(chunk: str, cuts: list[int]) -> list[int]:
    """Cut ``word. . . . Next`` after ``word.``: the spaced ellipsis opens the next sentence."""
    moved = set(cuts)
    for match in _PERIOD_THEN_ELLIPSIS.finditer(chunk):
        period = match.end()
        # The segmenter cuts after the last dot of the ellipsis; move that cut back.
        after = period + 6
        while after < len(chunk) and chunk[after].isspace():
            after += 1
        moved.difference_update(range(period + 1, after + 1))
        moved.add(period)
    return sorted(moved)
