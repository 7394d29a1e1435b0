"""Site boilerplate found by phrase families: ads, share and follow prompts, sign-up
boxes, cookie banners, legal footers, comment sections, navigation, related-link teasers,
rule lines and paywall cut-offs.

``tables`` holds the patterns, ``matcher`` finds a line's phrase family (``phrase_for``),
``detectors`` are the detectors the registry in ``newsroom.text.artifacts`` runs.
"""

from .detectors import (
    comments,
    foreign_script_links,
    orphan_headlines,
    phrases,
    related_lists,
    separators,
    truncated_text,
)
from .matcher import _LOOSE, TRIGGER_WINDOW, phrase_for
from .tables import _CJK_RE, _NOT_CJK_LEAD, PHRASES, REPORTED_RE, SHORT_LINE, Phrase

__all__ = [
    "PHRASES",
    "REPORTED_RE",
    "SHORT_LINE",
    "TRIGGER_WINDOW",
    "_CJK_RE",
    "_LOOSE",
    "_NOT_CJK_LEAD",
    "Phrase",
    "comments",
    "foreign_script_links",
    "orphan_headlines",
    "phrase_for",
    "phrases",
    "related_lists",
    "separators",
    "truncated_text",
]
