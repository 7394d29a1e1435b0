"""Score the artifact detector against the labelled dev set and time it.

Usage (from the repository root):

    .venv/bin/python bench/score_artifacts.py [--eval-dir DIR | --path FILE]
        [--json OUT] [--show KIND] [--seconds 2]

The labelled set is read from ``../shared/eval/artifacts/dev.jsonl`` beside the
repository (or ``$NEWSROOM_SHARED/eval/artifacts/dev.jsonl``); it is never
copied into the repository. Prints, per kind and micro-averaged, span-level
precision/recall/F1 (a prediction hits a gold span of the same kind when they
overlap), character-level P/R/F1 with kinds ignored, and the detector's
throughput in articles per second. A second table scores the held-out synthetic
articles of ``tests/text/heldout_articles.py`` and lists every finding on its clean
articles (each one is a false flag).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsroom.text.artifacts import KINDS, detect  # noqa: E402
from tests.text.heldout_articles import ARTICLES, CLEAN  # noqa: E402

RULE_KINDS = ("stray_whitespace", "html_entity", "mojibake")
BLOCK_KINDS = tuple(k for k in KINDS if k not in RULE_KINDS)


def default_path() -> Path:
    shared = os.environ.get("NEWSROOM_SHARED")
    base = Path(shared) if shared else ROOT.parent / "shared"
    return base / "eval" / "artifacts" / "dev.jsonl"


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def prf(tp_p: int, n_pred: int, tp_g: int, n_gold: int) -> dict[str, float]:
    p = tp_p / n_pred if n_pred else (1.0 if not n_gold else 0.0)
    r = tp_g / n_gold if n_gold else (1.0 if not n_pred else 0.0)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "pred": n_pred, "gold": n_gold}


def score(records: list[dict]) -> tuple[dict, list[dict]]:
    """Return (figures, per-record predictions)."""
    counts: dict[str, Counter] = {k: Counter() for k in KINDS}
    char_tp = char_pred = char_gold = 0
    details = []
    for record in records:
        text = record["text"]
        gold = record["artifacts"]
        pred = [
            {"kind": f.kind, "start": f.start, "end": f.end, "reason": f.reason}
            for f in detect(text)
        ]
        details.append({"id": record["id"], "text": text, "gold": gold, "pred": pred})
        for kind in KINDS:
            g = [a for a in gold if a["kind"] == kind]
            p = [a for a in pred if a["kind"] == kind]
            c = counts[kind]
            c["pred"] += len(p)
            c["gold"] += len(g)
            c["tp_pred"] += sum(any(_overlap(a, b) for b in g) for a in p)
            c["tp_gold"] += sum(any(_overlap(a, b) for b in p) for a in g)
        gold_chars = _chars(gold)
        pred_chars = _chars(pred)
        char_tp += len(gold_chars & pred_chars)
        char_pred += len(pred_chars)
        char_gold += len(gold_chars)
    figures: dict = {"articles": len(records), "per_kind": {}}
    for kind in KINDS:
        c = counts[kind]
        figures["per_kind"][kind] = prf(c["tp_pred"], c["pred"], c["tp_gold"], c["gold"])
    for name, kinds in (("block", BLOCK_KINDS), ("rule", RULE_KINDS), ("overall", KINDS)):
        total = Counter()
        for kind in kinds:
            total.update(counts[kind])
        figures[f"micro_{name}"] = prf(
            total["tp_pred"], total["pred"], total["tp_gold"], total["gold"]
        )
    figures["char"] = prf(char_tp, char_pred, char_tp, char_gold)
    return figures, details


def _overlap(a: dict, b: dict) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def _chars(spans: list[dict]) -> set[int]:
    covered: set[int] = set()
    for span in spans:
        covered.update(range(span["start"], span["end"]))
    return covered


def throughput(records: list[dict], seconds: float) -> dict[str, float]:
    texts = [r["text"] for r in records]
    for text in texts:  # warm-up (regex caches, imports)
        detect(text)
    done = 0
    chars = 0
    began = time.perf_counter()
    cpu_began = time.process_time()
    while time.perf_counter() - began < seconds:
        for text in texts:
            detect(text)
            chars += len(text)
        done += len(texts)
    elapsed = time.perf_counter() - began
    cpu = time.process_time() - cpu_began
    # CPU time is reported too: wall time inflates when other jobs share the cores.
    return {
        "articles_per_s": done / elapsed,
        "ms_per_article": 1000 * elapsed / done,
        "cpu_ms_per_article": 1000 * cpu / done,
        "mean_chars": chars / done,
    }


def show(details: list[dict], kind: str) -> None:
    for item in details:
        text = item["text"]
        gold = [a for a in item["gold"] if a["kind"] == kind]
        pred = [a for a in item["pred"] if a["kind"] == kind]
        for g in gold:
            if not any(_overlap(g, p) for p in pred):
                others = [p["kind"] for p in item["pred"] if _overlap(g, p)]
                print(
                    f"MISS {item['id']} {text[g['start'] : g['end']][:120]!r} (predicted {others})"
                )
        for p in pred:
            if not any(_overlap(g, p) for g in gold):
                others = [g["kind"] for g in item["gold"] if _overlap(g, p)]
                print(
                    f"FP   {item['id']} {text[p['start'] : p['end']][:120]!r} "
                    f"[{p['reason']}] (gold {others})"
                )


def report(figures: dict, speed: dict[str, float] | None, title: str) -> None:
    print(f"== {title}: {figures['articles']} articles ==")
    print(f"{'kind':22} {'P':>6} {'R':>6} {'F1':>6} {'pred':>5} {'gold':>5}")
    for kind, f in figures["per_kind"].items():
        if f["pred"] or f["gold"]:
            print(
                f"{kind:22} {f['precision']:6.3f} {f['recall']:6.3f} {f['f1']:6.3f} "
                f"{f['pred']:5d} {f['gold']:5d}"
            )
    print()
    for name in ("block", "rule", "overall"):
        f = figures[f"micro_{name}"]
        print(
            f"span micro ({name:7}) P {f['precision']:.3f}  R {f['recall']:.3f}  "
            f"F1 {f['f1']:.3f}  ({f['pred']} pred / {f['gold']} gold)"
        )
    f = figures["char"]
    print(f"char level (any kind)  P {f['precision']:.3f}  R {f['recall']:.3f}  F1 {f['f1']:.3f}")
    if speed:
        print(
            f"throughput: {speed['articles_per_s']:.0f} articles/s "
            f"({speed['ms_per_article']:.3f} ms wall, {speed['cpu_ms_per_article']:.3f} ms CPU "
            f"per article of {speed['mean_chars']:.0f} chars, one core)"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, help="folder holding dev.jsonl")
    parser.add_argument("--path", type=Path, help="labelled JSONL file")
    parser.add_argument("--json", type=Path, metavar="OUT", help="write the figures here")
    parser.add_argument("--show", metavar="KIND", help="print misses and false positives")
    parser.add_argument("--seconds", type=float, default=2.0, help="timing budget (0: skip)")
    args = parser.parse_args(argv)
    path = args.path or (args.eval_dir / "dev.jsonl" if args.eval_dir else default_path())
    if not path.exists():
        parser.error(f"no labelled set at {path}; pass --path or set NEWSROOM_SHARED")
    records = load(path)
    figures, details = score(records)
    heldout, heldout_details = score(ARTICLES + CLEAN)
    clean_ids = {r["id"] for r in CLEAN}
    clean_flags = [
        (item["id"], item["text"][p["start"] : p["end"]], p["kind"])
        for item in heldout_details
        if item["id"] in clean_ids
        for p in item["pred"]
    ]
    heldout["clean_articles"] = len(CLEAN)
    heldout["clean_false_flags"] = len(clean_flags)
    if args.show:
        print("-- dev --")
        show(details, args.show)
        print("-- held-out synthetic --")
        show(heldout_details, args.show)
        print()
    speed = throughput(records, args.seconds) if args.seconds > 0 else None
    if speed:
        figures["throughput"] = speed
    report(figures, speed, f"dev ({path.name})")
    print()
    report(heldout, None, "held-out synthetic (tests/text/heldout_articles.py)")
    print(f"false flags on {len(CLEAN)} clean articles: {len(clean_flags)}")
    for item_id, flagged, kind in clean_flags:
        print(f"  {item_id}: {kind} {flagged[:100]!r}")
    if args.json:
        out = {"dev": figures, "heldout": heldout}
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
