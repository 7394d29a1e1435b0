"""Score the artifact detector, honestly: cross-validated by page, and time it.

Usage (from the repository root):

    .venv/bin/python bench/score_artifacts.py [--shared DIR] [--json OUT] [--show KIND]
        [--seconds 2] [--rules-only]

Data is read in place from ``../shared/eval`` beside the repository (or
``$NEWSROOM_SHARED/eval``, or ``--shared``); it is never copied into the repository.

The shipped model trained on every page of the weak corpus and the dev set, so those are
scored with the fold models of ``bench/detector_folds.py``: each text by a model that did
not train on its page (folds grouped by page, as ``train_detector`` makes them). Printed:

* weak corpus, character- and line-level P/R/F1, article extractors and full-page dumps
  apart, with the rules alone beside them, and character F1 per extractor; scored as
  ``eval/weak/README.md`` says: lines between two ``\n``, only those labelled body or
  artifact (title and unsure lines ignored), only their non-whitespace characters, a line
  predicted when half of those are covered (``training.char_line_counts``);
* dev set: per kind and micro-averaged span-level P/R/F1 (a prediction hits a gold span
  of the same kind when they overlap) and character-level P/R/F1 with kinds ignored;
* the synthetic held-out articles of ``tests/text/heldout_articles.py`` (never trained
  on) with the shipped model, and every finding on its clean articles (each a false flag);
* CPU time of parse + sentence split + detection per article, and per 5 KB: one article
  at a time and in batches of 100 (``detect_many``, as the importer).
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

from bench import detector_folds  # noqa: E402
from newsroom.text import layout, sentences  # noqa: E402
from newsroom.text.artifacts import KINDS, detect, detect_many, training  # noqa: E402
from newsroom.text.artifacts import model as learned  # noqa: E402
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


def prf(tp_p: int, n_pred: int, tp_g: int, n_gold: int) -> dict:
    """``training.prf`` with the counts it came from."""
    return {**training.prf(tp_p, n_pred, tp_g, n_gold), "pred": n_pred, "gold": n_gold}


def score(records: list[dict], model_for=None) -> tuple[dict, list[dict]]:
    """Return (figures, per-record predictions).

    ``model_for(record)`` picks the model for a record (default: the shipped one).
    """
    counts: dict[str, Counter] = {k: Counter() for k in KINDS}
    chars: Counter = Counter()
    details = []
    for record in records:
        text = record["text"]
        gold = record["artifacts"]
        found = detect(
            text,
            layout.parse(text),
            model=model_for(record) if model_for else learned.current(),
        )
        pred = [{"kind": f.kind, "start": f.start, "end": f.end, "reason": f.reason} for f in found]
        details.append({"id": record["id"], "text": text, "gold": gold, "pred": pred})
        record_counts = training.spans_counts(gold, found)
        for kind in KINDS:
            counts[kind].update(record_counts[kind])
        chars.update(record_counts["_chars"])
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
    figures["char"] = prf(chars["tp"], chars["pred"], chars["tp"], chars["gold"])
    return figures, details


def _overlap(a: dict, b: dict) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def throughput(records: list[dict], seconds: float) -> dict[str, dict[str, float]]:
    """CPU and wall time of parse + sentence split + detection, one article at a time
    (an upload, ``analyze``) and in batches of 100 as the importer analyses them."""
    from threadpoolctl import threadpool_limits

    texts = [r["text"] for r in records]

    def one_by_one() -> None:
        for text in texts:
            parsed = layout.parse(text)
            sentences.split(text, parsed.blocks)
            detect(text, parsed)

    def batched() -> None:
        for at in range(0, len(texts), 100):
            items = []
            for text in texts[at : at + 100]:
                parsed = layout.parse(text)
                sentences.split(text, parsed.blocks)
                items.append((text, parsed))
            detect_many(items)

    out = {}
    with threadpool_limits(1):  # one core
        for name, run in (("one_by_one", one_by_one), ("batched", batched)):
            run()  # warm-up (regex caches, imports, the model file)
            done = chars = 0
            began = time.perf_counter()
            cpu_began = time.process_time()
            while time.perf_counter() - began < seconds:
                run()
                done += len(texts)
                chars += sum(map(len, texts))
            elapsed = time.perf_counter() - began
            cpu = time.process_time() - cpu_began
            # CPU time is reported too: wall time inflates when other jobs share the cores.
            out[name] = {
                "articles_per_s": done / elapsed,
                "ms_per_article": 1000 * elapsed / done,
                "cpu_ms_per_article": 1000 * cpu / done,
                "mean_chars": chars / done,
                "cpu_ms_per_5kb": 1000 * cpu / (chars / 5000),
            }
    return out


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
    for name, figures_of in (speed or {}).items():
        print(
            f"throughput ({name.replace('_', ' ')}): {figures_of['articles_per_s']:.0f} "
            f"articles/s ({figures_of['ms_per_article']:.3f} ms wall, "
            f"{figures_of['cpu_ms_per_article']:.3f} ms CPU per article of "
            f"{figures_of['mean_chars']:.0f} chars, one core; "
            f"{figures_of['cpu_ms_per_5kb']:.3f} ms CPU per 5 KB): parse + sentences + detection"
        )


def weak_report(name: str, summary: dict, rules: dict) -> None:
    print(f"== weak corpus, cross-validated by page: {name} ==")
    print(
        f"{'part':16} {'level':5} {'P':>6} {'R':>6} {'F1':>6}   rules: {'P':>6} {'R':>6} {'F1':>6}"
    )
    for origin, label in (("weak-article", "article extr."), ("weak-dump", "full-page dumps")):
        if origin not in summary:
            continue
        for level in ("char", "line"):
            f, g = summary[origin][level], rules[origin][level]
            print(
                f"{label:16} {level:5} {f['precision']:6.3f} {f['recall']:6.3f} {f['f1']:6.3f}"
                f"          {g['precision']:6.3f} {g['recall']:6.3f} {g['f1']:6.3f}"
            )
    per = summary.get("per_extractor_char_f1", {})
    base = rules.get("per_extractor_char_f1", {})
    if per:
        print("char F1 per extractor (rules alone):")
        print(
            "  "
            + ", ".join(f"{name} {f1:.2f} ({base.get(name, 0):.2f})" for name, f1 in per.items())
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, help="the shared folder holding eval/")
    parser.add_argument("--json", type=Path, metavar="OUT", help="write the figures here")
    parser.add_argument("--show", metavar="KIND", help="print misses and false positives")
    parser.add_argument("--seconds", type=float, default=2.0, help="timing budget (0: skip)")
    parser.add_argument(
        "--rules-only", action="store_true", help="score the rules without the learned layer"
    )
    args = parser.parse_args(argv)
    shared = args.shared or detector_folds.shared_dir()
    weak_path, dev_path = training.shared_paths(shared)
    if not dev_path.exists() or not weak_path.exists():
        parser.error(f"no evaluation data under {shared}; pass --shared or set NEWSROOM_SHARED")
    if args.rules_only:
        learned.configure(None)
    out: dict = {}
    shipped = learned.current()
    if shipped is not None:
        meta = shipped.metadata
        print(
            f"model: trained {meta.get('trained_at')}, seed {meta.get('seed')}, "
            f"thresholds {meta.get('thresholds')}, scikit-learn {meta['versions']['scikit-learn']}"
        )

    def model_for_group(group: str):
        if args.rules_only:
            return None
        return detector_folds.model_for(group)

    # Weak corpus: every text scored by the fold model that did not see its page.
    weak = training.load_weak(weak_path)
    scored, rules = [], []
    for example in weak:
        parsed = layout.parse(example.text)
        scored.append((example, detect(example.text, parsed, model=model_for_group(example.group))))
        rules.append((example, detect(example.text, parsed, model=None)))
    weak_summary, weak_rules = training.summarise(scored), training.summarise(rules)
    weak_report(
        "rules + learned layer" if not args.rules_only else "rules", weak_summary, weak_rules
    )
    out["weak"] = {"cross_validated": weak_summary, "rules_only": weak_rules}
    print()

    dev_examples = {e.id: e for e in training.load_dev(dev_path)}
    records = load(dev_path)
    figures, details = score(records, lambda r: model_for_group(dev_examples[r["id"]].group))
    out["dev"] = figures
    heldout, heldout_details = score(
        ARTICLES + CLEAN, (lambda r: None) if args.rules_only else None
    )
    clean_ids = {r["id"] for r in CLEAN}
    clean_flags = [
        (item["id"], item["text"][p["start"] : p["end"]], p["kind"])
        for item in heldout_details
        if item["id"] in clean_ids
        for p in item["pred"]
    ]
    heldout["clean_articles"] = len(CLEAN)
    heldout["clean_false_flags"] = len(clean_flags)
    out["heldout"] = heldout
    if args.show:
        print("-- dev --")
        show(details, args.show)
        print("-- held-out synthetic --")
        show(heldout_details, args.show)
        print()
    speed = throughput(records, args.seconds) if args.seconds > 0 else None
    if speed:
        out["throughput"] = speed
    report(
        figures,
        speed,
        f"dev ({dev_path.name}), each article scored by a model that did not train on its page",
    )
    print()
    report(heldout, None, "held-out synthetic (tests/text/heldout_articles.py), shipped model")
    print(f"false flags on {len(CLEAN)} clean articles: {len(clean_flags)}")
    for item_id, flagged, kind in clean_flags:
        print(f"  {item_id}: {kind} {flagged[:100]!r}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
