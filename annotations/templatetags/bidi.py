"""Showing untrusted text next to other text without letting it change how that text reads.

A right-to-left override (U+202E) or isolate in an imported title or an evidence URL
reorders everything after it up to the end of the paragraph: "moc.elgoog//:sptth" can
display as a harmless-looking link. Templates isolate such text (``<bdi>`` or
``dir="auto"``), which confines the reordering to the text itself; URLs, where no
legitimate text needs those characters, are shown with them made visible:
``{{ evidence.url|reveal_controls }}``.
"""

from __future__ import annotations

import re

from django import template

register = template.Library()

# Bidi embeddings, overrides and isolates, the implicit marks, the Arabic letter mark, and
# the invisible zero-width characters that can hide a difference between two strings.
CONTROLS = (
    "\u061c"  # ARABIC LETTER MARK
    "\u180e"  # MONGOLIAN VOWEL SEPARATOR
    "\u200b-\u200f"  # ZERO WIDTH SPACE, ZWNJ, ZWJ, LRM, RLM
    "\u202a-\u202e"  # LRE, RLE, PDF, LRO, RLO
    "\u2060-\u2064"  # WORD JOINER, invisible operators
    "\u2066-\u2069"  # LRI, RLI, FSI, PDI
    "\ufeff"  # ZERO WIDTH NO-BREAK SPACE (BOM)
)
_CONTROL = re.compile(f"[{CONTROLS}]")


def reveal_controls(text: str) -> str:
    """``text`` with every bidi control and invisible zero-width character replaced by its
    visible code point, ``<U+202E>``; other characters are left alone. Plain text in, plain
    text out (the template still escapes it)."""
    return _CONTROL.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


@register.filter(name="reveal_controls")
def reveal_controls_filter(value: object) -> str:
    """Template filter for :func:`reveal_controls`; ``None`` becomes ``""``."""
    return reveal_controls("" if value is None else str(value))
