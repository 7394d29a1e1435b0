"""Time layout.parse + sentences.split on adversarial inputs of growing size.

Usage (from the repository root):

    .venv/bin/python bench/split_adversarial.py [--sizes 100000,250000,500000,1000000]
        [--only NAME,...] [--max-seconds 60]

Each input is one pathological pattern repeated to exactly N characters (runs of
backticks, apostrophes, quotes, dots, dashes, brackets, spaces, one huge word, many short
lines, ...), plus a normal article repeated, as lines and as one single line. For every
size it prints the CPU seconds (``time.process_time``, best of up to 3 runs while they are
quick) and, for the largest size, the microseconds per 1,000 characters. The last column
``ratio`` is time(1,000,000 chars) / time(250,000 chars): about 4 when time is linear in the
length, about 16 when it is quadratic; ``slope`` is the log-log slope between the two largest
sizes measured (about 1 linear, 2 quadratic). A pattern stops growing once one size takes
longer than ``--max-seconds`` (its larger sizes print ``-``), so the old quadratic code can be
measured without waiting for hours.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from newsroom.text.layout import parse  # noqa: E402
from newsroom.text.sentences import split  # noqa: E402

SEED = REPO / "seeds" / "000_cfff4d70fc50ad02.txt"
SIZES = (100_000, 250_000, 500_000, 1_000_000)
RATIO = (1_000_000, 250_000)


def repeated(piece: str) -> Callable[[int], str]:
    """Inputs of exactly ``size`` characters: ``piece`` over and over, the last one cut."""

    def build(size: int) -> str:
        return (piece * (size // len(piece) + 1))[:size]

    return build


def spaces_between_words(size: int) -> str:
    """One block: a word, one huge run of spaces, a word."""
    return "a" + " " * (size - 2) + "b"


def random_quotes(size: int) -> str:
    """Quote marks of every kind mixed with letters, dots and spaces, deterministically."""
    rng = random.Random(10)
    return "".join(
        rng.choice("`'\"“”«»„. aA\N{LEFT SINGLE QUOTATION MARK}\N{RIGHT SINGLE QUOTATION MARK}")
        for _ in range(size)
    )


def article_lines(size: int) -> str:
    """The seed article over and over: ordinary text, one block per line."""
    return repeated(SEED.read_text(encoding="utf-8") + "\n")(size)


def article_one_line(size: int) -> str:
    """The seed article's lines joined by spaces: ordinary text in one huge block."""
    lines = SEED.read_text(encoding="utf-8").split()
    return repeated(" ".join(lines) + " ")(size)


PATTERNS: dict[str, Callable[[int], str]] = {
    "backticks": repeated("`"),
    "apostrophes": repeated("'"),
    "double quotes": repeated('"'),
    "curly opening “": repeated("“"),
    "curly single \N{LEFT SINGLE QUOTATION MARK}": repeated("\N{LEFT SINGLE QUOTATION MARK}"),
    "guillemets «": repeated("«"),
    "low quotes „": repeated("„"),
    "“ + word": repeated("“a "),
    "` + word": repeated("` a "),
    "`A. B` quoted": repeated(" `A. B` "),
    '"A. B," he said.': repeated('"A. B," he said. '),
    "random quotes": random_quotes,
    "dots": repeated("."),
    "ellipsis ...": repeated("... "),
    "ellipsis …": repeated("…"),
    "spaced dots . . .": repeated(". "),
    "?! runs": repeated("?!"),
    "dashes": repeated("-"),
    "em dashes": repeated("—"),
    "brackets (": repeated("("),
    "brackets [ ]": repeated("[a] "),
    "spaces in a block": spaces_between_words,
    "NBSP run": repeated("\N{NO-BREAK SPACE}"),
    "one huge word": repeated("a"),
    "short sentences": repeated("A. "),
    "list markers": repeated("1. a 2. b "),
    "many short lines": repeated("a.\n"),
    "blank lines": repeated("a\n\n\n"),
    "dateline lines": repeated("Feb 4, 2020 10:02 AM\n"),
    "article as lines": article_lines,
    "article in one line": article_one_line,
}


def cpu_seconds(text: str) -> float:
    """Best CPU time of parse + split over up to 3 runs (1 run when it is slow)."""
    best = float("inf")
    spent = 0.0
    for _ in range(3):
        started = time.process_time()
        split(text, parse(text).blocks)
        seconds = time.process_time() - started
        best = min(best, seconds)
        spent += seconds
        if spent > 1.0:
            break
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default=",".join(str(size) for size in SIZES),
        help="comma-separated input sizes in characters (default: %(default)s)",
    )
    parser.add_argument("--only", default="", help="comma-separated pattern names to run")
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=60.0,
        help="stop growing a pattern after a size slower than this (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    sizes = sorted(int(size) for size in args.sizes.split(","))
    names = [name for name in args.only.split(",") if name] or list(PATTERNS)
    header = " ".join(f"{size:>10,}" for size in sizes)
    print(f"{'pattern (CPU seconds)':<22} {header} {'µs/KB':>9} {'ratio':>6} {'slope':>5}")
    for name in names:
        times: list[float | None] = []
        for size in sizes:
            if times and (times[-1] is None or times[-1] > args.max_seconds):
                times.append(None)
                continue
            times.append(cpu_seconds(PATTERNS[name](size)))
        cells = " ".join("-".rjust(10) if t is None else f"{t:10.3f}" for t in times)
        measured = [(size, t) for size, t in zip(sizes, times, strict=True) if t is not None]
        largest, slowest = measured[-1]
        per_kb = slowest * 1e6 / (largest / 1000)
        by_size = dict(measured)
        top, base = (by_size.get(size) for size in RATIO)
        ratio = f"{top / base:6.1f}" if top and base else "-".rjust(6)
        slope = "-".rjust(5)
        if len(measured) > 1 and measured[-2][1] > 0:
            (small, fast) = measured[-2]
            slope = f"{math.log(slowest / fast) / math.log(largest / small):5.2f}"
        print(f"{name:<22} {cells} {per_kb:9.1f} {ratio} {slope}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
