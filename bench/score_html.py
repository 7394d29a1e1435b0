"""Score the HTML import on the article-extraction benchmark's pages, with its own metric.

Usage (from the repository root):

    .venv/bin/python bench/score_html.py [--eval-dir DIR] [--cv] [--json OUT]

Pages are read in place from ``../shared/eval/html/train`` beside the repository (or
``$NEWSROOM_SHARED/eval/html/train``, or ``--eval-dir``): ``<key>.html.gz`` and
``ground-truth.json``; nothing is copied into the repository.

Each page goes through the importer's own code in-process: ``readers.read_stream`` (which
calls ``newsroom.text.html.extract``) and ``readers.analyse`` (layout, sentences). The
predicted body is the text of the layout blocks with role ``body``, joined with ``\\n``,
minus the characters inside the artifact findings of ``detector_for(page_key)`` (what is
left of a block is joined with spaces, so that cutting a span out never glues two words).
Scored as the benchmark's ``evaluate.py`` does (``../shared/eval/html/train/README.md``):
``\\w+`` tokens, 4-token shingle multisets, tp/fp/fn divided by their sum per page,
precision averaged over pages with a prediction, recall over pages with a gold body,
F1 = 2PR/(P+R) of the averages; accuracy = share of pages whose token sequence equals the
gold one. Printed for:

* trafilatura alone, called as the benchmark calls it (``extract(html,
  include_comments=False)``), and with our options (``html.extract``'s text as is);
* our pipeline without artifact subtraction (body blocks only), and the full pipeline
  (with the rules only too, when the detector has a learned layer);

then the median extraction time per page and the 10 worst pages of the full pipeline.

The learned artifact layer trained on these same pages, so its figures here are training
figures. ``--cv`` scores every page with ``bench.detector_folds.detector_for(page_key)``:
the fold model that did not train on that page.
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import io
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from newsroom import readers  # noqa: E402
from newsroom.text import artifacts  # noqa: E402
from newsroom.text.spans import BlockRole, Finding, Layout  # noqa: E402

Detector = Callable[[str, Layout], list[Finding]]

_TOKEN_RE = re.compile(r"\w+", re.UNICODE)
SHINGLE = 4


def default_eval_dir() -> Path:
    shared = os.environ.get("NEWSROOM_SHARED")
    base = Path(shared) if shared else ROOT.parent / "shared"
    return base / "eval" / "html" / "train"


def detector_for(page_key: str) -> Detector:
    """The artifact detector for one page: the shipped one (``artifacts.detect``)."""
    return artifacts.detect


def rules_only(text: str, layout: Layout) -> list[Finding]:
    """The rules without the learned layer (never trained on these pages)."""
    return artifacts.detect(text, layout, model=None)


# --- the benchmark's metric ---------------------------------------------------------


def tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(text or "")


def shingles(text: str) -> Counter[tuple[str, ...]]:
    found = tokens(text)
    return Counter(
        tuple(found[i : i + SHINGLE])
        for i in range(max(1, len(found) - SHINGLE + 1))
        if found[i : i + SHINGLE]
    )


def match(gold: str, pred: str) -> tuple[float, float, float]:
    """Shingle tp, fp, fn of one page, divided by their sum (all 0 when both are empty)."""
    true, predicted = shingles(gold), shingles(pred)
    tp = sum((true & predicted).values())
    fp = sum((predicted - true).values())
    fn = sum((true - predicted).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def figures(gold: dict[str, str], pred: dict[str, str]) -> dict[str, float]:
    """F1/P/R of the averages and accuracy, over the pages of ``gold``."""
    counts = [match(gold[key], pred.get(key, "")) for key in gold]
    p = statistics.mean(precision(*c) for c in counts if c[0] + c[1] > 0)
    r = statistics.mean(recall(*c) for c in counts if c[0] + c[2] > 0)
    exact = sum(tokens(gold[key]) == tokens(pred.get(key, "")) for key in gold)
    return {
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "precision": p,
        "recall": r,
        "accuracy": exact / len(gold),
    }


def page_scores(gold: str, pred: str) -> dict[str, float]:
    c = match(gold, pred)
    p, r = precision(*c), recall(*c)
    return {"f1": 2 * p * r / (p + r) if p + r else 0.0, "precision": p, "recall": r}


# --- our pipeline -------------------------------------------------------------------


def body_text(text: str, layout: Layout, findings: list[Finding] | None) -> str:
    """Body blocks joined with ``\\n``, without the characters of ``findings``."""
    cut = sorted((f.start, f.end) for f in findings or ())
    lines = []
    for block in layout.blocks:
        if block.role != BlockRole.BODY:
            continue
        pieces, at = [], block.start
        for start, end in cut:
            if end <= at or start >= block.end:
                continue
            if start > at:
                pieces.append(text[at:start])
            at = max(at, end)
        if at < block.end:
            pieces.append(text[at : block.end])
        line = " ".join(piece.strip() for piece in pieces if piece.strip())
        if line:
            lines.append(line)
    return "\n".join(lines)


def run(
    eval_dir: Path, detector_of: Callable[[str], Detector], with_rules: bool
) -> dict[str, object]:
    import trafilatura

    from newsroom.text import html

    gold_file = json.loads((eval_dir / "ground-truth.json").read_text(encoding="utf-8"))
    gold = {key: item.get("articleBody", "") or "" for key, item in gold_file.items()}
    limits = readers.Limits()
    systems: dict[str, dict[str, str]] = {
        name: {}
        for name in ("trafilatura_defaults", "trafilatura", "body_blocks", "full", "rules_only")
    }
    timings, cpu, errors = [], [], {}
    for key in sorted(gold):
        page = gzip.decompress((eval_dir / f"{key}.html.gz").read_bytes())
        source = page.decode("utf-8", errors="replace")
        systems["trafilatura_defaults"][key] = (
            trafilatura.extract(source, include_comments=False) or ""
        )
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            systems["trafilatura"][key] = html.extract(source).text
        except html.HtmlError as error:
            systems["trafilatura"][key] = ""
            errors[key] = str(error)
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        [item] = readers.read_stream(io.BytesIO(page), origin=key, format="html", limits=limits)
        if isinstance(item, readers.RecordError):
            errors[key] = str(item)
            continue
        analysis = readers.analyse(item, limits=limits)
        text, layout = analysis.text, analysis.layout
        systems["body_blocks"][key] = body_text(text, layout, None)
        systems["full"][key] = body_text(text, layout, detector_of(key)(text, layout))
        if with_rules:
            systems["rules_only"][key] = body_text(text, layout, rules_only(text, layout))
    if not with_rules:
        del systems["rules_only"]
    scores = {name: figures(gold, pred) for name, pred in systems.items()}
    pages = {
        key: {
            "url": gold_file[key].get("url", ""),
            **page_scores(gold[key], systems["full"].get(key, "")),
            "trafilatura_f1": page_scores(gold[key], systems["trafilatura"].get(key, ""))["f1"],
            **({"error": errors[key]} if key in errors else {}),
        }
        for key in sorted(gold)
    }
    return {
        "pages": len(gold),
        "scores": scores,
        "extract_ms_median": statistics.median(timings) * 1000,
        "extract_ms_max": max(timings) * 1000,
        "extract_cpu_ms_median": statistics.median(cpu) * 1000,
        "per_page": pages,
    }


LABELS = {
    "trafilatura_defaults": "trafilatura alone, benchmark call (extract, no comments)",
    "trafilatura": "trafilatura alone, our options (html.extract text as is)",
    "body_blocks": "ours: body blocks, no artifact subtraction",
    "full": "ours: body blocks minus artifact spans",
    "rules_only": "ours: body blocks minus artifact spans, rules only",
}


def report(result: dict[str, object], cv: bool) -> None:
    print(f"{result['pages']} pages; F1 / P / R of the averages, accuracy (identical tokens)")
    for name, score in result["scores"].items():  # type: ignore[attr-defined]
        label = LABELS[name] + (" [cross-validated]" if name == "full" and cv else "")
        print(
            f"  {label:<64} F1 {score['f1']:.3f}  P {score['precision']:.3f}  "
            f"R {score['recall']:.3f}  acc {score['accuracy']:.3f}"
        )
    if not cv:
        print("  (the learned artifact layer trained on these pages: use --cv for honest figures)")
    print(
        f"extraction (html.extract): median {result['extract_ms_median']:.1f} ms per page "
        f"(CPU {result['extract_cpu_ms_median']:.1f} ms), max {result['extract_ms_max']:.0f} ms"
    )
    print("worst 10 pages of the full pipeline (F1, P, R, trafilatura-alone F1, url):")
    pages = result["per_page"]
    for key in sorted(pages, key=lambda k: pages[k]["f1"])[:10]:  # type: ignore[index]
        page = pages[key]  # type: ignore[index]
        print(
            f"  {key[:12]}  {page['f1']:.3f}  {page['precision']:.3f}  {page['recall']:.3f}  "
            f"{page['trafilatura_f1']:.3f}  {page['url']}  {page.get('error', '')}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=None, help="pages and ground truth")
    parser.add_argument(
        "--cv", action="store_true", help="score with bench.detector_folds (cross-validated)"
    )
    parser.add_argument("--json", type=Path, metavar="OUT", help="write the figures as JSON")
    args = parser.parse_args(argv)
    eval_dir = args.eval_dir or default_eval_dir()
    if not (eval_dir / "ground-truth.json").is_file():
        parser.exit(2, f"no ground-truth.json in {eval_dir} (see --eval-dir)\n")
    detector_of: Callable[[str], Detector] = detector_for
    if args.cv:
        try:
            detector_folds = importlib.import_module("bench.detector_folds")
        except ModuleNotFoundError as exc:
            if exc.name not in {"bench.detector_folds", "bench"}:
                raise
            parser.exit(2, "--cv needs bench/detector_folds.py (detector_for(page_key)), missing\n")
        detector_of = detector_folds.detector_for
    with_rules = "model" in artifacts.detect.__code__.co_varnames
    result = run(eval_dir, detector_of, with_rules)
    result["cross_validated"] = args.cv
    report(result, args.cv)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
