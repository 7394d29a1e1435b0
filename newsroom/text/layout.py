"""Raw scraped article text -> layout blocks with roles.

The scraped plain-text layout this module expects, when it is there at all::

    Title of the article                        <- TITLE
    February 04 2020 02:32 PM                   <- DATELINE (parsed to ``Layout.published``)
    Caption cut at 100 characters ...           <- CAPTION (lines up to the first blank line)
    Full caption. AGENCY/Credit.                <- CAPTION
    <blank lines>
    First paragraph.                            <- BODY, one block per non-empty line
    Second paragraph.                           <- BODY
    <blank line>
    There are no comments.                      <- TRAILER (short blocks after the body run)

Real scraped text often has none of it, so every step is a guess that must earn its place:
a long or sentence-like first line is body, not a title; a line is a dateline only when it
parses as a date; captions need a dateline above them and a blank line below them; a
trailer needs a multi-line body run above it. When nothing matches, everything is BODY.

Every block is one line trimmed of whitespace (``str.isspace``, so NBSP counts); offsets
are half-open code-point offsets into the text passed in, whatever its line endings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from newsroom.text import lexicon
from newsroom.text.lines import split as split_lines
from newsroom.text.spans import Block, BlockRole, Layout

__all__ = ["parse", "parse_dateline"]

# A title is a headline, not prose: longer lines, or long lines that end like a
# sentence, are the body's first paragraph (common when the scraper dropped the title).
TITLE_MAX_CHARS = 200
TITLE_MAX_WORDS_ENDING_IN_PERIOD = 9
# A dateline is a short stamp; longer lines are never parsed as dates.
DATELINE_MAX_CHARS = 120
# How many short lines (bylines, kickers) may sit between the title and the dateline.
DATELINE_SEARCH_ROWS = 3
DATELINE_PRECEDING_MAX_CHARS = 100
# Captions: at most this many lines between the dateline and the first blank line.
CAPTION_MAX_ROWS = 3
# Trailer: short groups after a body run of at least this many lines.
TRAILER_BODY_RUN_MIN_ROWS = 2
TRAILER_MAX_GROUP_ROWS = 3
TRAILER_MAX_LINE_CHARS = 160
TRAILER_MAX_SHARE = 0.5  # of the characters of the body rows above it


def parse(text: str, *, title_in_text: bool = True) -> Layout:
    """Split raw scraped ``text`` into role-tagged blocks.

    One block per non-blank line, trimmed of leading and trailing whitespace (NBSP
    included); blank and whitespace-only lines produce no block. Lines end where
    ``newsroom.text.lines`` says (``\\n``, ``\\r\\n``, ``\\r``, VT, FF, U+2028, U+2029;
    not NEL), and offsets are into ``text`` itself, so ``text[b.start:b.end]`` is always
    the block's text.

    ``title_in_text=False`` is for records that carry their title separately (JSON
    imports): no line of ``text`` is taken as the title, but datelines, captions and the
    trailer are still recognised. The returned ``Layout.title`` is then ``None``.

    Never raises on any ``str``; empty or whitespace-only text gives no blocks.
    """
    rows, gaps = _rows(text)
    n = len(rows)
    if not n:
        return Layout(text=text, blocks=())
    roles = [BlockRole.BODY] * n
    title: str | None = None
    published: datetime | None = None

    i = 0
    # A dateline printed above the title.
    i, published = _take_datelines(text, rows, i, roles, published)
    if title_in_text and i < n - 1 and _looks_like_title(text[slice(*rows[i])]):
        roles[i] = BlockRole.TITLE
        title = text[slice(*rows[i])]
        i += 1
    dateline_end = i if published is not None else None
    if dateline_end is None:
        for j in range(i, min(n, i + DATELINE_SEARCH_ROWS + 1)):
            k, published = _take_datelines(text, rows, j, roles, None)
            if published is not None:
                dateline_end = i = k
                break
            if rows[j][1] - rows[j][0] > DATELINE_PRECEDING_MAX_CHARS:
                break
    if dateline_end is not None:
        i = dateline_end
        run_end = i
        while run_end < n and (run_end == i or not gaps[run_end]):
            run_end += 1
        if 0 < run_end - i <= CAPTION_MAX_ROWS and run_end < n and gaps[i] == 0:
            for j in range(i, run_end):
                roles[j] = BlockRole.CAPTION
            i = run_end

    for j in _trailer_rows(rows, gaps, i):
        roles[j] = BlockRole.TRAILER
    blocks = tuple(
        Block(start, end, role=role) for (start, end), role in zip(rows, roles, strict=True)
    )
    return Layout(text=text, blocks=blocks, title=title, published=published)


def _rows(text: str) -> tuple[list[tuple[int, int]], list[int]]:
    """Trimmed spans of the non-blank lines, and how many blank lines precede each."""
    rows: list[tuple[int, int]] = []
    gaps: list[int] = []
    blank = 0
    for line_start, line_end in split_lines(text):
        line = text[line_start:line_end]
        stripped = line.lstrip()
        if stripped:
            start = line_end - len(stripped)
            rows.append((start, start + len(stripped.rstrip())))
            gaps.append(blank)
            blank = 0
        else:
            blank += 1
    return rows, gaps


def _take_datelines(
    text: str,
    rows: Sequence[tuple[int, int]],
    i: int,
    roles: list[BlockRole],
    published: datetime | None,
) -> tuple[int, datetime | None]:
    """Mark consecutive dateline rows from ``i``; return the next row and the first date."""
    while i < len(rows):
        when = parse_dateline(text[slice(*rows[i])])
        if when is None:
            break
        roles[i] = BlockRole.DATELINE
        if published is None:
            published = when
        i += 1
    return i, published


_CLOSERS = "\"')]”»\N{RIGHT SINGLE QUOTATION MARK}"


def _looks_like_title(line: str) -> bool:
    """True for a headline-like line: short, and not ending like a sentence or a lead-in."""
    if len(line) > TITLE_MAX_CHARS:
        return False
    core = line.rstrip(_CLOSERS)
    if not core:
        return True
    if core[-1] in ":;,":
        return False
    return not (core[-1] == "." and len(line.split()) > TITLE_MAX_WORDS_ENDING_IN_PERIOD)


def _trailer_rows(rows: Sequence[tuple[int, int]], gaps: Sequence[int], first: int) -> list[int]:
    """Row indexes of the trailer: short groups after the last blank-line gap of the body.

    Groups are runs of rows with no blank line between them. The trailer is the longest
    suffix of short groups (few, short lines) that follows a body run of several lines, and
    it must stay small next to the body above it; text whose paragraphs are all separated
    by blank lines has no body run, so nothing in it is called a trailer.
    """
    groups: list[list[int]] = []
    for j in range(first, len(rows)):
        if not groups or gaps[j]:
            groups.append([])
        groups[-1].append(j)
    k = len(groups)
    while k > 1 and _is_short_group(rows, groups[k - 1]):
        k -= 1
    if k == len(groups) or len(groups[k - 1]) < TRAILER_BODY_RUN_MIN_ROWS:
        return []
    trailer = [j for group in groups[k:] for j in group]
    body_chars = sum(rows[j][1] - rows[j][0] for group in groups[:k] for j in group)
    trailer_chars = sum(rows[j][1] - rows[j][0] for j in trailer)
    return trailer if trailer_chars <= TRAILER_MAX_SHARE * body_chars else []


def _is_short_group(rows: Sequence[tuple[int, int]], group: Sequence[int]) -> bool:
    return len(group) <= TRAILER_MAX_GROUP_ROWS and all(
        rows[j][1] - rows[j][0] <= TRAILER_MAX_LINE_CHARS for j in group
    )


# --- Datelines -------------------------------------------------------------------------

_MONTHS = lexicon.MONTH_NUMBERS
_MONTH = r"(?P<mname>(?ai:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r"))\.?"
_WEEKDAY = (
    r"(?:(?i:"
    + "|".join(name for names in lexicon.WEEKDAYS for name in names[:-1])
    + r")(?i:day|nesday|sday|urday)?\.?,?\s+)?"
)
_PREFIX = (
    r"(?:(?i:(?:first\s+|last\s+)?(?:published|updated|posted|modified|date|dated)"
    r"(?:\s+on)?)\s*:?\s*)?"
)
_DAY = r"(?P<d>\d{1,2})(?i:st|nd|rd|th)?"
_DATES = (
    _MONTH + r"\s+" + _DAY + r",?\s+(?P<y>\d{4})",
    _DAY + r"\s+(?i:of\s+)?" + _MONTH + r",?\s+(?P<y>\d{4})",
    r"(?P<y>\d{4})(?P<sep>[-/.])(?P<mn>\d{1,2})(?P=sep)(?P<d>\d{1,2})",
    r"(?P<mn>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4}|\d{2})",
    r"(?P<d>\d{1,2})\.(?P<mn>\d{1,2})\.(?P<y>\d{4})",
)
_TIME = (
    r"(?:(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?"
    r"|(?P<h2>\d{1,2})(?=\s*(?i:[ap]\.?\s?m\b)))"
    r"\s*(?P<ap>(?i:[ap]\.?\s?m\.?))?"
    # Time zones are read and ignored: ``published`` is naive, as printed.
    r"(?:\s*(?:Z|[+-]\d{2}:?\d{2}|\(?(?:[A-Z]{2,5}|(?i:ist|est|edt|cst|cdt|pst|pdt|gmt|utc))"
    r"(?:[+-]\d{1,2}(?::?\d{2})?)?\)?))?"
)
_SEP = r"\s*(?:[,|/•·\N{EN DASH}\N{EM DASH}-]|(?i:at)|T)?\s*"
# "November 19, 2019 / 12:21 AM / Updated 14 hours ago": a relative update note may follow.
_TAIL = r"(?:\s*[|/•·]\s*(?i:updated|modified)\b.*)?"
_DATELINES = tuple(
    re.compile(pattern)
    for date in _DATES
    for pattern in (
        _PREFIX + _WEEKDAY + date + r"(?:" + _SEP + _TIME + r")?" + _TAIL,
        _PREFIX + _TIME + _SEP + _WEEKDAY + date + _TAIL,
    )
)


def parse_dateline(line: str) -> datetime | None:
    """Parse a whole line as a publication stamp, or return ``None``.

    Accepts a date with an optional time before or after it ("February 04 2020 02:32 PM",
    "Feb 4, 2020 14:32", "2020-02-04 14:32", "04 February 2020", "11/19/19 06:56 AM EST",
    "Published 10:02 AM EST Nov 19, 2019", "Updated: Tuesday, November 19, 2019 08:38 AM").
    Weekdays and time zones are read and ignored; the result is naive, as printed. Slash
    dates are month first unless that is impossible. The whole line must match and the
    date must exist: anything else (prose, a bare time, a date without a year) is ``None``.
    """
    line = line.strip()
    if len(line) > DATELINE_MAX_CHARS or not any(c.isdigit() for c in line):
        return None
    for pattern in _DATELINES:
        match = pattern.fullmatch(line)
        if match is not None and (when := _datetime(match)) is not None:
            return when
    return None


def _datetime(match: re.Match[str]) -> datetime | None:
    """Build the datetime a dateline match names, or ``None`` when it does not exist."""
    parts = match.groupdict()
    year = int(parts["y"])
    if year < 100:
        year += 2000 if year < 70 else 1900
    day = int(parts["d"])
    if parts.get("mname"):
        month = _MONTHS[parts["mname"].lower()]
    else:
        month = int(parts["mn"])
        if month > 12 and day <= 12 and "/" in match.group(0):
            month, day = day, month
    hour = minute = second = 0
    hour_text = parts.get("h") or parts.get("h2")
    if hour_text:
        hour = int(hour_text)
        minute = int(parts.get("mi") or 0)
        second = int(parts.get("s") or 0)
        meridiem = (parts.get("ap") or "").lower()[:1]
        if meridiem and 1 <= hour <= 12:
            hour = hour % 12 + (12 if meridiem == "p" else 0)
        elif meridiem and hour == 0:
            return None
    if not 1900 <= year <= 2100:
        return None
    try:
        return datetime(year, month, day, hour, minute, second)  # naive, as printed
    except ValueError:
        return None
