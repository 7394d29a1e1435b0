"""Score sentence segmentation on the English Golden Rules and measure throughput.

Usage (from the repository root):

    .venv/bin/python bench/golden_rules.py [--eval-dir DIR] [--repeat N]

The rules are read from ``DIR/segmentation/golden_rules_en.json``; ``DIR`` defaults to
``$NEWSROOM_SHARED/eval``, and ``NEWSROOM_SHARED`` to the ``shared`` folder beside the
repository. The eval data is never copied into the repository. Each rule's text is one
BODY block (trimmed); a rule passes when the sentence texts equal its expected list.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sentencex import get_sentence_boundaries  # noqa: E402

from newsroom.text.layout import parse  # noqa: E402
from newsroom.text.sentences import sentence_texts, split  # noqa: E402

SEED = REPO / "seeds" / "000_cfff4d70fc50ad02.txt"


def default_eval_dir() -> Path:
    shared = os.environ.get("NEWSROOM_SHARED")
    return (Path(shared) if shared else REPO.parent / "shared") / "eval"


def score(rules: list[dict]) -> int:
    passed = 0
    for rule in rules:
        got = sentence_texts(rule["text"])
        if got == rule["expected"]:
            passed += 1
            continue
        print(f"FAIL {rule['name']}")
        print(f"  text:     {rule['text']!r}")
        print(f"  expected: {rule['expected']!r}")
        print(f"  got:      {got!r}")
    return passed


def generated_text(sentences: int, seed: int = 7) -> str:
    """Deterministic news-like paragraphs: abbreviations, numbers, quotes, attributions."""
    rng = random.Random(seed)
    pieces = [
        "The U.S. Senate voted 52-48 on Tuesday to approve the measure.",
        "Mr. Smith said the plan would cost about $3.5 million over 10 years.",
        '"We are not done yet. There is more to do," the senator told reporters in Washington.',
        "Officials in St. Louis, Mo., declined to comment on Nov. 19, 2019.",
        "Prices rose 2.4% in October, according to the Commerce Dept.",
        "“It is a serious test,” said Dr. Jane Doe, who heads the committee.",
        "Why would anyone do that?",
        "The company, based in Burbank, Calif., launched its service last week!",
        "Shares of Apple Inc. fell 1.2 percent to $262.01 in early trading.",
        "Analysts at J.P. Morgan expect a decision by Jan. 15.",
    ]
    paragraphs = []
    written = 0
    while written < sentences:
        size = rng.randint(1, 5)
        paragraphs.append(" ".join(rng.choice(pieces) for _ in range(size)))
        written += size
    return "Generated headline\n" + "\n".join(paragraphs) + "\n"


def best_of(runs: int, work: Callable[[], int]) -> tuple[float, int]:
    """Fastest wall time of ``runs`` calls of ``work`` and what the last call returned."""
    best = float("inf")
    count = 0
    for _ in range(runs):
        started = time.perf_counter()
        count = work()
        best = min(best, time.perf_counter() - started)
    return best, count


def throughput(repeat: int) -> None:
    long_text = generated_text(50_000)
    blocks = parse(long_text).blocks

    def ours() -> int:
        return len(split(long_text, blocks))

    def raw() -> int:
        return sum(len(get_sentence_boundaries("en", long_text[b.start : b.end])) for b in blocks)

    seconds, count = best_of(5, ours)
    print(
        f"generated text: {len(long_text):,} chars, {len(blocks):,} blocks, {count:,} sentences:"
        f" split {count / seconds:,.0f} sentences/s"
    )
    seconds_raw, count_raw = best_of(5, raw)
    print(f"  (sentencex alone on the same blocks: {count_raw / seconds_raw:,.0f} sentences/s)")

    seed = SEED.read_text(encoding="utf-8")

    def seed_articles() -> int:
        total = 0
        for _ in range(repeat):
            layout = parse(seed)
            total += len(split(seed, layout.blocks))
        return total

    seconds, count = best_of(3, seed_articles)
    print(
        f"seed article x{repeat:,}: parse + split {repeat / seconds:,.0f} articles/s,"
        f" {count / seconds:,.0f} sentences/s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--eval-dir",
        type=Path,
        default=default_eval_dir(),
        help="folder holding segmentation/golden_rules_en.json (default: %(default)s)",
    )
    parser.add_argument(
        "--repeat", type=int, default=2_000, help="seed article parses to time (default: 2000)"
    )
    args = parser.parse_args(argv)
    path = args.eval_dir / "segmentation" / "golden_rules_en.json"
    if not path.exists():
        print(f"no golden rules at {path}; pass --eval-dir or set NEWSROOM_SHARED")
        return 2
    rules = json.loads(path.read_text(encoding="utf-8"))["rules"]
    passed = score(rules)
    print(f"English Golden Rules: {passed}/{len(rules)}")
    throughput(args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
