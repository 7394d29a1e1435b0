"""Suggest who made a claim from the attribution inside a sentence (PURE, no Django).

News sentences name their speaker with a reporting verb: ``Cavusoglu said``,
``Cavusoglu told reporters``, ``…, said Cavusoglu``, ``Kosachyov, who heads …, said`` or
``according to the ministry``. ``suggest_claimant`` returns that speaker as written in the
sentence, or ``None``; it is only a suggestion that an editor confirms or overwrites.
"""

from __future__ import annotations

import re

from newsroom.text import lexicon

_RSQUO = "\u2019"  # typographic apostrophe

__all__ = ["suggest_claimant"]

_VERBS = "|".join(lexicon.REPORTING_VERBS)
_VERB = rf"(?:has\s+|had\s+|also\s+)?(?:{_VERBS})\b"
# A capitalised word (letters of any script, apostrophes, hyphens, inner dots: "al-Assad",
# "O'Brien", "J.") followed by more capitalised words or name particles.
_WORD = rf"[^\W\d_][\w'{_RSQUO}.-]*"
_CAP = rf"(?=[^\W\d_])(?-i:[A-Z\u00c0-\u00de])[\w'{_RSQUO}.-]*"
_PARTICLE = r"(?:al|bin|ibn|de|del|der|di|da|van|von|le|la)"
_NAME = rf"{_CAP}(?:\s+(?:{_CAP}|{_PARTICLE}-?{_WORD}))*"
_NOT_NAMES = {
    "The", "A", "An", "He", "She", "They", "We", "I", "It", "This", "That", "These", "Those",
    "His", "Her", "Their", "Our", "Its", "But", "And", "Or", "So", "Yet", "Also", "Then",
    "Today", "Yesterday", "Tomorrow", "Officials",
    *(names[-1].title() for names in lexicon.WEEKDAYS + lexicon.MONTHS),
}  # fmt: skip

_NAME_VERB = re.compile(rf"({_NAME})\s+{_VERB}")
_NAME_APPOSITIVE_VERB = re.compile(rf"({_NAME}),[^,;\"“”]{{1,160}},\s+{_VERB}")
_VERB_NAME = re.compile(rf"\b(?:said|says|told\s+\w+|added|wrote|asked)\s+({_NAME})")
_ACCORDING_TO = re.compile(
    rf"\baccording\s+to\s+((?:[\w'{_RSQUO}-]+\s+){{0,7}}?[\w'{_RSQUO}-]+)\s*(?=[,.;:!?\"“”)]|$)",
    re.IGNORECASE,
)


def _clean(name: str) -> str | None:
    """Drop leading function words ("The", weekday names); None if nothing is left or the
    name is a possessive ("Tuesday's statement" names no speaker)."""
    words = name.split()
    while words and words[0] in _NOT_NAMES:
        words.pop(0)
    if words and words[-1].endswith(("'s", _RSQUO + "s")):
        return None
    return " ".join(words).rstrip(".") or None


def suggest_claimant(sentence: str) -> str | None:
    """Return the speaker a sentence attributes its content to, or ``None``.

    Tries, in order: ``NAME said/told/confirmed…``, ``NAME, apposition, said``,
    ``said NAME``, ``according to X``. The name is returned exactly as written (a run of
    capitalised words, e.g. ``Turkish Foreign Minister Mevlut Cavusoglu``); for
    ``according to`` the phrase up to the next punctuation (at most eight words).
    """
    for pattern in (_NAME_VERB, _NAME_APPOSITIVE_VERB, _VERB_NAME):
        for match in pattern.finditer(sentence):
            name = _clean(match.group(1))
            if name:
                return name
    according = _ACCORDING_TO.search(sentence)
    if according:
        return according.group(1).strip() or None
    return None
