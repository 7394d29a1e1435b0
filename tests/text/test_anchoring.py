"""Placing old anchors in a new revision's text (pure: newsroom.text.anchoring)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from newsroom.text.anchoring import (
    EXACT,
    FUZZY,
    LOST,
    THRESHOLD,
    Anchor,
    align,
    diff_sentences,
    place,
    place_all,
    similarity,
)

OLD = (
    "Budget passes\n\n"
    "The council approved the budget on Monday.\n"
    "Spending on schools rises 5% next year, the mayor said.\n"
    "Opposition members voted against it.\n"
    "The vote was seven to four.\n"
)


def anchor(text: str, quote: str, occurrence: int = 0) -> Anchor:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    end = start + len(quote)
    return Anchor(start, end, quote, text[max(0, start - 32) : start], text[end : end + 32])


@pytest.mark.parametrize(
    ("new", "quote", "method", "placed"),
    [
        (OLD, "rises 5% next year", EXACT, "rises 5% next year"),
        # Text inserted before: offsets shift, the quote is the same.
        ("Update: corrected.\n" + OLD, "voted against it", EXACT, "voted against it"),
        # A corrected figure inside the quote.
        (
            OLD.replace("5%", "7%"),
            "Spending on schools rises 5% next year, the mayor said.",
            FUZZY,
            "Spending on schools rises 7% next year, the mayor said.",
        ),
        # Paragraphs swapped: found by its exact text elsewhere.
        (
            OLD.replace(
                "Opposition members voted against it.\nThe vote was seven to four.\n",
                "The vote was seven to four.\nOpposition members voted against it.\n",
            ),
            "The vote was seven to four.",
            EXACT,
            "The vote was seven to four.",
        ),
        # The sentence is gone.
        (OLD.replace("Opposition members voted against it.\n", ""), "voted against it", LOST, None),
        # Rewritten beyond the threshold.
        (
            OLD.replace("Spending on schools rises 5% next year", "Schools will get less"),
            "Spending on schools rises 5% next year, the mayor said.",
            LOST,
            None,
        ),
    ],
)
def test_place(new: str, quote: str, method: str, placed: str | None) -> None:
    result = place(align(OLD, new), anchor(OLD, quote))
    assert result.method == method
    if placed is None:
        assert result.start is None and result.end is None
    else:
        assert new[result.start : result.end] == placed
        assert result.score == (100.0 if method == EXACT else similarity(quote, placed))


def test_a_repeated_quote_goes_where_its_context_is() -> None:
    old = "Prices rose. Wages rose.\nThen prices fell. Prices rose.\n"
    new = "Intro line.\nPrices rose. Wages rose.\nThen prices fell. Prices rose.\n"
    second = anchor(old, "Prices rose.", occurrence=1)
    result = place(align(old, new), second)
    assert result.method == EXACT
    assert result.start == new.index("Prices rose.", new.index("fell"))
    # Moved out of its context: the occurrence whose neighbours match wins.
    moved = "Then prices fell. Prices rose.\nIntro.\nPrices rose. Wages rose.\n"
    result = place(align(old, moved), anchor(old, "Prices rose.", occurrence=0))
    assert moved[result.end : result.end + 12] == " Wages rose."


def test_alignment_covers_both_texts_in_order() -> None:
    new = "Update.\n" + OLD.replace("5%", "7.5%").replace("Monday", "Tuesday")
    alignment = align(OLD, new)
    i = j = 0
    for equal, i1, i2, j1, j2 in alignment.ops:
        assert (i1, j1) == (i, j)
        if equal:
            assert OLD[i1:i2] == new[j1:j2]
        i, j = i2, j2
    assert (i, j) == (len(OLD), len(new))
    assert sum(i2 - i1 for equal, i1, i2, *_ in alignment.ops if not equal) <= 10


def test_identical_and_empty_texts() -> None:
    assert place_all(OLD, OLD, [anchor(OLD, "the mayor said")])[0].method == EXACT
    assert place_all(OLD, "", [anchor(OLD, "the mayor said")])[0].method == LOST
    assert place_all("", "New text.", []) == []
    assert place(align(OLD, OLD), Anchor(0, 0, "")).method == LOST


WORDS = st.sampled_from(
    [
        "the",
        "council",
        "budget",
        "rises",
        "5%",
        "7%",
        "schools",
        "mayor",
        "said",
        "vote",
        "against",
        "Monday",
        ",",
        ".",
        "2026",
    ]
)
LINE = st.lists(WORDS, min_size=1, max_size=12).map(" ".join)
TEXT = st.lists(LINE, min_size=1, max_size=12).map(lambda lines: "\n".join(lines) + "\n")


@st.composite
def revisions(draw: st.DrawFn) -> tuple[str, str, list[Anchor]]:
    """An old text, an edited (or rewritten) new one, and anchors on the old text."""
    old = draw(TEXT)
    lines = old.splitlines(keepends=True)
    for _ in range(draw(st.integers(0, 6))):
        edit = draw(st.sampled_from(["replace", "insert", "delete", "move", "word"]))
        at = draw(st.integers(0, max(0, len(lines) - 1)))
        if edit == "replace" and lines:
            lines[at] = draw(LINE) + "\n"
        elif edit == "insert":
            lines.insert(at, draw(LINE) + "\n")
        elif edit == "delete" and len(lines) > 1:
            del lines[at]
        elif edit == "move" and len(lines) > 1:
            lines.insert(draw(st.integers(0, len(lines) - 1)), lines.pop(at))
        elif edit == "word" and lines:
            words = lines[at].split()
            words[draw(st.integers(0, len(words) - 1))] = draw(WORDS)
            lines[at] = " ".join(words) + "\n"
    new = "".join(lines)
    anchors = []
    for _ in range(draw(st.integers(1, 8))):
        start = draw(st.integers(0, len(old) - 1))
        end = draw(st.integers(start + 1, min(len(old), start + 80)))
        anchors.append(
            Anchor(start, end, old[start:end], old[max(0, start - 32) : start], old[end : end + 32])
        )
    return old, new, anchors


@hsettings(max_examples=300, deadline=None)
@given(revisions())
def test_an_anchor_is_never_placed_on_text_below_the_threshold(case) -> None:
    old, new, anchors = case
    for anchor_, placement in zip(anchors, place_all(old, new, anchors), strict=True):
        if placement.method == LOST:
            assert placement.start is None
            continue
        placed = new[placement.start : placement.end]
        assert 0 <= placement.start <= placement.end <= len(new)
        assert similarity(anchor_.quote, placed) >= THRESHOLD
        if placement.method == EXACT:
            assert placed == anchor_.quote


@hsettings(max_examples=200, deadline=None)
@given(TEXT, TEXT)
def test_the_alignment_of_any_two_texts_is_a_cover(old: str, new: str) -> None:
    i = j = 0
    for equal, i1, i2, j1, j2 in align(old, new).ops:
        assert (i1, j1) == (i, j) and (i1 < i2 or j1 < j2)
        assert not equal or old[i1:i2] == new[j1:j2]
        i, j = i2, j2
    assert (i, j) == (len(old), len(new))


def test_sentence_diff_names_inserted_deleted_and_changed_sentences() -> None:
    old = ["A budget passed.", "Schools get 5% more.", "The vote was close.", "Critics left."]
    new = ["A budget passed.", "It took six hours.", "Schools get 7% more.", "Critics left."]
    rows = [(r.tag, r.old_index, r.new_index) for r in diff_sentences(old, new)]
    assert rows == [
        ("same", 0, 0),
        ("inserted", None, 1),
        ("changed", 1, 2),
        ("deleted", 2, None),
        ("same", 3, 3),
    ]
    assert diff_sentences([], ["New."])[0].tag == "inserted"
    assert [r.tag for r in diff_sentences(old, old)] == ["same"] * 4
