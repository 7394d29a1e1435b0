"""sentences.split stays linear on pathological input, and its offsets stay exact.

Timing tests are flaky on a shared machine, so these count work instead: sentencex's cost on
one call depends only on the text it is given, so when every call gets at most
``WINDOW_CHARS`` and a block of ``n`` characters makes at most ``n / WINDOW_MIN_STEP_CHARS + 1``
calls, splitting is linear in ``n`` (``bench/split_adversarial.py`` has the times).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from newsroom.text import sentences
from newsroom.text.layout import parse
from newsroom.text.sentences import MAX_SENTENCE_CHARS, WINDOW_CHARS, WINDOW_MIN_STEP_CHARS

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_cfff4d70fc50ad02.txt"

# Pieces whose runs made splitting quadratic, or that could: quotes of every kind alone and
# around words, dots, ellipses, dashes, brackets, whitespace, one huge word, short lines.
PATHOLOGICAL = [
    "`",
    "'",
    '"',
    "“",
    "”",
    "«",
    "„",
    "\N{LEFT SINGLE QUOTATION MARK}",
    "\N{RIGHT SINGLE QUOTATION MARK}",
    "“a ",
    "` a ",
    " `A. B` ",
    '"A. B," he said. ',
    ".",
    "... ",
    "…",
    ". ",
    ". . . . ",
    "?!",
    "-",
    "—",
    "(",
    "[a] ",
    " ",
    "\xa0",
    "a",
    "A. ",
    "1. a 2. b ",
    "a.\n",
]
ORDINARY = ["The minister said on Tuesday. ", "Mr. Smith left. ", "“We will,” he said. ", "\n"]
MAX_CHARS = 20_000

RUNS = st.lists(
    st.tuples(st.sampled_from(PATHOLOGICAL + ORDINARY), st.integers(1, 4_000)),
    min_size=1,
    max_size=6,
).map(lambda runs: "".join(piece * count for piece, count in runs)[:MAX_CHARS])


@contextmanager
def inner_calls() -> Iterator[list[int]]:
    """Record the length of every text handed to sentencex inside the block."""
    lengths: list[int] = []
    real = sentences.get_sentence_boundaries

    def recording(language: str, text: str) -> list[dict]:
        lengths.append(len(text))
        return real(language, text)

    with mock.patch.object(sentences, "get_sentence_boundaries", recording):
        yield lengths


def assert_exact_and_bounded(text: str) -> None:
    """Every block's non-whitespace is in exactly one short, trimmed sentence, in order."""
    blocks = parse(text).blocks
    found = sentences.split(text, blocks)
    previous_end = 0
    covered = [False] * len(text)
    for sentence in found:
        block = blocks[sentence.block]
        assert block.contains(sentence)
        assert previous_end <= sentence.start < sentence.end
        assert sentence.end - sentence.start <= MAX_SENTENCE_CHARS
        piece = text[sentence.start : sentence.end]
        assert not piece[0].isspace() and not piece[-1].isspace()
        covered[sentence.start : sentence.end] = [True] * len(piece)
        previous_end = sentence.end
    for block in blocks:
        for i in range(block.start, block.end):
            assert covered[i] or text[i].isspace()
    assert {s.block for s in found} == set(range(len(blocks)))


@settings(max_examples=40, deadline=None)
@given(RUNS)
def test_sentencex_gets_bounded_windows_and_linear_total(text: str) -> None:
    with inner_calls() as lengths:
        sentences.segment(text)
    assert max(lengths) <= WINDOW_CHARS
    assert len(lengths) <= len(text) // WINDOW_MIN_STEP_CHARS + 1
    assert sum(lengths) <= len(text) * WINDOW_CHARS / WINDOW_MIN_STEP_CHARS + WINDOW_CHARS


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(["`", "'", "“", "«", "„", "a", "."]), st.integers(1, 60_000))
def test_a_run_is_tiled_by_short_sentences(mark: str, size: int) -> None:
    run = mark * size
    with inner_calls() as lengths:
        pieces = sentences.segment(run)
    assert pieces[0][0] == 0 and pieces[-1][1] == size
    assert all(left[1] == right[0] for left, right in itertools.pairwise(pieces))
    assert all(end - start <= MAX_SENTENCE_CHARS for start, end in pieces)
    assert len(pieces) >= math.ceil(size / MAX_SENTENCE_CHARS)
    assert len(lengths) <= size // WINDOW_MIN_STEP_CHARS + 1


def test_quadratic_inner_cost_adds_up_to_linear() -> None:
    # Even if sentencex costs the square of what it is given (it does on backticks), the sum
    # over the windows grows like the length: 4 times the text, about 4 times the cost.
    cost = {}
    for size in (25_000, 100_000):
        with inner_calls() as lengths:
            sentences.segment("`" * size)
        cost[size] = sum(length**2 for length in lengths)
    assert cost[100_000] <= 4.5 * cost[25_000]


@settings(max_examples=60, deadline=None)
@given(RUNS)
def test_offsets_stay_exact_on_runs(text: str) -> None:
    assert_exact_and_bounded(text)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(PATHOLOGICAL + ORDINARY), max_size=300).map("".join))
def test_offsets_stay_exact_on_mixed_pieces(text: str) -> None:
    assert_exact_and_bounded(text)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=WINDOW_CHARS))
def test_a_short_block_goes_to_sentencex_whole(text: str) -> None:
    with inner_calls() as lengths:
        sentences.segment(text)
    assert lengths == [len(text)]


def test_windows_do_not_change_ordinary_long_blocks() -> None:
    article = " ".join(SEED.read_text(encoding="utf-8").split())
    block = " ".join([article] * 20)
    assert len(block) > 10 * WINDOW_CHARS
    with mock.patch.object(sentences, "WINDOW_CHARS", len(block)):
        whole = sentences.segment(block)
    assert sentences.segment(block) == whole
