# ruff: noqa: RUF001
"""Publication metadata left in the text: datelines, bylines, author biographies."""

from __future__ import annotations

import re
from collections.abc import Iterator

from newsroom.text import lexicon
from newsroom.text.lexicon import trie_pattern
from newsroom.text.spans import Finding

from .boilerplate import phrase_for
from .document import Document, Line

MAX_META_LINE = 160  # date/byline lines are short; longer lines are prose
MAX_DATELINE_WORDS = 24  # "Posted: <date> / <time> / Updated: <date> / <time>"
MAX_DATELINE_CHARS = 110

_MONTH = trie_pattern((n for names in lexicon.MONTHS for n in names), capitalise=True) + r"\.?"
_WEEKDAY = trie_pattern((n for names in lexicon.WEEKDAYS for n in names), capitalise=True) + r"\.?"
_DATE = (
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?"
    r"|\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d{2}-\d{2}(?:T[\d:.]+Z?)?|\d{1,2}\.\d{1,2}\.\d{4})"
)
_ZONE = r"(?:[ECMPA][SD]?T|UTC|GMT|BST|CES?T|IST|JST|AE[SD]T|HKT|SGT|WIB|PKT)(?:[+-]\d{1,2})?"
_TIME = (
    rf"(?:\d{{1,2}}[:.]\d{{2}}(?::\d{{2}})?\s*(?:[ap]\.?m\.?)?|\d{{1,2}}\s*[ap]\.?m\.?)"
    rf"(?:\s*{_ZONE}\b)?"
)
_RELATIVE = (
    r"(?:(?:\d+|an?|one)\s+(?:sec(?:ond)?|min(?:ute)?|hour|hr|day|week|month|year)s?\s+ago"
    r"|just now|yesterday|today)"
)
_AGE = r"this (?:article|story|page) is (?:more|less|over) than \S+ \w+ old"
_PREFIX = (
    r"(?:(?:first\s+|last\s+)?(?:published|updated|posted|modified|created|released|edited)"
    r"|date|dated|as of)(?:\s+(?:on|at))?\s*:?"
)
_COMP = rf"(?:{_DATE}|{_TIME}|{_WEEKDAY}|{_RELATIVE}|{_AGE}|{_ZONE}\b|on|at)"
_SEP = r"(?:\s*[,/|•·–—-]\s*|\s+)"
_DATELINE = rf"(?:{_PREFIX}\s*)?{_COMP}(?:{_SEP}(?:{_PREFIX}\s*)?{_COMP})*\.?"
_DATELINE_RE = re.compile(rf"{_DATELINE}", re.IGNORECASE)
_HAS_DATE_RE = re.compile(rf"{_DATE}|{_TIME}|{_RELATIVE}|{_AGE}", re.IGNORECASE)
# Fast paths of has_date(): the digit-led alternatives of _HAS_DATE_RE (their optional
# tails dropped, which keeps "is there a match" unchanged), and words of which every
# other alternative holds one.
_DIGIT_DATE_RE = re.compile(
    rf"\d{{1,2}}(?:(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}|/\d{{1,2}}/\d{{2,4}}|\.\d{{1,2}}\.\d{{4}}"
    r"|[:.]\d{2}|\s*[ap]\.?m)|\d{4}-\d{2}-\d{2}",
    re.IGNORECASE,
)
_DATE_WORDS = (
    *lexicon.month_abbreviations(), "ago", "just now", "yesterday", "today", "than",
)  # fmt: skip
_DATELINE_TAIL_RE = re.compile(rf"(?:^|{_SEP})({_DATELINE})$", re.IGNORECASE)
_DATELINE_HEAD_RE = re.compile(rf"^({_DATELINE}){_SEP}(by\b.*)$", re.IGNORECASE)
_DIGIT_RE = re.compile(r"\d")
_PART_SPLIT_RE = re.compile(r"(\s+[|•]\s+)")
_JOIN_RE = re.compile(r"^[\s,/|•·–—:-]+|[\s,/|•·–—:-]+$")

_NAME_WORD = r"(?:[A-Z][\w.'’-]*|(?:Mc|Mac|O')[A-Z][\w'’-]*)"
_CONNECTOR = r"(?:and|&|,|of|de|da|di|del|van|von|der|den|la|le|al|bin|ibn|y|du)"
_BY_RE = re.compile(rf"^(?:[Bb]y|BY)\s*:?(?:\s+(?:{_NAME_WORD}|{_CONNECTOR})\s*,?)*$")
_BY_STRICT_RE = re.compile(
    rf"^[Bb]y\s*:?\s+{_NAME_WORD}(?:\s*,?\s+(?:{_NAME_WORD}|{_CONNECTOR}))*$"
)
_AGENCY = lexicon.WIRE_AGENCIES
_AGENCY_RE = re.compile(rf"^{_AGENCY}\.?$", re.IGNORECASE)
_CONTRIB_RE = re.compile(
    r"\b(?:contributed|contributing|contributes)\s+(?:reporting|to\s+(?:this|the)\s+"
    r"(?:report|story|article))|^\(?\s*(?:additional\s+)?(?:reporting|editing|writing|compiled|"
    r"research|translated|produced)\s+by\b|^source\s*:\s*\S[^.]{0,40}$|^sources?\s*:?$"
    r"|^\(?\s*with (?:agency )?inputs? from\b",
    re.IGNORECASE,
)
_ROLE_RE = re.compile(
    rf"^(?:{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}},\s+)?(?:{_NAME_WORD}\s+){{0,4}}"
    r"(?:Writer|Columnist|Correspondent|Reporter|Editor|Contributor|Producer|Staff|Critic)s?$"
)
_ROLE_NOUNS = "Writer Columnist Correspondent Reporter Editor Contributor Producer Staff Critic"
_ROLE_ENDINGS = tuple(noun + plural for noun in _ROLE_NOUNS.split() for plural in ("", "s"))
_AFFILIATION_RE = re.compile(
    rf"^{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}},\s+(?:[A-Z][\w.'’-]*\s+){{0,4}}"
    r"(?:University|College|Institute|School|Centre|Center|Foundation|Academy)\b[^.!?]{0,60}$"
)
_FUNCTION_WORDS_TEXT = (
    "a an the on in of to for into at is are was were be being been with as by from this "
    "that these those it its our your their his her how why what when who new now not no "
    "will can may says said after before over under"
)
_FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_TEXT.split())
# Site sections and page furniture: "Local News" at the top is chrome, not two names.
_SECTION_WORDS_TEXT = (
    "news home local world national business sports sport opinion politics entertainment "
    "tech technology science health lifestyle travel culture arts video videos photos live "
    "latest breaking top stories weather markets money economy education crime menu search "
    "more editorial editorials analysis features review reviews"
)
_SECTION_WORDS = frozenset(_SECTION_WORDS_TEXT.split())
_NOT_NAMES = _FUNCTION_WORDS | _SECTION_WORDS
_DOMAIN_RE = re.compile(
    r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|co\.uk|co|in|ca|au|uk|news|io)$",
    re.IGNORECASE,
)

_BIO_RE = re.compile(
    rf"^{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}}\s+(?:is|was|has been|serves as)\s+(?:an?|the)\s+"
    r"(?:[\w’'-]+\s+){0,6}?(?:writer|journalist|reporter|columnist|editor|correspondent|author|"
    r"contributor|analyst|blogger|producer|commentator|novelist|host|fellow|professor|"
    r"researcher|critic|photographer|lecturer|scientist|economist|historian|lawyer|attorney|"
    r"consultant|strategist|teacher|physician|doctor|student|scholar|founder|director|"
    r"candidate|veteran)s?\b"
)
_ABOUT_RE = re.compile(
    rf"^About (?:the (?:author|writer)s?|{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}})$"
)
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_CONTACT_RE = re.compile(
    r"^(?:e-?mail|contact|reach|write to)\s+(?:the\s+)?(?:author|reporter|writer|him|her)\b"
    r"|\b(?:can|may) be reached at\b",
    re.IGNORECASE,
)


def has_date(text: str) -> bool:
    """``_HAS_DATE_RE.search(text) is not None``, answered without the slow search when
    a digit-led date or time is found, or when none of :data:`_DATE_WORDS` occurs (unless
    the text holds U+017F long s or U+0131 dotless i, which ``re.IGNORECASE`` matches as
    "s" and "i" but which ``str.lower`` keeps)."""
    if _DIGIT_DATE_RE.search(text):
        return True
    lower = text.lower()
    if not any(w in lower for w in _DATE_WORDS) and "ſ" not in text and "ı" not in text:
        return False
    return _HAS_DATE_RE.search(text) is not None


def is_dateline(text: str) -> bool:
    """True when ``text`` is only a date/time stamp (with optional Published/Updated)."""
    return (
        len(text) <= MAX_META_LINE and _DATELINE_RE.fullmatch(text) is not None and has_date(text)
    )


def _is_name_list(text: str) -> bool:
    words = text.replace(",", " , ").split()
    if not 2 <= len(words) <= 12 or text.isupper() or any(c.isdigit() for c in text):
        return False
    if any(ch in text for ch in ':;!?"“”()[]|/'):
        return False
    if len(words) > 3 and "and" not in words and "," not in words:
        return False  # a longer capitalised line without a list joiner is a headline
    if any("’" in w or "'" in w for w in words):
        return False
    names = 0
    for word in words:
        if word in {",", "and", "&"}:
            continue
        if word.lower() in _NOT_NAMES or not word[0].isupper():
            return False
        names += 1
    return names >= 2


def byline_kind(doc: Document, line: Line, text: str) -> tuple[str, float] | None:
    """Why ``text`` (a line or part of one) is an attribution, as (reason, confidence)."""
    if len(text) > MAX_META_LINE:
        return None
    if text is line.text:  # the whole line: its lower-cased copy and word count are known
        lower, words = line.lower, line.words
    else:
        lower, words = text.lower(), len(text.split())
    if lower.startswith("by"):
        if _BY_STRICT_RE.match(text) or lower == "by":
            return "author line", 0.9
        if words <= 12 and _BY_RE.match(text):
            return "author line", 0.8
    if words <= 6 and _AGENCY_RE.match(text):
        return "wire agency credit", 0.85
    if (
        words <= 45
        and any(t in lower for t in ("contribut", " by", "source", "input"))
        and _CONTRIB_RE.search(text)
    ):
        return "contributor credit", 0.85
    if words <= 10 and text.endswith(_ROLE_ENDINGS) and _ROLE_RE.match(text):
        return "author role", 0.75
    if words <= 14 and "," in text and _AFFILIATION_RE.match(text):
        return "author and affiliation", 0.7
    if words == 1 and _DOMAIN_RE.match(text):
        return "site attribution", 0.6
    rank = doc.rank.get(line.index, 99)
    if rank <= 6 and line.index != doc.title and _is_name_list(text):
        return "names near the top", 0.5
    return None


def _split_parts(doc: Document, line: Line) -> list[Finding]:
    """A meta line cut by "|" or "•" ("By X | x@site.com | May 2, 2021"): one finding per
    part, or none unless every part is a byline, a date stamp or an author contact."""
    found: list[Finding] = []
    offset = line.start
    for raw in _PART_SPLIT_RE.split(line.text):
        part = raw.strip()
        start = offset + raw.find(part) if part else offset
        offset += len(raw)
        if _PART_SPLIT_RE.fullmatch(raw) or not part:
            continue
        if is_dateline(part):
            found.append(doc.finding("dateline", start, start + len(part), "date/time stamp", 0.9))
        elif "@" in part and _EMAIL_RE.fullmatch(part):
            found.append(
                doc.finding("author_bio", start, start + len(part), "author contact", 0.75)
            )
        elif (kind := byline_kind(doc, line, part)) is not None:
            found.append(doc.finding("byline", start, start + len(part), kind[0], kind[1]))
        else:
            return []
    return found if len(found) >= 2 else []


def datelines_and_bylines(doc: Document) -> Iterator[Finding]:
    """Date stamps and author/agency lines, split where one line holds both."""
    for line in doc.lines:
        text = line.text
        if line.blank or len(text) > MAX_META_LINE:
            continue
        # Date stamps (even with a byline attached) are short lines.
        has_digit = (
            line.words <= MAX_DATELINE_WORDS
            and len(text) <= MAX_DATELINE_CHARS
            and _DIGIT_RE.search(text) is not None
        )
        if "|" in text or "•" in text:
            parts = list(_split_parts(doc, line))
            if parts:
                yield from parts
                continue
        if has_digit and is_dateline(text):
            yield doc.whole("dateline", line, "date/time stamp", 0.9)
            continue
        tail = _DATELINE_TAIL_RE.search(text) if has_digit and has_date(text) else None
        if tail and tail.start(1) > 0 and has_date(tail[1]):
            head = _JOIN_RE.sub("", text[: tail.start(1)])
            found = byline_kind(doc, line, head) if head else None
            if found:
                hs = line.start + text.index(head)
                yield doc.finding("byline", hs, hs + len(head), found[0], found[1])
                start = line.start + tail.start(1)
                yield doc.finding("dateline", start, line.end, "date/time stamp", 0.9)
                continue
        head_match = _DATELINE_HEAD_RE.match(text) if has_digit and " by" in line.lower else None
        if head_match and has_date(head_match[1]):
            rest = head_match[2]
            found = byline_kind(doc, line, rest)
            if found:
                yield doc.finding(
                    "dateline", line.start, line.start + head_match.end(1), "date/time stamp", 0.9
                )
                rs = line.start + head_match.start(2)
                yield doc.finding("byline", rs, line.end, found[0], found[1])
                continue
        found = byline_kind(doc, line, text)
        if found:
            yield doc.whole("byline", line, found[0], found[1])


def _in_tail(doc: Document, line: Line) -> bool:
    """True when no body paragraph follows ``line``: an author box sits after the story.

    Lines after it may be short (links, buttons) or site boilerplate, never prose.
    """
    rank = doc.rank[line.index]
    for index in doc.content[rank + 1 :]:
        nxt = doc.lines[index]
        if doc.is_prose(nxt) and phrase_for(doc, nxt) is None and not _BIO_RE.match(nxt.text):
            return False
    return True


def author_bios(doc: Document) -> Iterator[Finding]:
    """Author biographies, author boxes and author contact lines."""
    for line in doc.lines:
        if line.blank:
            continue
        text = line.text
        if line.words <= 6 and _ABOUT_RE.match(text):
            yield doc.whole("author_bio", line, "author box header", 0.8)
        elif doc.position(line) >= 0.5 and _BIO_RE.match(text) and _in_tail(doc, line):
            yield doc.whole("author_bio", line, "author biography", 0.8)
        elif line.words <= 15 and (
            ("@" in text and _EMAIL_RE.fullmatch(text)) or _CONTACT_RE.search(text)
        ):
            yield doc.whole("author_bio", line, "author contact", 0.75)
