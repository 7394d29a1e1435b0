"""The clean text of an article: its raw text without some spans, whitespace normalised.

PURE: no Django import. Used for the "clean text" view and the ``.txt`` export, with the
spans of the article's confirmed artifact flags.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from newsroom.text.lines import split as split_lines

# Two or more whitespace characters inside a line (a removed span in the middle of a line
# leaves its neighbours' spaces side by side). A single NBSP stays: "10\u00a0km".
_INNER_RUN_RE = re.compile(r"\s{2,}")


def merge_spans(spans: Sequence[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Sort and merge half-open ``(start, end)`` ranges, overlapping or touching.

    Raises ``ValueError`` when a range is empty, reversed or outside ``[0, length]``.
    """
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if not 0 <= start < end <= length:
            raise ValueError(f"span [{start}, {end}) is not inside a text of {length} characters")
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def clean_text(text: str, remove: Sequence[tuple[int, int]] = ()) -> str:
    """Return ``text`` without the ``remove`` spans, with whitespace normalised.

    ``remove`` holds half-open code-point ranges into ``text`` (overlaps allowed; a range
    outside the text raises ``ValueError``). Lines are those of ``newsroom.text.lines``
    (``\\n``, ``\\r\\n``, ``\\r``, VT, FF, U+2028, U+2029; not NEL); line breaks are never
    removed and each comes out as one ``\\n``, so each line is cleaned on its own: a line
    that had content and loses all of it disappears; every line is stripped of
    ``str.isspace`` characters at both edges (NBSP, thin spaces, tabs included) and runs of
    inner whitespace become one space; blank lines at either end go and runs of blank
    lines become one. The result has no trailing newline ("" when nothing is left).
    """
    spans = merge_spans(remove, len(text))
    lines: list[str] = []
    span_index = 0
    for line_start, line_end in split_lines(text):
        while span_index < len(spans) and spans[span_index][1] <= line_start:
            span_index += 1
        kept: list[str] = []
        cursor = line_start
        index = span_index
        while index < len(spans) and spans[index][0] < line_end:
            start, end = spans[index]
            if start > cursor:
                kept.append(text[cursor:start])
            cursor = max(cursor, end)
            index += 1
        if cursor < line_end:
            kept.append(text[cursor:line_end])
        line = _INNER_RUN_RE.sub(" ", "".join(kept).strip())
        if line or not text[line_start:line_end].strip():
            lines.append(line)

    paragraphs: list[str] = []
    for line in lines:
        if line or (paragraphs and paragraphs[-1]):
            paragraphs.append(line)
    while paragraphs and not paragraphs[-1]:
        paragraphs.pop()
    return "\n".join(paragraphs)
