# ruff: noqa: RUF001
"""The line features' shortcuts give the values of the plain per-line computation.

``line_rows`` skips per-line tests when the joined text holds no marker, computes each
word overlap once for both neighbours, counts a union's size instead of building it and
takes the median of the line lengths in Python. These properties recompute those columns
the plain way, bit for bit, on texts made to hold the markers (and the characters whose
case changes their length) and on the held-out articles.
"""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsroom.text import layout
from newsroom.text.artifacts import Document, detect_rules
from newsroom.text.artifacts.features import (
    _SEPARATORS,
    _URL,
    FEATURE_NAMES,
    _median,
    line_rows,
)
from tests.text.heldout_articles import ARTICLES, CLEAN

_WORD = re.compile(r"\w+")
_HANDLE = re.compile(r"(?<!\w)@\w")
_COLUMNS = (
    "has_url",
    "has_handle",
    "has_copyright",
    "separators",
    "prev_overlap",
    "next_overlap",
    "title_overlap",
    "shared_words",
    "len_vs_median",
)


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _plain(doc: Document) -> list[dict[str, float]]:
    """The columns of :data:`_COLUMNS`, one line at a time, as first written."""
    content = [doc.lines[i] for i in doc.content]
    if not content:
        return []
    words = [set(_WORD.findall(line.lower)) for line in content]
    frequency: dict[str, int] = {}
    for found in words:
        for word in found:
            frequency[word] = frequency.get(word, 0) + 1
    longer = {w for w in frequency if len(w) >= 4}
    repeated = {w for w in longer if frequency[w] > 1}
    title = words[doc.rank[doc.title]] if doc.title in doc.rank else set()
    median = float(np.median([len(line.text) for line in content])) or 1.0
    out = []
    for i, line in enumerate(content):
        text, low = line.text, line.lower
        mine = words[i] & longer
        out.append(
            {
                "has_url": float(_URL.search(low) is not None),
                "has_handle": float(_HANDLE.search(text) is not None),
                "has_copyright": float("©" in text or "copyright" in low),
                "separators": float(sum(text.count(mark) for mark in _SEPARATORS)),
                "prev_overlap": _jaccard(words[i], words[i - 1]) if i else 0.0,
                "next_overlap": _jaccard(words[i], words[i + 1]) if i + 1 < len(words) else 0.0,
                "title_overlap": 0.0 if doc.title == line.index else _jaccard(words[i], title),
                "shared_words": len(mine & repeated) / len(mine) if mine else 0.0,
                "len_vs_median": float(np.log((len(text) + 1.0) / (median + 1.0))),
            }
        )
    return out


def _fast(doc: Document) -> list[dict[str, float]]:
    at = {name: FEATURE_NAMES.index(name) for name in _COLUMNS}
    return [{name: row.values[j] for name, j in at.items()} for row in line_rows(doc, [])]


def _same(doc: Document) -> None:
    # repr: the same floats, not merely close ones (-0.0 and 0.0 differ too).
    assert repr(_fast(doc)) == repr(_plain(doc))


_ALPHABET = "ab cd Copyright©@x_1.com http:// www|•·›»/–—İΣς\nHTTPS://WWW.EX.ORG"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=_ALPHABET, max_size=30), min_size=1, max_size=8))
def test_marker_overlap_and_median_columns_equal_the_plain_computation(rows):
    _same(Document.parse("\n".join(rows)))


def test_the_columns_equal_the_plain_computation_on_the_heldout_articles():
    for article in ARTICLES + CLEAN:
        doc, _ = detect_rules(article["text"], layout.parse(article["text"]))
        _same(doc)


def test_lines_without_any_marker_get_zero_marker_columns():
    doc = Document.parse("Plain words here\nand more plain words\nthe end")
    for values in _fast(doc):
        assert values["has_url"] == values["has_handle"] == values["has_copyright"] == 0.0
        assert values["separators"] == 0.0
    marked = _fast(Document.parse("Plain words\nvisit www.example.com | now\n© 2026 @desk"))
    assert [v["has_url"] for v in marked] == [0.0, 1.0, 0.0]
    assert [v["separators"] for v in marked] == [0.0, 1.0, 0.0]
    assert [v["has_copyright"] for v in marked] == [0.0, 0.0, 1.0]
    assert [v["has_handle"] for v in marked] == [0.0, 0.0, 1.0]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=40))
def test_median_is_numpys(values):
    assert repr(_median(values)) == repr(float(np.median(np.array(values, dtype=np.float64))))
