# ruff: noqa: RUF001
"""Media leftovers: captions, photo credits, player/gallery stubs, embedded posts."""

from __future__ import annotations

import re
from collections.abc import Iterator

from newsroom.text import lexicon
from newsroom.text.spans import Finding

from . import boilerplate, repetition
from .document import Document, Line

_AGENCY = lexicon.PHOTO_AGENCIES
_CREDIT_MARKERS = ("credit", "photo", "image", "picture", "getty", "courtesy")
# Every alternative of _CREDIT_TAIL_RE ends the line with ")" or holds one of these.
_TAIL_LITERALS = ("/", "Credit", "Photo", "Image", "Picture")
_AGENCY_RE = re.compile(rf"\b{_AGENCY}\b")
_AGENCY_END_RE = re.compile(rf"(?:,|/|\bvia|\bfor)\s*{_AGENCY}(?:\s+file(?: photo)?)?$", re.I)
_AGENCY_SLASH_RE = re.compile(rf"{_AGENCY}\s*/\s*\S")
# "Jane Doe/The Outlet": a capitalised personal name, a slash, a capitalised outlet.
_NAME_SLASH_RE = re.compile(
    r"^[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){1,3}\s*/\s*(?:[A-Z][\w.&'’-]*\s*){1,4}$"
)
_CREDIT_WORDS = re.compile(
    rf"\b{_AGENCY}\b|\b(?:Photo|Photograph|Photos|Image|Picture|Pic|Credit|Courtesy|File)s?\b"
    r"|/",
)
_CREDIT_LEAD_RE = re.compile(
    r"^(?:(?:Photo|Photograph|Image|Picture|Pic|Video)s?\s*(?:credit|copyright|by|courtesy)?"
    r"\s*(?::|-|–|by)\s*\S|Image\s+(?:copyright|credit|source)\b|Credits?\s*(?:\.\.\.|…|:)"
    r"|Courtesy\s+(?:of\s+)?\S|Copyright\s+\S.{0,40}(?:Getty|AP|Reuters|AFP|Images?|Photo))",
    re.IGNORECASE,
)
_CREDIT_TAIL_RE = re.compile(
    rf"(?:\(\s*(?:{_AGENCY}|Photo|Photograph|Image|Credit)[^()]{{0,80}}\)"
    rf"|\(\s*[^()]{{1,80}}/\s*[^()]{{1,60}}\)"
    rf"|\(\s*[^()]{{0,60}}\b(?:{_AGENCY}|Photo|Courtesy)\b[^()]{{0,30}}\)"
    r"|Credit\s*(?:\.\.\.|…|:)\s*[^\n]{1,100}"
    r"|(?:Photo|Image|Picture)\s*(?:credit)?\s*:\s*[^\n.]{1,80}\.?"
    rf"|{_AGENCY}\s*/\s*[^\n]{{1,90}})$",
)
_NAME_AGENCY_RE = re.compile(
    rf"^[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){{0,3}}\s*(?:,|/|for|-)\s*{_AGENCY}(?:\s+file)?$"
)
_CAPTION_LEAD_RE = re.compile(
    r"^(?:(?:Image|Photo|Video) caption\b|(?:Caption|Above|Pictured|Top|Main image|FILE PHOTO"
    r"|FILE)\s*:|In this (?:[\w,. ]{0,40})?(?:photo|image|picture|file photo|photograph)\b)",
    re.IGNORECASE,
)
_CAPTION_WORDS = (
    "image caption",
    "photo caption",
    "video caption",
    "caption",
    "above",
    "pictured",
    "top",
    "main image",
    "file",
    "in this",
)
_QUOTE_MARK_RE = re.compile(r"[\"“”]")
_GALLERY_COUNTER_RE = re.compile(r"\b(\d{1,3})\s*/\s*(\d{1,3})\b")
# Each counter owns a "/" with a digit on both sides: fewer than two such slashes, no
# gallery (a digit-led pattern, which ``re`` scans far faster than the one above).
# The longest caption text before a credit tail (dev set: 210 characters).
CAPTION_MAX_CHARS = 400
_COUNTER_SLASH_RE = re.compile(r"\d\s*/(?=\s*\d)")
# "Show all 50" is a gallery widget anywhere; the gallery words only on a short title line
# ("The week in pictures"), never in a body sentence ("the museum's photo gallery").
_GALLERY_RE = re.compile(r"\bshow all \d+\b", re.I)
_GALLERY_TITLE_RE = re.compile(r"\b(?:in pictures|slideshow|photo gallery)\b", re.I)
_GALLERY_WORDS = ("pictures", "show all", "slideshow", "gallery")
_SENTENCE_BREAK_RE = re.compile(r"(?<=[.!?])\s*(?=[A-Z(])|(?<=[a-z]\.)(?=[A-Z])")

_PLAYER_RE = re.compile(
    r"^(?:just watched|replay|play(?: video| all)?|now playing|up next|watch(?: now| video|"
    r" live)?|video|live|loading(?: video)?\.*|click to (?:play|watch|expand)|"
    r"(?:(?:image|photo|slide|picture) )?\d{1,3} (?:of|/) \d{1,3}|\d+ (?:photos|images|videos)|"
    r"more videos?(?:\s*(?:\.{3}|…|:|»))?|"
    r"view (?:all|gallery|slideshow)(?: \(\d+\))?|"
    r"see (?:all )?(?:tweets?|posts?|photos|the gallery)"
    r"\s*:?|enlarge(?: this image)?|toggle caption|hide caption|expand image|"
    r"watch:\s.{0,80}|video:\s.{0,80}|\(graphic:.{0,120}\)|graphic:.{0,120}|"
    r"embed(?: this)?|copy this code.{0,60}|duration:?\s*\d+:\d+|\d+:\d+)$",
    re.IGNORECASE,
)
_PLAYER_TITLE_AFTER_RE = re.compile(
    r"^(?:just watched|replay|now playing|up next|watch next)$", re.IGNORECASE
)

_TWEET_SIGN_RE = re.compile(
    r"[—–-]\s*[^\n—–]{1,80}?\(@\w{1,15}\)\s+(?:on\s+)?[A-Z][a-z]+\.? \d{1,2},? \d{4}"
)
_SOCIAL_LINK_RE = re.compile(
    r"pic\.twitter\.com/\w+|https?://t\.co/\w+|\binstagram\.com/p/|A post shared by\b"
)
_SOCIAL_MARKERS = ("(@", "t.co/", "pic.twitter", "instagram.com", "post shared")
_SOCIAL_MARKER_RE = re.compile(r"\(@|t\.co/|pic\.twitter|instagram\.com|post shared")
_SOCIAL_STUB_RE = re.compile(
    r"^(?:Report|View (?:this post|more) on (?:Instagram|Twitter|Facebook)|"
    r"A post shared by .{1,80}|Skip (?:twitter|facebook|instagram) post.{0,40}|"
    r"End of (?:twitter|facebook|instagram) post.{0,40})$",
    re.IGNORECASE,
)


def is_credit(text: str, standalone: bool = False) -> bool:
    """True when ``text`` reads as a photo credit (agency, "Photo: ...", "Name/Agency")."""
    text = text.strip()
    if not text or len(text) > 110:
        return False
    if _CREDIT_LEAD_RE.match(text) or _NAME_AGENCY_RE.match(text):
        return True
    # A standalone credit is at most 8 words (tested first: cheaper than the search below).
    if standalone and len(text.split()) > 8:
        return False
    bare = text.strip("().[] ")
    if not bare or not _CREDIT_WORDS.search(bare):
        return False
    words = bare.replace("/", " ").split()
    lower = [w for w in words if w[0].islower() and w not in {"via", "file", "of", "and", "for"}]
    if len(words) > 14 or len(lower) > len(words) // 3:
        return False
    if standalone:
        # A whole line: "Name, AGENCY", "AGENCY/Name" or "Name Surname/Outlet", short.
        return bool(
            _AGENCY_END_RE.search(bare)
            or _AGENCY_SLASH_RE.match(bare)
            or _NAME_SLASH_RE.match(bare)
        )
    return True


def is_parenthesised_credit(line: Line) -> bool:
    """A short "(Walt Disney Co.)"-style line: capitalised words in parentheses."""
    text = line.text
    if not (text.startswith("(") and text.endswith(")")) or line.words > 6:
        return False
    words = text[1:-1].replace("/", " ").split()
    return bool(words) and all(w[0].isupper() or w in {"via", "of", "and"} for w in words)


def credit_tail(text: str, lower: str | None = None) -> int | None:
    """Offset in ``text`` where a trailing photo credit starts, or None.

    ``lower`` may pass ``text.lower()`` when it is already at hand.
    """
    # Credits are short: only the end of the line is searched (keeps long lines cheap).
    window = max(0, len(text) - 130)
    # (The markers are ASCII: a same-length lower-cased copy holds them at the same
    # offsets as the lower-cased slice.)
    end = lower[window:] if lower is not None and len(lower) == len(text) else text[window:].lower()
    if not (text.endswith(")") or "/" in end or any(m in end for m in _CREDIT_MARKERS)):
        return None
    if text.endswith(")") or any(w in text[window:] for w in _TAIL_LITERALS):
        match = _CREDIT_TAIL_RE.search(text, window)
        if match and match.start() > 0 and is_credit(match[0]):
            return match.start()
    # Credit after the last sentence end: "... yesterday. AFP/Press Service."
    cuts = [
        m.end()
        for m in _SENTENCE_BREAK_RE.finditer(text, max(0, len(text) - 110))
        if 0 < m.end() < len(text)
    ]
    for cut in cuts[-2:]:
        tail = text[cut:]
        if len(tail) <= 100 and ("/" in tail or _AGENCY_RE.search(tail)) and is_credit(tail):
            return cut
    return None


def captions_and_credits(doc: Document) -> Iterator[Finding]:
    """Image captions (whole lines) and photo credits (whole lines or caption tails)."""
    truncated = repetition.analyse(doc).truncations
    full_of_truncated = set(truncated.values())
    credit_lines: set[int] = set()
    for line in doc.lines:
        if line.blank:
            continue
        text = line.text
        # (is_credit already tries _CREDIT_LEAD_RE on lines of up to 110 characters.)
        if len(text) <= 110 and (
            is_credit(text, standalone=True)
            or (
                text[0] == "("
                and is_parenthesised_credit(line)
                and (prev := doc.neighbour(line.index, -1)) is not None
                and not prev.ends_sentence
            )
        ):
            credit_lines.add(line.index)
            yield doc.whole("photo_credit", line, "photo credit line", 0.85)
            continue
        if (
            text.count("/") >= 2
            and len(_COUNTER_SLASH_RE.findall(text)) >= 2
            # A gallery counts its pictures ("1/50", "2/50", ...): a couple of fractions
            # in a long text are figures or scores, not a widget.
            and len(_gallery_counters(text)) >= max(2, len(text) // 2000)
        ) or (
            any(w in line.lower for w in _GALLERY_WORDS)
            and (
                _GALLERY_RE.search(text)
                or (line.words <= 8 and not line.ends_sentence and _GALLERY_TITLE_RE.search(text))
            )
        ):
            yield doc.whole("image_caption", line, "gallery widget text", 0.85)
            continue
        cut = credit_tail(text, line.lower)
        lead = _CAPTION_LEAD_RE.match(text) if line.lower.startswith(_CAPTION_WORDS) else None
        is_caption = cut is not None or lead is not None or line.index in full_of_truncated
        if not is_caption:
            continue
        reason = (
            "caption prefix"
            if lead
            else "ends with a photo credit"
            if cut is not None
            else f"full text of the cut copy on line {_key_for(truncated, line.index) + 1}"
        )
        if cut is not None:
            # A caption is a sentence or two; a long paragraph ending with a credit is body
            # text with a credit glued to it: only the credit is an artifact.
            if cut <= CAPTION_MAX_CHARS:
                yield doc.finding("image_caption", line.start, line.start + cut, reason, 0.85)
            yield doc.finding(
                "photo_credit", line.start + cut, line.end, "credit tail of a caption", 0.85
            )
        else:
            yield doc.whole("image_caption", line, reason, 0.8)
    # A caption-like line (no closing punctuation) right before a standalone credit.
    for index in credit_lines:
        prev = doc.neighbour(index, -1)
        if (
            prev is not None
            and (not prev.ends_sentence or _caption_with_full_stop(doc, prev, index))
            and 4 <= prev.words <= 40
            and prev.index not in credit_lines
            and prev.index != doc.title
            and (doc.rank[prev.index] >= 3 or doc.is_prose(doc.neighbour(prev.index, -1)))
            and boilerplate.phrase_for(doc, prev) is None
        ):
            yield doc.whole("image_caption", prev, "text above a photo credit", 0.6)


def _caption_with_full_stop(doc: Document, prev: Line, credit: int) -> bool:
    """A sentence-like line above a credit is its caption unless the credit leads the next
    line's caption (BBC: "Image copyright X" then "Image caption …"), it quotes someone or
    it reports speech ("…, officials said."): captions describe, body sentences report."""
    nxt = doc.neighbour(credit, 1)
    if nxt is not None and _CAPTION_LEAD_RE.match(nxt.text):
        return False
    return (
        prev.words <= 30
        and not _QUOTE_MARK_RE.search(prev.text)
        and not boilerplate.REPORTED_RE.search(prev.text)
    )


def _key_for(mapping: dict[int, int], value: int) -> int:
    return next(k for k, v in mapping.items() if v == value)


def _gallery_counters(text: str) -> list[tuple[int, int]]:
    counters = [(int(a), int(b)) for a, b in _GALLERY_COUNTER_RE.findall(text)]
    return [(a, b) for a, b in counters if 0 < a <= b and b > 2 and b < 500]


def media_placeholders(doc: Document) -> Iterator[Finding]:
    """Player UI, gallery counters and graphic links left by media that did not render."""
    after_player = False
    for line in doc.lines:
        if line.blank:
            continue
        text = line.text
        if line.words <= 20 and _PLAYER_RE.match(text):
            yield doc.whole("media_placeholder", line, "media player or gallery text", 0.85)
            after_player = bool(_PLAYER_TITLE_AFTER_RE.match(text))
            continue
        if after_player and not line.ends_sentence and line.words <= 15:
            yield doc.whole("media_placeholder", line, "video title after player text", 0.7)
        after_player = False


def embedded_social(doc: Document) -> Iterator[Finding]:
    """Embedded tweets and posts: the signature line and the post text above it."""
    taken: set[int] = set()
    has_markers = any(marker in doc.text for marker in _SOCIAL_MARKERS)
    for line in doc.lines:
        if line.blank:
            continue
        text = line.text
        if line.words <= 12 and _SOCIAL_STUB_RE.match(text):
            yield doc.whole("embedded_social", line, "embedded post stub", 0.6)
            continue
        if not has_markers or _SOCIAL_MARKER_RE.search(text) is None:
            continue
        if not (_TWEET_SIGN_RE.search(text) or _SOCIAL_LINK_RE.search(text)):
            continue
        if line.index in taken:
            continue
        taken.add(line.index)
        yield doc.whole("embedded_social", line, "embedded post (signature or link)", 0.9)
        if not _TWEET_SIGN_RE.search(text):
            continue
        # Walk up over the post's own lines: short, unfinished or linked lines.
        prev: Line | None
        prev = line
        for _ in range(4):
            prev = doc.neighbour(prev.index, -1)
            if prev is None or prev.index in taken:
                break
            linked = bool(_SOCIAL_LINK_RE.search(prev.text))
            if not linked and (prev.ends_sentence or prev.words > 25):
                break
            taken.add(prev.index)
            yield doc.whole("embedded_social", prev, "text of an embedded post", 0.7)
