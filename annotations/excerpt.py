"""Short quotes of stored text for history entries and flag lists."""

from __future__ import annotations

ELLIPSIS = "…"


def excerpt(text: str, limit: int = 60) -> str:
    """``text`` shortened to at most ``limit`` characters, cut at a word boundary.

    Whitespace runs are read as one space. A text that fits is returned as it is (outer
    whitespace trimmed); a longer one ends at the last space that leaves it within the
    limit, followed by ``…`` (counted in the limit). A first word longer than the limit is
    cut inside the word, still with the ellipsis, rather than shown whole.
    """
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    room = max(limit - len(ELLIPSIS), 1)
    cut = flat.rfind(" ", 0, room + 1)
    head = flat[:cut] if cut > 0 else flat[:room]
    return head.rstrip(" ,;:.-\u2013\u2014") + ELLIPSIS
