"""The boilerplate detectors: phrase lines, comment sections, related-link lists, orphan
headlines, rule lines, foreign-script links and paywall cut-offs."""

from __future__ import annotations

from collections.abc import Iterator

from newsroom.text.spans import Finding

from ..document import Document, Line
from .matcher import phrase_for
from .tables import (
    _BUTTON_RE,
    _CJK_RE,
    _CUT_END_RE,
    _DANGLING_RE,
    _DEAD_RE,
    _HEADER_RE,
    _HOVER_MORE_RE,
    _LEGAL_LINKS_RE,
    _NOT_CJK_LEAD,
    _QUOTE_RE,
    _RELATED_HEADER_RE,
    _RULE_RE,
    _STRONG_LIVE_RE,
)


def phrases(doc: Document) -> Iterator[Finding]:
    """Whole lines that belong to a boilerplate phrase family (see :data:`PHRASES`).

    Two context rules: a bare "More" right after share buttons is one of them, and
    a "Privacy Policy / Terms of Use" line is the small print of the sign-up box
    it follows (else of a consent banner).
    """
    previous: str | None = None
    for line in doc.lines:
        if line.blank:
            continue
        phrase = phrase_for(doc, line)
        kind = phrase.kind if phrase is not None else None
        if phrase is not None and previous == "share_widget" and line.lower == "more":
            yield doc.whole("share_widget", line, "more share buttons", 0.8)
            kind = "share_widget"
        elif phrase is not None:
            yield doc.whole(phrase.kind, line, phrase.reason, phrase.confidence)
        elif previous == "newsletter_prompt" and line.words <= 4 and _BUTTON_RE.match(line.text):
            kind = "newsletter_prompt"
            yield doc.whole(kind, line, "button of the sign-up box above", 0.75)
        elif line.words <= 8 and _LEGAL_LINKS_RE.match(line.text):
            kind = "newsletter_prompt" if previous == "newsletter_prompt" else "cookie_notice"
            yield doc.whole(kind, line, "privacy/terms links", 0.7)
        previous = kind


def comments(doc: Document) -> Iterator[Finding]:
    """Comment sections: empty ones (dead) and scraped reader comments (one per line).

    A comments header followed by lines that are not themselves boilerplate is a
    live section; the header alone (or followed only by form text) is dead.
    """
    lines = [doc.lines[i] for i in doc.content]
    rank = 0
    while rank < len(lines):
        line = lines[rank]
        if not _HEADER_RE.match(line.text):
            rank += 1
            continue
        body: list[Line] = []
        for nxt in lines[rank + 1 :]:
            if phrase_for(doc, nxt) is not None or _HEADER_RE.match(nxt.text):
                break
            body.append(nxt)
        live = (
            bool(body)
            and not _DEAD_RE.match(line.text)
            and (_STRONG_LIVE_RE.match(line.text) is not None or doc.position(line) >= 0.5)
        )
        if live:
            yield doc.whole("user_comments", line, "header of a comment section", 0.8)
            for comment in body:
                yield doc.whole("user_comments", comment, "reader comment", 0.75)
            rank += len(body) + 1
            continue
        if not body or _DEAD_RE.match(line.text):
            yield doc.whole("dead_comments", line, "empty comment section", 0.85)
        rank += 1


def related_lists(doc: Document) -> Iterator[Finding]:
    """Headline lists under a related-links header, and inline hover cards."""
    lines = [doc.lines[i] for i in doc.content]
    for rank, line in enumerate(lines):
        if not _RELATED_HEADER_RE.match(line.text):
            continue
        for nxt in lines[rank + 1 : rank + 9]:
            if (
                not _headline_like(nxt)
                or _RELATED_HEADER_RE.match(nxt.text)
                or _HEADER_RE.match(nxt.text)
            ):
                break
            yield doc.whole("related_links", nxt, f"headline listed under {line.text!r}", 0.7)
    # Hover card: the page's own title repeated inside a body line, then "MORE".
    if doc.title is not None:
        title = doc.lines[doc.title].text
        if len(title) >= 20:
            for line in lines:
                if line.index == doc.title:
                    continue
                at = line.text.find(title)
                if at <= 0:
                    continue
                more = _HOVER_MORE_RE.search(line.text, at + len(title))
                if more:
                    yield doc.finding(
                        "related_links",
                        line.start + at,
                        line.start + more.end(),
                        "headline list of a link hover card",
                        0.75,
                    )


def _headline_like(line: Line) -> bool:
    text = line.text
    return (
        2 <= line.words <= 20
        and not text.endswith(".")
        and len(text) <= 140
        and not text.endswith(":")
    )


def orphan_headlines(doc: Document) -> Iterator[Finding]:
    """A headline-like line between body paragraphs: a teaser for another story."""
    for index in doc.content:
        line = doc.lines[index]
        if index == doc.title or doc.rank[index] < 3:
            continue
        text = line.text
        if not 6 <= line.words <= 20 or line.ends_sentence or text.isupper():
            continue
        if text.endswith(("…", "...")) or (":" not in text and not _QUOTE_RE.search(text)):
            continue
        prev, nxt = doc.neighbour(index, -1), doc.neighbour(index, 1)
        if doc.is_prose(prev) and doc.is_prose(nxt):
            yield doc.whole("related_links", line, "headline-like line between paragraphs", 0.45)
    for index in doc.content:
        line = doc.lines[index]
        # Section sub-headings ("WHAT COMES NEXT") are content; teasers are headline-long.
        if line.words >= 8 and line.text.isupper() and sum(c.isalpha() for c in line.text) >= 30:
            yield doc.whole("related_links", line, "all-caps teaser line", 0.45)


def separators(doc: Document) -> Iterator[Finding]:
    """Decorative rule lines (``———``, ``___``, ``* * *``)."""
    for line in doc.lines:
        if not line.blank and _RULE_RE.match(line.text):
            yield doc.whole("separator", line, "rule line", 0.95)


def foreign_script_links(doc: Document) -> Iterator[Finding]:
    """A short line in another script (e.g. "read in Chinese") inside a Latin-script text."""
    # _CJK_RE's ranges (U+3040..U+D7AF) all have UTF-8 lead bytes 0xE3..0xED: one C-speed
    # byte pass rules most texts out before the regex scan.
    if (
        doc.text.isascii()
        or not doc.utf8().translate(None, _NOT_CJK_LEAD)
        or not _CJK_RE.search(doc.text)
    ):
        return
    sample = doc.text[:4000]
    if len(_CJK_RE.findall(sample)) > 0.2 * len(sample):
        return
    for index in doc.content:
        line = doc.lines[index]
        if len(line.text) > 60 or line.text.isascii():
            continue
        letters = sum(c.isalpha() for c in line.text)
        if letters and len(_CJK_RE.findall(line.text)) >= 0.6 * letters:
            yield doc.whole("navigation", line, "language switcher in another script", 0.7)


def truncated_text(doc: Document) -> Iterator[Finding]:
    """Paywall or teaser cut-offs: a short dangling fragment ending in an ellipsis at the end."""
    for index in reversed(doc.content):
        last = doc.lines[index]
        if phrase_for(doc, last) is not None:
            continue  # the paywall box or footer after the cut
        if _CUT_END_RE.search(last.text) and (
            last.words <= 8 or _DANGLING_RE.search(last.text) is not None
        ):
            yield doc.whole("truncated_text", last, "text cut off at the end", 0.6)
        return
