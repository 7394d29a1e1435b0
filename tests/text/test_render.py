import itertools
import subprocess
import sys
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsroom.text.render import segments


@dataclass(frozen=True)
class S:
    start: int
    end: int
    name: str = ""


TEXT = "Title here\nFirst one. Second one.\nTail"
BLOCKS = [S(0, 10, "title"), S(11, 33, "body"), S(34, 38, "trailer")]
SENTENCES = [S(0, 10, "t"), S(11, 21, "s1"), S(22, 33, "s2")]


def flat(result):
    return [
        [
            (run.sentence.name if run.sentence else None, [p.text for p in run.pieces])
            for run in b.runs
        ]
        for b in result
    ]


def test_sentences_and_gaps_per_block():
    assert flat(segments(TEXT, BLOCKS, SENTENCES)) == [
        [("t", ["Title here"])],
        [("s1", ["First one."]), (None, [" "]), ("s2", ["Second one."])],
        [(None, ["Tail"])],
    ]


def test_mark_crossing_sentences_is_cut_and_labelled_once():
    mark = S(17, 28, "flag")
    result = segments(TEXT, BLOCKS, SENTENCES, [mark])
    assert flat(result)[1] == [
        ("s1", ["First ", "one."]),
        (None, [" "]),
        ("s2", ["Second", " one."]),
    ]
    pieces = [p for run in result[1].runs for p in run.pieces]
    assert [p.marks for p in pieces] == [(), (mark,), (mark,), (mark,), ()]
    assert [p.opens for p in pieces] == [(), (mark,), (), (), ()]


def test_overlapping_marks():
    a, b = S(11, 16, "a"), S(14, 21, "b")
    run = segments(TEXT, BLOCKS, SENTENCES, [b, a])[1].runs[0]
    assert [(p.text, [m.name for m in p.marks]) for p in run.pieces] == [
        ("Fir", ["a"]),
        ("st", ["a", "b"]),
        (" one.", ["b"]),
    ]


def test_text_with_markup_is_kept_as_data():
    text = "<script>alert(1)</script>"
    result = segments(text, [S(0, len(text))], [S(0, len(text))])
    assert result[0].runs[0].pieces[0].text == text


def test_emoji_and_accents_use_code_points():
    text = "Café 😀 ok. Next"
    result = segments(text, [S(0, len(text))], [S(0, 10), S(11, 15)], [S(5, 6)])
    assert [p.text for p in result[0].runs[0].pieces] == ["Café ", "😀", " ok."]


@st.composite
def article(draw):
    text = draw(st.text(min_size=1, max_size=60))
    cuts = sorted({*draw(st.lists(st.integers(0, len(text)), max_size=12)), 0, len(text)})
    spans = [S(a, b) for a, b in itertools.pairwise(cuts) if a < b]
    blocks = spans[::2]
    sentences = [
        S(x, y) for b in blocks for x, y in [(b.start, max(b.start + 1, (b.start + b.end) // 2))]
    ]
    marks = [
        S(min(a, b), max(a, b) + 1)
        for a, b in draw(
            st.lists(
                st.tuples(st.integers(0, len(text) - 1), st.integers(0, len(text) - 1)), max_size=5
            )
        )
        if max(a, b) + 1 <= len(text)
    ]
    return text, blocks, sentences, marks


@given(article())
def test_pieces_rebuild_each_block_and_marks_cover_exactly(case):
    text, blocks, sentences, marks = case
    for block, seg in zip(blocks, segments(text, blocks, sentences, marks), strict=True):
        pieces = [p for run in seg.runs for p in run.pieces]
        assert "".join(p.text for p in pieces) == text[block.start : block.end]
        for p in pieces:
            assert p.text == text[p.start : p.end]
            assert set(p.marks) == {m for m in marks if m.start < p.end and m.end > p.start}


def test_render_is_pure():
    code = (
        "import sys, newsroom.text.render; "
        "print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("marks", [[], [S(0, 38)]])
def test_every_block_present(marks):
    assert [b.block.name for b in segments(TEXT, BLOCKS, SENTENCES, marks)] == [
        "title",
        "body",
        "trailer",
    ]


@st.composite
def overlapping(draw):
    text = draw(st.text(min_size=1, max_size=40))
    bounds = st.tuples(st.integers(0, len(text) - 1), st.integers(0, len(text) - 1))
    spans = st.builds(lambda ab: S(min(ab), max(ab) + 1), bounds)
    blocks = draw(st.lists(spans, min_size=1, max_size=5))
    sentences = draw(st.lists(spans, max_size=8))
    marks = draw(st.lists(spans, max_size=6))
    return text, blocks, sentences, marks


@given(overlapping())
def test_unsorted_and_overlapping_blocks_get_every_covering_mark(case):
    text, blocks, sentences, marks = case
    result = segments(text, blocks, sentences, marks)
    assert [b.block for b in result] == blocks
    for block, seg in zip(blocks, result, strict=True):
        pieces = [p for run in seg.runs for p in run.pieces]
        assert "".join(p.text for p in pieces) == text[block.start : block.end]
        for p in pieces:
            expected = sorted(
                (m for m in marks if m.start < p.end and m.end > p.start),
                key=lambda m: (m.start, m.end),
            )
            assert list(p.marks) == expected
