"""newsroom.text.lines: the one line model, and the three modules that split text with it."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsroom.text import layout
from newsroom.text.artifacts import Document, detect
from newsroom.text.clean import clean_text
from newsroom.text.lines import LINE_BREAKS, line_number, split

from .artifact_helpers import BODY

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_cfff4d70fc50ad02.txt"

# Every line break of the model, CR LF included, by name (for readable test ids).
BREAKS = {
    "LF": "\n",
    "CRLF": "\r\n",
    "CR": "\r",
    "VT": "\x0b",
    "FF": "\x0c",
    "LS": "\u2028",
    "PS": "\u2029",
}
# What ``str.splitlines`` also splits on and the model does not (see the module docstring).
NOT_BREAKS = {"NEL": "\x85", "FS": "\x1c", "GS": "\x1d", "RS": "\x1e"}


def pieces(text: str) -> list[str]:
    return [text[start:end] for start, end in split(text)]


def test_the_model_names_every_character_str_splitlines_breaks_on() -> None:
    splitlines_breaks = {chr(c) for c in range(0x110000) if len(f"a{chr(c)}b".splitlines()) > 1}
    assert splitlines_breaks == set(LINE_BREAKS) | set(NOT_BREAKS.values())
    assert set(LINE_BREAKS) == set("".join(BREAKS.values()))


@pytest.mark.parametrize("brk", BREAKS.values(), ids=BREAKS.keys())
def test_each_break_ends_a_line(brk: str) -> None:
    text = f"one{brk}two{brk}{brk}three{brk}"
    width = len(brk)
    assert pieces(text) == ["one", "two", "", "three", ""]
    assert split(text)[1] == (3 + width, 6 + width)


@pytest.mark.parametrize("char", NOT_BREAKS.values(), ids=NOT_BREAKS.keys())
def test_nel_and_information_separators_do_not_end_a_line(char: str) -> None:
    assert pieces(f"He paused{char} then spoke.") == [f"He paused{char} then spoke."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", [""]),
        ("a", ["a"]),
        ("\r\n", ["", ""]),  # CR LF is one break
        ("\r\n\r\n", ["", "", ""]),
        ("\n\r", ["", "", ""]),  # LF then CR: two breaks
        ("\r\r\n", ["", "", ""]),  # CR, then CR LF
        ("a\r\nb\rc\nd\u2028e", ["a", "b", "c", "d", "e"]),  # mixed endings
        ("a\r\nb\nc\r\n", ["a", "b", "c", ""]),  # Windows text with a stray LF
        ("a\r\nb\r", ["a", "b", ""]),  # and with a CR alone at the end
        ("a\tb\xa0c", ["a\tb\xa0c"]),  # other whitespace is not a break
    ],
)
def test_split_table(text: str, expected: list[str]) -> None:
    assert pieces(text) == expected


ALPHABET = ["a", "é", "😀", " ", "\t", "\xa0", *BREAKS.values(), *NOT_BREAKS.values()]


@given(st.lists(st.sampled_from(ALPHABET), max_size=40).map("".join))
def test_lines_tile_the_text_with_only_breaks_between(text: str) -> None:
    spans = split(text)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    for (_, end), (next_start, _) in itertools.pairwise(spans):
        assert text[end:next_start] in BREAKS.values()
    for start, end in spans:
        assert not set(text[start:end]) & set(LINE_BREAKS)
    # Where the two agree on what a break is, the lines are those of ``str.splitlines``.
    if not set(text) & set(NOT_BREAKS.values()):
        *head, last = (text + "x").splitlines()
        assert pieces(text) == [*(line.rstrip(LINE_BREAKS) for line in head), last[:-1]]


@pytest.mark.parametrize(
    ("text", "offset", "expected"),
    [
        ("abc", 0, 1),
        ("abc", 3, 1),
        ("a\nb", 1, 1),  # on the break: the line it ends
        ("a\nb", 2, 2),
        ("a\r\nb", 2, 1),  # the LF of a CR LF belongs to the line its CR ends
        ("a\r\nb", 3, 2),
        ("a\rb\u2028c\x0cd", 6, 4),
        ("a\x85b", 2, 1),
        ("a\nb", 99, 2),
    ],
)
def test_line_number(text: str, offset: int, expected: int) -> None:
    assert line_number(text, offset) == expected


@pytest.fixture(scope="module")
def seed() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.mark.parametrize("brk", BREAKS.values(), ids=BREAKS.keys())
def test_layout_detector_and_clean_text_read_the_seed_alike_with_any_break(
    seed: str, brk: str
) -> None:
    text = seed.replace("\n", brk)
    parsed = layout.parse(text)
    reference = layout.parse(seed)
    assert [b.text_in(text) for b in parsed.blocks] == [b.text_in(seed) for b in reference.blocks]
    assert [b.role for b in parsed.blocks] == [b.role for b in reference.blocks]
    assert parsed.published == reference.published
    # The detector's lines are the layout's blocks (one per non-blank line, same offsets).
    doc = Document.parse(text, parsed)
    assert [(doc.lines[i].start, doc.lines[i].end) for i in doc.content] == [
        (b.start, b.end) for b in parsed.blocks
    ]
    # The seed's nine findings, with exact offsets into this text (CR LF shifts them).
    findings = detect(text, parsed)
    assert [(f.kind, text[f.start : f.end]) for f in findings] == [
        (f.kind, seed[f.start : f.end]) for f in detect(seed, reference)
    ]
    assert len(findings) == 9
    assert "stray_whitespace" not in {f.kind for f in findings if "\r" in text[f.start : f.end]}
    assert clean_text(text) == clean_text(seed)
    assert clean_text(text, [(f.start, f.end) for f in findings]) == clean_text(
        seed, [(f.start, f.end) for f in detect(seed, reference)]
    )


@pytest.mark.parametrize("brk", BREAKS.values(), ids=BREAKS.keys())
def test_byline_is_flagged_whatever_the_line_break(brk: str) -> None:
    text = ("Budget passes\nBy Jane Doe\n" + BODY).replace("\n", brk)
    findings = [(f.kind, text[f.start : f.end]) for f in detect(text, layout.parse(text))]
    assert findings == [("byline", "By Jane Doe")]


@pytest.mark.parametrize("char", NOT_BREAKS.values(), ids=NOT_BREAKS.keys())
def test_a_lost_ellipsis_keeps_its_sentence_on_one_line(char: str) -> None:
    text = f"Budget passes\nThe mayor paused{char} then signed the budget on Monday.\n"
    parsed = layout.parse(text)
    assert [b.text_in(text) for b in parsed.blocks] == [
        "Budget passes",
        f"The mayor paused{char} then signed the budget on Monday.",
    ]
    doc = Document.parse(text, parsed)
    assert [doc.lines[i].text for i in doc.content] == [b.text_in(text) for b in parsed.blocks]
    # In the clean text it is whitespace beside a space: the run becomes one space.
    assert clean_text(text).split("\n") == [
        "Budget passes",
        "The mayor paused then signed the budget on Monday.",
    ]


def test_clean_text_writes_every_break_as_one_newline() -> None:
    text = "A.\rB.\r\n\r\nC.\u2028D.\x0cE.\u2029F.\x0bG."
    assert clean_text(text) == "A.\nB.\n\nC.\nD.\nE.\nF.\nG."
    assert clean_text(text, [(3, 5)]) == "A.\n\nC.\nD.\nE.\nF.\nG."


def test_lower_cased_text_keeps_offsets_with_any_break() -> None:
    # "İ" lower-cases to two code points: the lowered copy is rebuilt line by line, and
    # it must keep each line break as it is (CR LF two characters) to keep offsets.
    text = "İstanbul\r\nBy Jane Doe\u2028" + BODY.replace("\n", "\r")
    doc = Document.parse(text)
    assert len(doc.lower) == len(text)
    for index in doc.content:
        line = doc.lines[index]
        assert doc.lower[line.start : line.end] in (line.text.lower(), line.text)
