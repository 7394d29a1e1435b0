"""One text through the core: layout, sentences and artifact findings.

The one parse-and-detect step of the importer (``newsroom.readers.analyse``) and of
re-detection (``annotations.flagging.detect_findings``), so the two can never parse a
text differently. Pure Python: no Django import.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsroom.text import artifacts, layout, sentences
from newsroom.text.spans import Finding, Layout, SentenceSpan

__all__ = ["Scanned", "TooLarge", "scan"]


class TooLarge(ValueError):
    """A text with more ``what`` (``"blocks"`` or ``"sentences"``) than ``limit``."""

    def __init__(self, what: str, count: int, limit: int) -> None:
        super().__init__(f"{count} {what}, over the limit of {limit}")
        self.what = what
        self.count = count
        self.limit = limit


@dataclass(frozen=True, slots=True)
class Scanned:
    """What the core makes of one text; every offset is into that text."""

    layout: Layout
    sentences: list[SentenceSpan]
    findings: list[Finding]


def scan(
    text: str,
    *,
    title_in_text: bool = True,
    max_blocks: int | None = None,
    max_sentences: int | None = None,
    segment: bool = True,
    detect: bool = True,
) -> Scanned:
    """Parse ``text`` into its layout, split the sentences, detect the artifacts.

    Raises ``TooLarge`` (before the next, costlier, step) when the layout has more than
    ``max_blocks`` blocks or the text more than ``max_sentences`` sentences. ``segment=False``
    leaves the sentences out (re-detection needs none); ``detect=False`` leaves the findings
    to the caller (the importer detects a whole batch at once with ``detect_many``, which
    finds the same).
    """
    parsed = layout.parse(text, title_in_text=title_in_text)
    if max_blocks is not None and len(parsed.blocks) > max_blocks:
        raise TooLarge("blocks", len(parsed.blocks), max_blocks)
    spans = sentences.split(text, parsed.blocks) if segment else []
    if max_sentences is not None and len(spans) > max_sentences:
        raise TooLarge("sentences", len(spans), max_sentences)
    findings = list(artifacts.detect(text, parsed)) if detect else []
    return Scanned(parsed, spans, findings)
