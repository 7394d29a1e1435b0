"""Shared vocabularies of the text core: month and weekday names, news agencies, reporting
verbs. One place for each list; the modules build their patterns from these.

Pure Python: no Django import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "MONTHS",
    "MONTH_NUMBERS",
    "PHOTO_AGENCIES",
    "REPORTED_SPEECH",
    "REPORTING_VERBS",
    "WEEKDAYS",
    "WIRE_AGENCIES",
    "month_abbreviations",
    "trie_pattern",
]

# Each month's names, abbreviations first, in calendar order (the number is the place + 1).
MONTHS: tuple[tuple[str, ...], ...] = (
    ("jan", "january"),
    ("feb", "february"),
    ("mar", "march"),
    ("apr", "april"),
    ("may",),
    ("jun", "june"),
    ("jul", "july"),
    ("aug", "august"),
    ("sep", "sept", "september"),
    ("oct", "october"),
    ("nov", "november"),
    ("dec", "december"),
)
MONTH_NUMBERS: dict[str, int] = {
    name: number for number, names in enumerate(MONTHS, start=1) for name in names
}
# Each weekday's names, abbreviations first, Monday first.
WEEKDAYS: tuple[tuple[str, ...], ...] = (
    ("mon", "monday"),
    ("tue", "tues", "tuesday"),
    ("wed", "wednesday"),
    ("thu", "thur", "thurs", "thursday"),
    ("fri", "friday"),
    ("sat", "saturday"),
    ("sun", "sunday"),
)

# Verbs that attribute a statement to a speaker ("X said", "X has confirmed"): the
# claimant suggestion (``attribution``) looks for a name before or after one.
REPORTING_VERBS: tuple[str, ...] = (
    "said", "says", "told", "tells", "confirmed", "confirms", "added", "adds", "stated",
    "states", "announced", "announces", "claimed", "claims", "noted", "notes", "insisted",
    "insists", "warned", "warns", "explained", "explains", "wrote", "writes", "argued",
    "argues", "declared", "declares", "alleged", "alleges", "reported", "reports", "tweeted",
    "tweets", "denied", "denies", "admitted", "admits", "acknowledged", "acknowledges",
)  # fmt: skip
# Words of reported speech that boilerplate never holds: a line with one is a body
# sentence, whatever keyword it also has (``artifacts.boilerplate``, ``artifacts.media``).
REPORTED_SPEECH: tuple[str, ...] = (
    "said", "says", "told", "according to", "announced", "reported", "declined", "added",
    "wrote", "argued",
)  # fmt: skip

# News agencies as they sign a byline or a credit line ("By Jane Doe, Reuters"; "AP and
# wire reports"), as a regex alternation (``artifacts.meta``).
WIRE_AGENCIES = (
    r"(?:the\s+)?(?:Associated Press|AP|Reuters|AFP|Agence France-Presse|Bloomberg(?: News)?"
    r"|PTI|IANS|ANI|UPI|dpa|EFE|Xinhua|TASS|Kyodo|Yonhap|Press Association|PA Media|CNN Wire"
    r"|(?:News |wire )?agencies|wire services|staff(?: and wire)? reports?"
    r"|(?:with )?(?:\w+ )?wires)"
)
# Agencies and picture libraries as a photo credit names them ("Photo: Getty Images"), as a
# case-sensitive regex alternation (``artifacts.media``).
PHOTO_AGENCIES = (
    r"(?:AP|AFP|Reuters|REUTERS|Getty(?:\s+Images)?|GETTY(?:\s+IMAGES)?|EPA(?:-EFE)?|EFE|"
    r"Bloomberg|Shutterstock|Alamy|PA(?:\s+Wire)?|Xinhua|ANP|dpa|TASS|Sputnik|Anadolu|"
    r"ASSOCIATED PRESS|Associated Press|SIPA|Rex|REX|Zuma|ZUMA|IANS|PTI|ANI|NurPhoto|"
    r"iStock(?:photo)?|Corbis|Pool|POOL|Handout|HANDOUT|The New York Times|NYT|"
    r"SCIENCE PHOTO LIBRARY|Science Photo Library|Wikimedia Commons|Flickr)"
)


def month_abbreviations() -> tuple[str, ...]:
    """The first (shortest) name of each month: ``jan`` … ``dec``."""
    return tuple(names[0] for names in MONTHS)


def trie_pattern(words: Iterable[str], *, capitalise: bool = False) -> str:
    """A non-capturing regex matching exactly ``words``, factored by common prefix
    (``Sep(?:t(?:ember)?)?``): faster than a flat alternation, and longer words are
    preferred, as in a flat alternation sorted longest first. ``capitalise`` writes the
    first letter in upper case (for patterns matched case-sensitively)."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word.capitalize() if capitalise else word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _render(trie, top=True)


def _render(node: dict, top: bool = False) -> str:
    alternatives = [re.escape(ch) + _render(child) for ch, child in sorted(node.items()) if ch]
    if not alternatives:
        return ""
    body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
    if "" in node:  # a word ends here: the rest is optional
        return f"(?:{body})?" if len(body) > 1 else f"{body}?"
    if top and len(alternatives) == 1:
        return f"(?:{body})"
    return body
