"""Artifact detection: text (+ optional layout) in, findings with offsets out.

``detect(text, layout)`` runs every detector registered in :data:`DETECTORS`
over one :class:`~.document.Document` (the text split once into lines) and
resolves their candidates into a sorted list of :class:`Finding`, following the
labelling rules of the artifact evaluation set:

* block-level findings never overlap: ``user_comments`` beats
  ``truncated_duplicate``, which beats ``duplicate_block``, which beats the
  line's own kind; otherwise the more confident finding wins;
* the character-level kinds (``html_entity``, ``mojibake``) may sit inside block
  findings but never overlap each other;
* every offset is a half-open code-point range into ``text``; all spans but
  ``stray_whitespace`` are trimmed of whitespace.

Pure Python: no Django import.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence

from newsroom.text.spans import Finding, Layout

from . import boilerplate, characters, media, meta, repetition
from . import model as learned
from .document import Document, Line
from .kinds import CHARACTER_KINDS, FURNITURE_KINDS, KIND_LABELS, KINDS, WHITESPACE_KINDS, Kind

__all__ = [
    "CHARACTER_KINDS",
    "DETECTORS",
    "KINDS",
    "KIND_LABELS",
    "WHITESPACE_KINDS",
    "Document",
    "Kind",
    "Line",
    "detect",
    "detect_many",
    "detect_rules",
]


Detector = Callable[[Document], Iterable[Finding]]

DETECTORS: list[Detector] = [
    characters.stray_whitespace,
    characters.html_entities,
    characters.html_markup,
    characters.mojibake,
    repetition.truncated_duplicates,
    repetition.duplicates,
    media.captions_and_credits,
    media.media_placeholders,
    media.embedded_social,
    meta.datelines_and_bylines,
    meta.author_bios,
    boilerplate.phrases,
    boilerplate.comments,
    boilerplate.related_lists,
    boilerplate.orphan_headlines,
    boilerplate.separators,
    boilerplate.foreign_script_links,
    boilerplate.truncated_text,
]

# Lower wins first (labelling rule 5); everything else competes on confidence.
_PRECEDENCE = {"user_comments": 0, "truncated_duplicate": 1, "duplicate_block": 2}
# Repeated site furniture keeps its own kind instead of becoming duplicate_block.
_FURNITURE = FURNITURE_KINDS


_CURRENT = object()


def detect(text: str, layout: Layout | None = None, *, model: object = _CURRENT) -> list[Finding]:
    """Find layout artifacts in scraped article ``text``.

    ``layout`` (from ``newsroom.text.layout.parse``) is optional; when given, its
    title block is used as the article title. The rules run first; the learned line
    layer (:mod:`.model`: the configured model unless ``model`` is given, ``None`` for
    rules only) then adds the lines it finds to be artifacts, drops rule findings it is
    sure are article body, and sets the confidence of whole-line findings to its
    calibrated probability. Returns findings sorted by start (then end), each with a kind
    from :data:`KINDS`, half-open code-point offsets into ``text``, a short reason and a
    confidence in 0..1. Never raises on any ``str`` input.
    """
    if not text:
        return []
    doc, findings = detect_rules(text, layout)
    active = learned.current() if model is _CURRENT else model
    if isinstance(active, learned.DetectorModel):
        findings = active.apply(doc, findings)
    return findings


def detect_many(
    items: Sequence[tuple[str, Layout | None]], *, model: object = _CURRENT
) -> list[list[Finding]]:
    """:func:`detect` for several ``(text, layout)`` pairs: the same findings, faster.

    The learned layer scores the lines of all the texts in one pass, so its fixed cost
    per call is paid once per batch instead of once per article (the importer analyses
    its records in batches).
    """
    ruled = [detect_rules(text, layout) if text else None for text, layout in items]
    active = learned.current() if model is _CURRENT else model
    if not isinstance(active, learned.DetectorModel):
        return [found[1] if found else [] for found in ruled]
    present = [found for found in ruled if found is not None]
    applied = iter(active.apply_many(present))
    return [next(applied) if found is not None else [] for found in ruled]


def detect_rules(text: str, layout: Layout | None = None) -> tuple[Document, list[Finding]]:
    """The rules alone: the parsed :class:`Document` and its resolved findings."""
    doc = Document.parse(text, layout)
    candidates: list[Finding] = []
    for detector in DETECTORS:
        candidates.extend(f for f in detector(doc) if f.start < f.end)
    return doc, resolve(candidates)


def resolve(candidates: list[Finding]) -> list[Finding]:
    """Apply precedence and remove overlaps (see the module docstring)."""
    furniture = {(f.start, f.end) for f in candidates if f.kind in _FURNITURE}
    block: list[Finding] = []
    chars: list[Finding] = []
    for finding in candidates:
        if finding.kind in CHARACTER_KINDS:
            chars.append(finding)
        elif not (finding.kind == "duplicate_block" and (finding.start, finding.end) in furniture):
            block.append(finding)
    block.sort(
        key=lambda f: (_PRECEDENCE.get(f.kind, 3), -f.confidence, -(f.end - f.start), f.start)
    )
    chars.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept = _non_overlapping(block) + _non_overlapping(chars)
    kept.sort(key=lambda f: (f.start, f.end, f.kind))
    return kept


def _non_overlapping(ordered: list[Finding]) -> list[Finding]:
    """Keep each finding unless it overlaps one kept before it (``ordered`` = priority)."""
    kept: list[Finding] = []
    starts: list[int] = []  # sorted starts of kept spans, for a bisect overlap test
    ends: list[int] = []
    for finding in ordered:
        at = bisect.bisect_left(starts, finding.start)
        if at > 0 and ends[at - 1] > finding.start:
            continue
        if at < len(starts) and starts[at] < finding.end:
            continue
        starts.insert(at, finding.start)
        ends.insert(at, finding.end)
        kept.append(finding)
    return kept
