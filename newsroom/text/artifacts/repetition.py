# ruff: noqa: RUF001
"""Repetition detectors: verbatim duplicate lines and cut-off copies of nearby lines."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from newsroom.text.spans import Finding

from .document import Document, Line

MIN_DUPLICATE = 20  # shorter repeated lines keep their own kind (labelling rule 5)
TRUNCATION_WINDOW = 6  # content lines either side searched for the full copy
EXTENSION_WINDOW = 10  # content lines back searched for a shorter earlier copy
PULL_QUOTE_MIN = 30  # a pull quote is a whole sentence ...
PULL_QUOTE_MAX_WORDS = 40  # ... and short

_CUT_MARK_RE = re.compile(r"\s*(?:\.{3,}|…)\s*(?:more)?$", re.IGNORECASE)
_COMPLETE_RE = re.compile(r"[.!?)\]\"”’']$")


@dataclass(slots=True)
class Repetition:
    """Which lines copy which: ``duplicates`` and ``truncations`` map a line index to
    the index of the line it copies, ``extended`` marks duplicates that add text."""

    duplicates: dict[int, int] = field(default_factory=dict)
    extended: set[int] = field(default_factory=set)
    truncations: dict[int, int] = field(default_factory=dict)
    quoted: set[int] = field(default_factory=set)


def _key(line: Line) -> str:
    """Case- and whitespace-insensitive comparison key of a line.

    A ``plain`` line is already its own key (``str.lower`` never turns a character into
    whitespace or into an unprintable one; checked over all of Unicode).
    """
    return line.lower if line.plain else " ".join(line.lower.split())


def analyse(doc: Document) -> Repetition:
    """Find duplicate and truncated lines once per document (cached on ``doc``)."""
    cached = doc.cache.get("repetition")
    if isinstance(cached, Repetition):
        return cached
    result = Repetition()
    keys = {i: _key(doc.lines[i]) for i in doc.content}
    first_seen: dict[str, int] = {}
    lines = [doc.lines[i] for i in doc.content]
    # Copies share their first MIN_DUPLICATE characters: only such lines are compared.
    heads: dict[str, int] = {}
    for line in lines:
        if len(keys[line.index]) >= MIN_DUPLICATE:
            head = keys[line.index][:MIN_DUPLICATE]
            heads[head] = heads.get(head, 0) + 1
    for rank, line in enumerate(lines):
        key = keys[line.index]
        if len(key) < MIN_DUPLICATE or heads.get(key[:MIN_DUPLICATE], 0) <= 1:
            continue
        # A cut-off copy: a strict prefix of a nearby longer line, ending mid-unit.
        stem = _CUT_MARK_RE.sub("", key[-12:]) if key.endswith(("...", "…", "more")) else key
        if stem is not key:
            stem = key[: max(0, len(key) - 12)] + stem
        cut_marked = stem != key
        if len(stem) >= MIN_DUPLICATE and (cut_marked or not _COMPLETE_RE.search(stem[-1:])):
            for other in _window(lines, rank, TRUNCATION_WINDOW):
                other_key = keys[other.index]
                if len(other_key) > len(stem) and other_key.startswith(stem):
                    result.truncations[line.index] = other.index
                    break
        if line.index in result.truncations:
            first_seen.setdefault(key, line.index)
            continue
        if key in first_seen:
            result.duplicates[line.index] = first_seen[key]
            continue
        first_seen[key] = line.index
        # A near-verbatim copy: an earlier complete line with text appended.
        for other in reversed(lines[max(0, rank - EXTENSION_WINDOW) : rank]):
            other_key = keys[other.index]
            if (
                len(other_key) >= MIN_DUPLICATE
                and len(other_key) >= 0.6 * len(key)
                and key.startswith(other_key)
                and _COMPLETE_RE.search(other_key[-1:])
                and other.index not in result.truncations
            ):
                result.duplicates[line.index] = other.index
                result.extended.add(line.index)
                break
    _pull_quotes(doc, lines, keys, result)
    doc.cache["repetition"] = result
    return result


def _pull_quotes(
    doc: Document, lines: list[Line], keys: dict[int, str], result: Repetition
) -> None:
    """A short complete sentence standing alone that also sits inside a longer line: a
    pull quote (or a repeated caption) copying body text."""
    joined = "\n".join(keys[line.index] for line in lines)
    offset = 0
    for line in lines:
        at = offset
        offset += len(keys[line.index]) + 1
        key = keys[line.index]
        if (
            len(key) < PULL_QUOTE_MIN
            or line.words > PULL_QUOTE_MAX_WORDS
            or not line.ends_sentence
            or line.index == doc.title
            or line.index in result.duplicates
            or line.index in result.truncations
        ):
            continue
        if joined.find(key, 0, at) < 0:  # only a copy in an earlier line counts
            continue
        for other in lines:
            if other.index >= line.index:
                break  # the copy inside an earlier, longer paragraph comes first
            if len(keys[other.index]) >= 1.5 * len(key) and key in keys[other.index]:
                result.duplicates[line.index] = other.index
                result.quoted.add(line.index)
                break


def _window(lines: list[Line], rank: int, size: int) -> Iterator[Line]:
    """Nearby lines, nearest first, alternating after and before."""
    for step in range(1, size + 1):
        if rank + step < len(lines):
            yield lines[rank + step]
        if rank - step >= 0:
            yield lines[rank - step]


def duplicates(doc: Document) -> Iterator[Finding]:
    """Second and later copies of a line of 20 characters or more."""
    info = analyse(doc)
    for index, original in info.duplicates.items():
        line = doc.lines[index]
        what = (
            "repeats text of"
            if index in info.quoted
            else "repeats, then extends,"
            if index in info.extended
            else "repeats"
        )
        yield doc.whole("duplicate_block", line, f"line {what} line {original + 1}", 0.9)


def truncated_duplicates(doc: Document) -> Iterator[Finding]:
    """Cut-off copies of a nearby line (a caption cut at N characters, say)."""
    info = analyse(doc)
    for index, full in info.truncations.items():
        line = doc.lines[index]
        yield doc.whole(
            "truncated_duplicate",
            line,
            f"first {len(line.text)} characters of line {full + 1}",
            0.95,
        )
