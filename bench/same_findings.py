"""Check that a change to the text core leaves every result unchanged, and time the rules.

Usage (from the repository root):

    .venv/bin/python bench/same_findings.py --save BEFORE.json    # before the change
    .venv/bin/python bench/same_findings.py --compare BEFORE.json  # after it
    .venv/bin/python bench/same_findings.py --seconds 3            # rule CPU time only

Every text of the artifact dev set, the weak corpus (``../shared/eval``, read in place, or
``$NEWSROOM_SHARED/eval``) and the synthetic held-out articles (``tests/text``) goes through
``layout.parse``, ``sentences.split``, the rules (``detect_rules``) and the full detector
(rules + the shipped learned layer). ``--save`` writes one digest per text and stage;
``--compare`` names every text whose blocks, sentences or findings differ (exit status 1).
Keep the saved file outside the repository: it is derived from the evaluation data.

Also printed: CPU time per 5 KB of the rules alone (``detect_rules``, layout given), one
article at a time, under whatever load the machine has.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsroom.text import layout, sentences  # noqa: E402
from newsroom.text.artifacts import detect, detect_rules  # noqa: E402
from tests.text.heldout_articles import ARTICLES, CLEAN  # noqa: E402


def texts() -> dict[str, str]:
    """Every text to compare, by a stable name."""
    shared = os.environ.get("NEWSROOM_SHARED")
    base = (Path(shared) if shared else ROOT.parent / "shared") / "eval"
    out: dict[str, str] = {}
    dev = base / "artifacts" / "dev.jsonl"
    if dev.exists():
        for n, line in enumerate(dev.read_text(encoding="utf-8").splitlines()):
            if line.strip():
                out[f"dev:{n}"] = json.loads(line)["text"]
    weak = base / "weak" / "train.jsonl.gz"
    if weak.exists():
        with gzip.open(weak, "rt", encoding="utf-8") as handle:
            for n, line in enumerate(handle):
                if line.strip():
                    out[f"weak:{n}"] = json.loads(line)["text"]
    for n, record in enumerate(ARTICLES + CLEAN):
        out[f"synthetic:{n}"] = record["text"]
    return out


def _digest(value: object) -> str:
    return hashlib.sha256(repr(value).encode("utf-8")).hexdigest()[:16]


def results(text: str) -> dict[str, str]:
    parsed = layout.parse(text)
    spans = sentences.split(text, parsed.blocks)
    _, rules = detect_rules(text, parsed)
    return {
        "layout": _digest((parsed.title, parsed.published, parsed.blocks)),
        "sentences": _digest(spans),
        "rules": _digest([(f.kind, f.start, f.end, f.reason, f.confidence) for f in rules]),
        "findings": _digest(
            [(f.kind, f.start, f.end, f.reason, f.confidence) for f in detect(text, parsed)]
        ),
    }


def rule_time(corpus: list[str], seconds: float) -> dict[str, float]:
    parsed = [(text, layout.parse(text)) for text in corpus]
    for text, parse in parsed:
        detect_rules(text, parse)  # warm-up
    done = chars = 0
    began = time.perf_counter()
    cpu = time.process_time()
    while time.perf_counter() - began < seconds:
        for text, parse in parsed:
            detect_rules(text, parse)
        done += len(parsed)
        chars += sum(len(t) for t in corpus)
    cpu = time.process_time() - cpu
    return {"articles": done, "cpu_ms_per_article": 1000 * cpu / done,
            "cpu_ms_per_5kb": 1000 * cpu / (chars / 5000)}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", type=Path, metavar="OUT")
    parser.add_argument("--compare", type=Path, metavar="BEFORE")
    parser.add_argument("--seconds", type=float, default=0.0, help="time the rules (0: skip)")
    args = parser.parse_args(argv)
    corpus = texts()
    status = 0
    if args.save or args.compare:
        now = {name: results(text) for name, text in corpus.items()}
        if args.save:
            args.save.write_text(json.dumps(now, indent=0, sort_keys=True), encoding="utf-8")
            print(f"saved {len(now)} texts to {args.save}")
        if args.compare:
            before = json.loads(args.compare.read_text(encoding="utf-8"))
            differ = [
                f"{name}: {stage}"
                for name, stages in now.items()
                for stage, value in stages.items()
                if before.get(name, {}).get(stage) != value
            ]
            missing = sorted(set(before) - set(now))
            for line in differ + [f"{name}: missing" for name in missing]:
                print("DIFFERS", line)
            print(f"compared {len(now)} texts: {len(differ) + len(missing)} differences")
            status = 1 if differ or missing else 0
    if args.seconds > 0:
        dev = [t for name, t in corpus.items() if name.startswith("dev:")]
        figures = rule_time(dev, args.seconds)
        print(
            f"rules alone (detect_rules, dev set, one by one): "
            f"{figures['cpu_ms_per_article']:.2f} ms CPU per article, "
            f"{figures['cpu_ms_per_5kb']:.2f} ms CPU per 5 KB ({figures['articles']} runs)"
        )
    return status


if __name__ == "__main__":
    sys.exit(main())
