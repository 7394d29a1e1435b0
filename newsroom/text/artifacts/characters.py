# ruff: noqa: RUF001, RUF002
"""Character-class detectors: stray whitespace, HTML entities and markup, mojibake."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.entities import html5

import ftfy
import ftfy.bad_codecs  # registers the sloppy-windows-1252 codec

from newsroom.text.spans import Finding

from .document import Document

# Named entities that need their semicolon (html5 lists both "amp;" and "amp").
_ENTITY_NAMES = frozenset(name[:-1] for name in html5 if name.endswith(";"))
_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|([A-Za-z][A-Za-z0-9]{1,31}));")

# A tag, raw or with escaped angle brackets: the tag name must follow "<" directly.
_TAG = r"/?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>\n]*?)?/?"
_MARKUP_RE = re.compile(rf"<{_TAG}>|&lt;{_TAG}&gt;|<!--.*?-->|&lt;!--.*?--&gt;")
_MARKUP_FILLER_RE = re.compile(r"(?:\s|&#?[A-Za-z0-9]+;)*")

# Characters that UTF-8 bytes turn into when decoded as cp1252 or latin-1.
_CP1252_HIGH = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
# A UTF-8 lead byte (0xC2-0xF4) read as latin-1, then continuation bytes (0x80-0xBF).
# (A flat character-class pattern: sre scans it about six times faster than a group.)
_MOJIBAKE_RUN_RE = re.compile(rf"[\u00c2-\u00f4][\u0080-\u00bf{_CP1252_HIGH}]+")
_UTF8_SEQ = re.compile(
    rb"(?:[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3})+"
)


def stray_whitespace(doc: Document) -> Iterator[Finding]:
    """Leading/trailing whitespace on content lines, and runs of whitespace-only lines.

    The fixed rule of the labelling guide: ``str.isspace`` characters at either
    end of a non-blank line are one span each; each maximal run of
    whitespace-only lines is one span from the first whitespace character to the
    last (empty lines inside a run are included, empty lines alone are not).
    """
    run_start: int | None = None
    run_end = 0
    for line in doc.lines:
        if line.blank:
            if line.raw_end > line.raw_start:  # whitespace-only, not empty
                if run_start is None:
                    run_start = line.raw_start
                run_end = line.raw_end
            continue
        if run_start is not None:
            yield Finding(run_start, run_end, "stray_whitespace", "whitespace-only lines", 1.0)
            run_start = None
        if line.start > line.raw_start:
            yield Finding(line.raw_start, line.start, "stray_whitespace", "leading whitespace", 1.0)
        if line.raw_end > line.end:
            yield Finding(line.end, line.raw_end, "stray_whitespace", "trailing whitespace", 1.0)
    if run_start is not None:
        yield Finding(run_start, run_end, "stray_whitespace", "whitespace-only lines", 1.0)


def html_entities(doc: Document) -> Iterator[Finding]:
    """Undecoded HTML entities such as ``&amp;`` or ``&#8217;`` (character level)."""
    if "&" not in doc.text:
        return
    for match in _ENTITY_RE.finditer(doc.text):
        name = match.group(1)
        if name is not None and name not in _ENTITY_NAMES:
            continue
        yield Finding(
            match.start(), match.end(), "html_entity", f"undecoded entity {match[0]}", 0.95
        )


def html_markup(doc: Document) -> Iterator[Finding]:
    """Raw or escaped HTML tags; a line made only of markup is flagged whole."""
    if "<" not in doc.text and "&lt;" not in doc.text:
        return
    for line in doc.lines:
        if line.blank or ("<" not in line.text and "&lt;" not in line.text):
            continue
        matches = list(_MARKUP_RE.finditer(doc.text, line.start, line.end))
        if not matches:
            continue
        covered = sum(m.end() - m.start() for m in matches)
        rest = _MARKUP_RE.sub("", line.text)
        if _MARKUP_FILLER_RE.fullmatch(rest) or covered >= 0.8 * len(line.text):
            yield doc.whole("html_markup", line, "line of HTML markup", 0.95)
            continue
        # Merge tags separated only by whitespace or entities into one span.
        start, end = matches[0].start(), matches[0].end()
        for match in matches[1:]:
            if _MARKUP_FILLER_RE.fullmatch(doc.text, end, match.start()):
                end = match.end()
                continue
            yield doc.finding("html_markup", start, end, "HTML tag in the text", 0.9)
            start, end = match.start(), match.end()
        yield doc.finding("html_markup", start, end, "HTML tag in the text", 0.9)


def _garbled_utf8(run: str) -> Iterator[tuple[int, int]]:
    """Offsets (into ``run``) of sub-runs that are UTF-8 bytes decoded as cp1252."""
    try:
        data = run.encode("sloppy-windows-1252")
    except UnicodeEncodeError:
        return
    # Each character encodes to exactly one byte, so byte offsets are char offsets.
    for match in _UTF8_SEQ.finditer(data):
        chunk = data[match.start() : match.end()]
        try:
            decoded = chunk.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if decoded and len(decoded) < len(chunk):
            yield match.start(), match.end()


def mojibake(doc: Document) -> Iterator[Finding]:
    """UTF-8 text decoded as cp1252/latin-1 ("â€™" for "’"), character level.

    Candidate runs of cp1252-range characters are re-encoded; a sub-run that is
    valid multi-byte UTF-8 and that ftfy also judges bad is reported.
    """
    # Every run starts with U+00C2..U+00F4, whose UTF-8 lead byte is 0xC3.
    if doc.text.isascii() or b"\xc3" not in doc.utf8():
        return
    for match in _MOJIBAKE_RUN_RE.finditer(doc.text):
        run = match[0]
        for start, end in _garbled_utf8(run):
            piece = run[start:end]
            fixed = ftfy.fix_text(piece)
            if fixed == piece:
                continue
            # "Â\xa0" is a garbled NBSP: flag the visible garbage, keep spans trimmed.
            yield doc.finding(
                "mojibake",
                match.start() + start,
                match.start() + end,
                f"encoding garbage for {fixed!r}",
                0.95,
            )
