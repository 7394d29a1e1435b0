# ruff: noqa: RUF001
"""Features of every content line for the learned artifact layer.

One row per non-blank line of a :class:`~.document.Document`: what the line looks like
(length, words, punctuation, casing, whether it reads as a sentence), where it sits
(position, runs of short lines, distance to prose), how it relates to its neighbours and
to the title (word overlap, verbatim repeats, truncated copies), its layout role, and what
the rules said about it (the kind of the rule finding covering it, how much it covers,
how sure the rule was). The character n-grams of the line are scored separately by a
hashed n-gram model (see :mod:`.model`) and appended as one more column.

No Django. NumPy is imported only when rows are computed (the rows themselves are plain
lists of floats, turned into an array by the model).
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain, pairwise
from typing import Any

from newsroom.text.spans import BlockRole, Finding

from .document import Document, Line
from .kinds import CHARACTER_KINDS, KINDS, WHITESPACE_KINDS

__all__ = [
    "CATEGORICAL",
    "FEATURE_NAMES",
    "KIND_INDEX",
    "LineRow",
    "line_head",
    "line_rows",
]

# Character-level and whitespace kinds are the rules' alone: they never make a line an
# artifact line, so they are not rule signals for the line model. Read off the Kind enum.
CHARACTER_LEVEL = CHARACTER_KINDS | WHITESPACE_KINDS

# Stable kind numbering for the categorical rule-kind feature (0 = no rule finding).
KIND_INDEX = {kind: i + 1 for i, kind in enumerate(KINDS)}
_ROLES = (BlockRole.TITLE, BlockRole.DATELINE, BlockRole.CAPTION, BlockRole.BODY, BlockRole.TRAILER)

FEATURE_NAMES: tuple[str, ...] = (
    "rel_pos",
    "rank_top",
    "rank_bottom",
    "n_lines",
    "doc_chars",
    "chars",
    "words",
    "mean_word_len",
    "share_of_doc",
    "ends_sentence",
    "ends_colon",
    "ends_digit",
    "starts_upper",
    "starts_lower",
    "starts_digit",
    "starts_symbol",
    "upper_ratio",
    "capitalised_words",
    "digit_ratio",
    "punct_ratio",
    "non_ascii_ratio",
    "sentence_marks",
    "commas",
    "has_url",
    "has_handle",
    "has_copyright",
    "separators",
    "reads_as_sentence",
    "is_title",
    "title_overlap",
    "prev_overlap",
    "next_overlap",
    "copies",
    "seen_before",
    "prefix_of_other",
    "prev_words",
    "next_words",
    "prev_prose",
    "next_prose",
    "short_run",
    "prose_before",
    "prose_after",
    "prose_distance",
    "shared_words",
    "after_last_prose",
    "before_first_prose",
    "doc_prose_share",
    "role_title",
    "role_dateline",
    "role_caption",
    "role_body",
    "role_trailer",
    "rule_kind",
    "rule_cover",
    "rule_confidence",
    "rule_inline",
    "rule_count",
    "char_pos",
    "prose_mass_before",
    "prose_mass_after",
    "blank_before",
    "blank_after",
    "blank_share",
    "len_vs_median",
    "headline_run",
)
# Columns the gradient-boosted model treats as categories, by position.
CATEGORICAL: tuple[int, ...] = (FEATURE_NAMES.index("rule_kind"),)

_WORD = re.compile(r"\w+")
_URL = re.compile(r"https?://|www\.|\.(?:com|org|net|co\.uk)\b|pic\.twitter")
_HANDLE = re.compile(r"(?<!\w)@\w")
# Substrings one of which every match of ``_URL`` contains: most lines hold none, and
# ``in`` is many times faster than the regex search.
_URL_HINTS = ("http", "www.", ".com", ".org", ".net", ".co.uk", "pic.twitter")


def _has_url(low: str) -> bool:
    return any(hint in low for hint in _URL_HINTS) and _URL.search(low) is not None


def _has_handle(text: str) -> bool:
    return "@" in text and _HANDLE.search(text) is not None


def _marker_column(
    joined: str, lines: list[str], test: Callable[[str], bool], hints: tuple[str, ...]
) -> list[float]:
    """``test`` of every line as 0/1, all 0 without a test when no line holds any of
    ``hints`` (``joined``: the lines lower-cased and joined; ``test`` needs a hint)."""
    if not any(hint in joined for hint in hints):
        return [0.0] * len(lines)
    return [float(test(line)) for line in lines]


def _copyright_column(joined: str, texts: list[str], lowered: list[str]) -> list[float]:
    """Whether each line holds "©" or "copyright" (any case)."""
    # "©" has no case: it is in a line's lower-cased text exactly when in the line.
    if "©" not in joined and "copyright" not in joined:
        return [0.0] * len(texts)
    return [float("©" in t or "copyright" in low) for t, low in zip(texts, lowered, strict=True)]


def _separator_column(joined: str, texts: list[str]) -> list[int]:
    """How many separator characters each line holds (counting only those the text has)."""
    present = [mark for mark in _SEPARATORS if mark in joined]
    if not present:
        return [0] * len(texts)
    return [sum(map(t.count, present)) for t in texts]


_SEPARATORS = frozenset("|•·›»/–—")
_SENTENCE_MARK = re.compile(r"[.!?][\"'”’)]*\s+[\"'“‘(]*[A-Z]")


@dataclass(frozen=True, slots=True)
class LineRow:
    """The features of one content line, with the line itself and its rule findings."""

    line: Line
    values: list[float]
    rule_kind: str  # kind of the block rule finding covering most of the line, or ""
    rule_cover: float  # share of the line's characters covered by block rule findings
    whole: tuple[Finding, ...]  # block rule findings that cover most of the line
    inline: tuple[Finding, ...]  # block rule findings covering only part of it


HEAD_CHARS = 100


def line_head(text: str) -> str:
    """What the n-gram models read of a line: its first 100 characters, lower-cased.

    The head names what a line is ("Advertisement", "Share this", "Related:", "Photo:");
    reading no further keeps the cost per article small whatever its paragraphs' length.
    """
    return text[:HEAD_CHARS].lower()


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text))


def _overlap(a: set[str], b: set[str]) -> float:
    """Jaccard similarity of two word sets (the union's size counted, not built)."""
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def _shared(words: set[str], longer_words: set[str], repeated: set[str]) -> float:
    """Share of a line's longer words (4+ characters) that other lines use too.

    ``longer_words`` are the text's words of 4+ characters, ``repeated`` those of them
    that occur in more than one line (a subset of ``longer_words``, so the line's
    repeated longer words are ``words & repeated``).
    """
    longer = len(words & longer_words)
    if not longer:
        return 0.0
    return len(words & repeated) / longer


def _median(values: list[int]) -> float:
    """``numpy.median`` of a few integers (the same value, without NumPy's fixed cost)."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def _is_prose(line: Line) -> bool:
    return (line.words >= 8 and line.ends_sentence) or line.words >= 30


def line_rows(doc: Document, findings: Sequence[Finding]) -> list[LineRow]:
    """Return one :class:`LineRow` per content line of ``doc``, in text order.

    ``findings`` are the rules' resolved findings for the same text; block-level ones
    become the rule features of the lines they fall on.
    """
    content = [doc.lines[i] for i in doc.content]
    n = len(content)
    if not n:
        return []
    text_chars = sum(line.end - line.start for line in content) or 1
    lowered = [line.lower for line in content]
    word_sets = [_words(low) for low in lowered]
    prose = [_is_prose(line) for line in content]
    # In how many lines each word occurs: a line whose words the rest of the text uses
    # belongs to the article; menus, bios, teasers and comments bring words of their own.
    document_frequency = Counter(chain.from_iterable(word_sets))
    prose_ranks = [r for r, p in enumerate(prose) if p]
    copies = Counter(lowered)
    title_words = word_sets[doc.rank[doc.title]] if doc.title in doc.rank else set()
    short = [line.words <= 6 and not line.ends_sentence for line in content]
    run = [0] * n
    r = 0
    while r < n:
        if not short[r]:
            r += 1
            continue
        end = r
        while end < n and short[end]:
            end += 1
        for k in range(r, end):
            run[k] = end - r
        r = end
    # Runs of headline-like lines (3-20 words, no sentence end): teasers, related lists.
    heady = [3 <= line.words <= 20 and not line.ends_sentence for line in content]
    headline_run = [0] * n
    r = 0
    while r < n:
        if not heady[r]:
            r += 1
            continue
        end = r
        while end < n and heady[end]:
            end += 1
        for k in range(r, end):
            headline_run[k] = end - r
        r = end
    lines_all = doc.lines
    blank_before = [float(line.index > 0 and lines_all[line.index - 1].blank) for line in content]
    blank_after = [
        float(line.index + 1 < len(lines_all) and lines_all[line.index + 1].blank)
        for line in content
    ]
    prefixes = _prefix_of_other(lowered)
    per_line = _findings_by_line(doc, content, findings)
    roles = _roles(doc, content)
    counts = _character_counts(doc.text, content)
    # The rows are built column by column (NumPy over the lines, Python only where a
    # feature reads the line's own text), then cut into one list per line. (NumPy is
    # imported here, not with the module: pages that never detect stay without it.)
    import numpy as np

    log1p = math.log1p
    texts = [line.text for line in content]
    length = np.fromiter(map(len, texts), dtype=np.float64, count=n)
    c = np.array(counts, dtype=np.float64).reshape(n, 7)
    letters_raw, upper, digits, spaces, ascii_chars, nwords_raw, capitalised = c.T
    letters = np.where(letters_raw > 0, letters_raw, 1.0)
    nwords = np.where(nwords_raw > 0, nwords_raw, 1.0)
    punct = np.where(letters > 1, length - letters - digits - spaces, length - digits - spaces)
    line_words = [line.words for line in content]
    prose_f = np.array(prose, dtype=np.float64)
    position = np.arange(n, dtype=np.float64)
    # Prose lines before each line (exclusive) and the distance to the nearest prose line.
    cum_prose = np.cumsum(prose_f) - prose_f
    total_prose = len(prose_ranks)
    distance = [99] * n
    for i in range(n):
        k = bisect.bisect_left(prose_ranks, i)
        if k < total_prose and prose_ranks[k] == i:
            distance[i] = 0
            continue
        before = i - prose_ranks[k - 1] if k else 99
        after = prose_ranks[k] - i if k < total_prose else 99
        distance[i] = min(before, after, 99)
    title_index = doc.title
    seen: set[str] = set()
    seen_before = []
    for low in lowered:
        seen_before.append(float(low in seen))
        seen.add(low)
    word_log = [log1p(w) for w in line_words]
    # Where the line sits in the mass of prose (characters of prose lines before/after it).
    prose_len = np.where(prose_f > 0, length, 0.0)
    prose_total = float(prose_len.sum()) or 1.0
    prose_mass_before = (np.cumsum(prose_len) - prose_len) / prose_total
    prose_mass_after = 1.0 - prose_mass_before - prose_len / prose_total
    lengths = list(map(len, texts))
    median_length = _median(lengths) or 1.0
    text_length = len(doc.text) or 1
    longer_words = {w for w in document_frequency if len(w) >= 4}
    repeated = {w for w in longer_words if document_frequency[w] > 1}
    # Word overlap of each line with the next (symmetric: the previous line's too).
    with_next = [_overlap(a, b) for a, b in pairwise(word_sets)]
    # The whole content joined (no marker below contains a line break): a marker absent
    # from it is absent from every line, and most texts hold no URL, handle or "©".
    joined = "\n".join(lowered)
    columns: list[Any] = [
        position / (n - 1) if n > 1 else np.zeros(n),
        np.minimum(position, 30),
        np.minimum(n - 1 - position, 30),
        np.full(n, log1p(n)),
        np.full(n, log1p(len(doc.text))),
        [log1p(x) for x in lengths],
        word_log,
        (length - spaces) / nwords,
        length / text_chars,
        [float(line.ends_sentence) for line in content],
        [float(t[-1] == ":") for t in texts],
        [float(t[-1].isdigit()) for t in texts],
        [float(t[0].isupper()) for t in texts],
        [float(t[0].islower()) for t in texts],
        [float(t[0].isdigit()) for t in texts],
        [float(not t[0].isalnum()) for t in texts],
        upper / letters,
        capitalised / nwords,
        digits / length,
        np.maximum(punct, 0) / length,
        (length - ascii_chars) / length,
        [len(_SENTENCE_MARK.findall(t)) for t in texts],
        [t.count(",") for t in texts],
        _marker_column(joined, lowered, _has_url, _URL_HINTS),
        _marker_column(joined, texts, _has_handle, ("@",)),
        _copyright_column(joined, texts, lowered),
        _separator_column(joined, texts),
        prose_f,
        [float(title_index == line.index) for line in content],
        [
            _overlap(words, title_words) if title_index != line.index else 0.0
            for words, line in zip(word_sets, content, strict=True)
        ],
        [0.0, *with_next],
        [*with_next, 0.0],
        [min(copies[low], 10) for low in lowered],
        seen_before,
        [float(p) for p in prefixes],
        [0.0, *word_log[:-1]],
        [*word_log[1:], 0.0],
        [0.0, *prose_f[:-1].tolist()],
        [*prose_f[1:].tolist(), 0.0],
        [log1p(x) for x in run],
        cum_prose / n,
        (total_prose - cum_prose - prose_f) / n,
        distance,
        [_shared(words, longer_words, repeated) for words in word_sets],
        [float(not prose_ranks or i > prose_ranks[-1]) for i in range(n)],
        [float(not prose_ranks or i < prose_ranks[0]) for i in range(n)],
        np.full(n, total_prose / n),
        *([float(role == each) for role in roles] for each in _ROLES),
        [float(KIND_INDEX.get(item[2], 0)) for item in per_line],
        [item[3] for item in per_line],
        [item[4] for item in per_line],
        [float(bool(item[1])) for item in per_line],
        [float(len(item[0]) + len(item[1])) for item in per_line],
        [line.start / text_length for line in content],
        prose_mass_before,
        prose_mass_after,
        blank_before,
        blank_after,
        np.full(n, sum(blank_after) / n),
        np.log((length + 1.0) / (median_length + 1.0)),
        [log1p(x) for x in headline_run],
    ]
    matrix = np.empty((n, len(columns)), dtype=np.float64)
    for j, column in enumerate(columns):
        matrix[:, j] = column
    return [
        LineRow(line, values, item[2], item[3], tuple(item[0]), tuple(item[1]))
        for line, values, item in zip(content, matrix.tolist(), per_line, strict=True)
    ]


# Per-character classes of the Basic Multilingual Plane, built on first use: bit 0 alpha,
# 1 upper, 2 digit, 3 whitespace (``str.isspace``). Characters past U+FFFF are classified
# one by one (they are rare: emoji, some CJK).
_ALPHA, _UPPER, _DIGIT, _SPACE = 1, 2, 4, 8
_CLASSES = (
    (_ALPHA, str.isalpha),
    (_UPPER, str.isupper),
    (_DIGIT, str.isdigit),
    (_SPACE, str.isspace),
)


def _bits(ch: str) -> int:
    return sum(bit for bit, test in _CLASSES if test(ch))


@functools.cache
def _class_table():
    import numpy as np

    return np.fromiter(map(_bits, map(chr, range(0x10000))), dtype=np.uint8, count=0x10000)


def _classify(text: str, points):
    """The class bits of every character of ``text`` (code points ``points``)."""
    import numpy as np

    bits = _class_table()[np.minimum(points, 0xFFFF)]
    for at in np.flatnonzero(points > 0xFFFF).tolist():
        bits[at] = _bits(text[at])
    return bits


def _character_counts(text: str, content: list[Line]) -> list[tuple[int, ...]]:
    """Per content line: letters, upper-case, digits, " ", ASCII characters, words
    (``str.split``), capitalised words — the per-character counts, for the whole text at
    once at NumPy speed instead of a Python call per character."""
    import numpy as np

    if not content:
        return []
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    bits = _classify(text, points)
    space = (bits & _SPACE) != 0
    # A word starts at a non-space character after whitespace (or at the text's start):
    # content lines are trimmed, so a line's first character starts a word.
    word_start = ~space
    word_start[1:] &= space[:-1]
    # One row per count, with a False column past the end so that a line ending at the
    # text's end is still a valid ``reduceat`` bound.
    length = len(points)
    columns = np.zeros((7, length + 1), dtype=bool)
    upper = (bits & _UPPER) != 0
    columns[0, :length] = (bits & _ALPHA) != 0
    columns[1, :length] = upper
    columns[2, :length] = (bits & _DIGIT) != 0
    columns[3, :length] = points == 32
    columns[4, :length] = points < 128
    columns[5, :length] = word_start
    columns[6, :length] = word_start & upper
    # Sums over [start, end) of each line in one call: the bounds alternate line starts
    # and ends (content lines are non-empty), and every other sum is a line's.
    bounds = np.fromiter(
        (at for line in content for at in (line.start, line.end)),
        dtype=np.intp,
        count=2 * len(content),
    )
    per_line = np.add.reduceat(columns, bounds, axis=1, dtype=np.int64)[:, 0::2].T
    return [tuple(row) for row in per_line.tolist()]


def _prefix_of_other(lowered: list[str]) -> list[bool]:
    """True for a line (20+ chars) that is a strict prefix of another line, ellipsis aside."""
    out = [False] * len(lowered)
    by_head: dict[str, list[int]] = {}
    for i, low in enumerate(lowered):
        if len(low) >= 20:
            by_head.setdefault(low[:20], []).append(i)
    for group in by_head.values():
        if len(group) < 2:
            continue
        for i in group:
            stem = lowered[i].rstrip(".… ")
            out[i] = any(
                j != i and len(lowered[j]) > len(stem) and lowered[j].startswith(stem)
                for j in group
            )
    return out


def _findings_by_line(
    doc: Document, content: list[Line], findings: Sequence[Finding]
) -> list[tuple[list[Finding], list[Finding], str, float, float]]:
    """Block rule findings of each content line: (whole, inline, kind, cover, confidence)."""
    starts = [line.start for line in content]
    hits: list[list[Finding]] = [[] for _ in content]
    for finding in findings:
        if finding.kind in CHARACTER_LEVEL:
            continue
        r = bisect.bisect_right(starts, finding.start) - 1
        while 0 <= r < len(content) and content[r].start < finding.end:
            if content[r].end > finding.start:
                hits[r].append(finding)
            r += 1
    out: list[tuple[list[Finding], list[Finding], str, float, float]] = []
    for line, found in zip(content, hits, strict=True):
        if not found:
            out.append(([], [], "", 0.0, 0.0))
            continue
        length = line.end - line.start
        covered: Counter[str] = Counter()
        whole: list[Finding] = []
        inline: list[Finding] = []
        for finding in found:
            share = (min(finding.end, line.end) - max(finding.start, line.start)) / length
            covered[finding.kind] += share  # type: ignore[assignment]  # float shares
            (whole if share >= 0.5 else inline).append(finding)
        kind, _ = covered.most_common(1)[0]
        cover = min(1.0, sum(covered.values()))
        confidence = max(f.confidence for f in found)
        out.append((whole, inline, kind, cover, confidence))
    return out


def _roles(doc: Document, content: list[Line]) -> list[str]:
    """The layout role of the block each content line starts in ("" without a layout)."""
    layout = doc.layout
    if layout is None or not layout.blocks:
        return [""] * len(content)
    block_starts = [block.start for block in layout.blocks]
    roles = []
    for line in content:
        at = bisect.bisect_right(block_starts, line.start) - 1
        block = layout.blocks[at] if at >= 0 else None
        roles.append(block.role if block is not None and block.end > line.start else "")
    return roles
