"""Which phrase family a line belongs to: one combined regex per line, then the slower
keyword-anywhere patterns only where cheap word tests allow them."""

from __future__ import annotations

import bisect
import re
from typing import cast

from ..document import Document, Line
from .tables import PHRASES, REPORTED_RE, SHORT_LINE, Phrase


def phrase_for(doc: Document, line: Line) -> Phrase | None:
    """The first phrase family ``line`` belongs to (cached per document).

    One match of a combined regex holding the whole-line patterns of every family whose
    ``max_words`` admits the line; then, in family order and only for families before
    the one found, the slower keyword-anywhere patterns: on a short line those whose
    ``needs`` words occur in it, on a longer one those whose trigger words occur in its
    head. A line that reports speech ("…, officials said") skips the anywhere patterns.
    """
    cache = doc.phrases
    if line.index in cache:
        return cast("Phrase | None", cache[line.index])
    found = None
    words = line.words
    if not line.blank and words <= _MAX_WORDS:
        match = _TIERS[bisect.bisect_left(_TIER_LIMITS, words)].match(line.text)
        strict = int(match.lastgroup[1:]) if match is not None else len(PHRASES)  # type: ignore[index]
        if strict > _LOOSE[0] and line.index != doc.title:
            # Families whose keyword-anywhere pattern may run: all on a short line, else
            # those with a trigger word in the line's head (one flat pass over the words).
            if words <= SHORT_LINE:
                triggered = None if doc.folds else {n for word, n in _NEEDS if word in line.lower}
            else:
                head = line.lower[:TRIGGER_WINDOW]
                triggered = {number for word, number in _TRIGGERS if word in head}
                if triggered and not doc.folds:  # the needed words rule some out cheaply
                    lower = line.lower
                    triggered = {n for n in triggered if any(w in lower for w in PHRASES[n].needs)}
            for number in _LOOSE:
                if number >= strict:
                    break
                phrase = PHRASES[number]
                if (
                    (triggered is None or number in triggered)
                    and words <= phrase.max_words
                    and phrase.anywhere.match(line.text)  # type: ignore[union-attr]
                    and REPORTED_RE.search(line.text) is None
                ):
                    strict = number
                    break
        if strict < len(PHRASES):
            found = PHRASES[strict]
    cache[line.index] = found
    return found


# One combined whole-line pattern per distinct ``max_words``: a line of N words uses the
# pattern of the smallest limit >= N, which holds every family that admits the line.
_TIER_LIMITS = sorted({p.max_words for p in PHRASES})
_TIERS = [
    re.compile(
        "|".join(
            f"(?P<f{n}>{p.pattern.pattern})" for n, p in enumerate(PHRASES) if p.max_words >= limit
        ),
        re.IGNORECASE,
    )
    for limit in _TIER_LIMITS
]
_MAX_WORDS = _TIER_LIMITS[-1]
_LOOSE = [n for n, p in enumerate(PHRASES) if p.anywhere is not None]
_TRIGGERS = [(word, n) for n in _LOOSE for word in PHRASES[n].triggers]
_NEEDS = [(word, n) for n in _LOOSE for word in PHRASES[n].needs]
assert all(PHRASES[n].needs for n in _LOOSE), "every keyword-anywhere family needs its words"


# Keyword-anywhere patterns find their keyword within the first ~120 characters of a
# line, so only a line's head is searched for trigger words.
TRIGGER_WINDOW = 160
