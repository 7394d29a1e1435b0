"""The one line model of the text core: which characters end a line.

PURE: no Django import. The layout parser (``layout.parse``), the artifact detector's
``Document`` and the clean text (``clean.clean_text``) all split text into lines here, so
they agree on every line of every text, whatever its line endings.

A line ends at Unicode's mandatory line breaks (UAX #14 classes BK, CR and LF; not NEL,
class NL):

==========  =====================  ===========================================
``\\n``      LF, line feed          Unix, and what the importer's own output uses
``\\r\\n``   CR LF                  Windows: one line break, not two
``\\r``      CR, carriage return    classic Mac OS, some scrapers and exports
``\\x0b``    VT, line tabulation    Word's manual line break in exported text
``\\x0c``    FF, form feed          page breaks in text taken from PDF or print
U+2028      LINE SEPARATOR         JavaScript and JSON sources, some editors
U+2029      PARAGRAPH SEPARATOR    rich-text copies
==========  =====================  ===========================================

Not line breaks, although ``str.splitlines`` splits on them:

- U+0085 NEL (next line). In scraped text it is nearly always a lost ellipsis: the
  windows-1252 byte 0x85 ("…") decoded as Latin-1 by a scraper. Browsers do not break a
  line there either (HTML and CSS break at LF and CR only), so a sentence holding one
  stays one line instead of being cut in two.
- U+001C..U+001E, the information separators: no editor, browser or Unicode's
  line-breaking algorithm ends a line at them.

All of these are ``str.isspace`` characters, so they are trimmed at the edges of a line
like a tab.

Offsets are half-open code-point offsets into the text: a line's ``(start, end)`` leaves
out its line break, and the next line starts after the break (one or two characters).
"""

from __future__ import annotations

import re

__all__ = ["LINE_BREAKS", "line_number", "split"]

# Every character that ends a line on its own (CR LF is one break of two characters).
LINE_BREAKS = "\n\r\x0b\x0c\u2028\u2029"
# The breaks other than "\n": a text without any of them is split with ``str.split``.
_OTHER_BREAKS = LINE_BREAKS.replace("\n", "")
_UNUSUAL_BREAKS = _OTHER_BREAKS.replace("\r", "")
_BREAK_RE = re.compile(r"\r\n|[\n\r\x0b\x0c\u2028\u2029]")


def _has_other_breaks(text: str) -> bool:
    # Five substring searches are ~40 times faster than one regex or set scan here.
    return any(char in text for char in _OTHER_BREAKS)


def split(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` of every line of ``text``, its line break left out.

    Like ``text.split("\\n")`` with offsets: one more line than there are line breaks,
    so ``""`` is one empty line and a text ending with a break ends with an empty line.
    ``text[start:end]`` never holds a line break; the break after a line is
    ``text[end:next_start]``. Never raises.
    """
    spans: list[tuple[int, int]] = []
    append = spans.append
    pos = 0
    if not _has_other_breaks(text):
        for piece in text.split("\n"):
            end = pos + len(piece)
            append((pos, end))
            pos = end + 1
        return spans
    if text.count("\r") == text.count("\r\n") and not any(c in text for c in _UNUSUAL_BREAKS):
        # Windows text (every CR before an LF): split on LF, and the CR ends its line;
        # about three times as fast as the general case below.
        for piece in text.split("\n"):
            end = pos + len(piece)
            append((pos, end - 1 if piece.endswith("\r") else end))
            pos = end + 1
        return spans
    for match in _BREAK_RE.finditer(text):
        append((pos, match.start()))
        pos = match.end()
    append((pos, len(text)))
    return spans


def line_number(text: str, offset: int) -> int:
    """The 1-based number of the line that holds code point ``offset`` of ``text``.

    An offset on a line break counts as the line the break ends; an offset past the end
    counts as the last line.
    """
    offset = max(offset, 0)
    head = text[:offset]
    if not _has_other_breaks(head):
        return head.count("\n") + 1
    breaks = len(_BREAK_RE.findall(head))
    # The LF of a CR LF is still on the line that its CR ends.
    if head.endswith("\r") and text[offset : offset + 1] == "\n":
        breaks -= 1
    return breaks + 1
