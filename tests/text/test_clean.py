"""newsroom.text.clean: removing spans and normalising whitespace, without Django."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsroom.text.clean import clean_text, merge_spans

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("text", "remove", "expected"),
    [
        ("Title\nBody.", [], "Title\nBody."),
        # Whole lines removed vanish instead of leaving a blank line behind.
        ("Title\nMay 2 2020\nBody.", [(6, 16)], "Title\nBody."),
        # A span in the middle of a line: the spaces around it become one.
        ("One two three.", [(4, 8)], "One three."),
        ("Caption. AFP/Credit.", [(9, 20)], "Caption."),
        # Leading and trailing whitespace per line, NBSP and tabs included.
        (f"{NBSP}Lead.\n  Two.\t\nThree.{NBSP}", [], "Lead.\nTwo.\nThree."),
        # A single NBSP inside a line is content ("10 km"), kept as it is.
        (f"It is 10{NBSP}km away.", [], f"It is 10{NBSP}km away."),
        # Inner runs of whitespace collapse.
        (f"A  b \t c{NBSP} d.", [], "A b c d."),
        # Runs of blank lines (empty or whitespace-only) become one blank line.
        ("A.\n\n\n  \n\nB.", [], "A.\n\nB."),
        # Blank lines at either end go.
        ("\n\n  A.\n\n", [], "A."),
        # Removing the trailer leaves no trailing blank line.
        ("A.\n\nThere are no comments.\n\nLEAVE A COMMENT", [(4, 26), (28, 43)], "A."),
        # Overlapping and touching spans are merged.
        ("abcdef ghi", [(0, 3), (2, 5), (5, 6)], "ghi"),
        # A span across a newline: each line loses its part, the newline stays.
        ("Keep this. Drop\nthis too. Keep.", [(11, 25)], "Keep this.\nKeep."),
        # Spans covering everything.
        ("Only.", [(0, 5)], ""),
        ("", [], ""),
        # Windows line ends: the \r is whitespace at the line's edge.
        ("A.\r\nB.\r\n", [], "A.\nB."),
        # Code points, not UTF-16 units: the emoji counts as one.
        ("😀 Credit. Body é.", [(0, 10)], "Body é."),
    ],
)
def test_clean_text(text: str, remove: list[tuple[int, int]], expected: str) -> None:
    assert clean_text(text, remove) == expected


@pytest.mark.parametrize(
    ("remove", "length"),
    [([(3, 3)], 10), ([(4, 2)], 10), ([(-1, 2)], 10), ([(5, 11)], 10)],
)
def test_invalid_spans_raise(remove: list[tuple[int, int]], length: int) -> None:
    with pytest.raises(ValueError, match="is not inside"):
        merge_spans(remove, length)


def test_merge_spans_sorts_and_merges() -> None:
    assert merge_spans([(8, 9), (0, 2), (1, 4), (4, 5)], 10) == [(0, 5), (8, 9)]


@given(st.text(alphabet=st.sampled_from(["a", " ", "\n", NBSP, "\t", "é", "😀"]), max_size=60))
def test_clean_text_is_normalised_and_idempotent(text: str) -> None:
    cleaned = clean_text(text)
    assert clean_text(cleaned) == cleaned
    assert "\n\n\n" not in cleaned
    assert cleaned == cleaned.strip()
    for line in cleaned.split("\n"):
        assert line == line.strip()


@given(st.data())
def test_removed_characters_never_survive(data: st.DataObject) -> None:
    text = data.draw(st.text(alphabet="ab \n", min_size=1, max_size=40))
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    marked = text[:start] + "X" * (end - start) + text[end:]
    assert "X" not in clean_text(marked, [(start, end)]).replace("\n", "")


def test_module_is_pure() -> None:
    code = (
        "import sys, newsroom.text.clean; print(any(m.startswith('django') for m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
