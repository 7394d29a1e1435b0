"""Training and cross-validated evaluation of the learned artifact layer.

Data, read in place (never copied into the repository):

* the weakly labelled scraped texts of ``eval/weak/train.jsonl.gz`` (every line body /
  artifact / title / unsure; title lines count as body, unsure lines are left out);
* the hand-labelled articles of ``eval/artifacts/dev.jsonl`` (a line is an artifact line
  when at least half of its characters lie in block-level hand spans; its kind is the
  kind covering most of it);
* optionally, the newsroom's own decisions (:class:`Example` objects built by the caller
  from confirmed, dismissed and editor-made flags).

Every text belongs to a *group*: its page (the benchmark's page key; dev articles from the
benchmark share the key of their page). Cross-validation folds never split a group, so a
page's texts are never on both sides, and each figure is computed on texts scored by a
model that did not train on their page.

Pure Python (NumPy, SciPy and scikit-learn; no Django).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import platform
import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsroom.text import layout as layout_mod
from newsroom.text.lines import split as split_lines
from newsroom.text.spans import Finding

from . import detect_rules
from .features import (
    CATEGORICAL,
    CHARACTER_LEVEL,
    FEATURE_NAMES,
    LineRow,
    line_head,
    line_rows,
)
from .kinds import KINDS
from .model import CONTEXT_NAMES, FORMAT_VERSION, DetectorModel, KindModel, combine, context_columns

__all__ = [
    "ARTICLE_EXTRACTORS",
    "DUMPERS",
    "Example",
    "TrainConfig",
    "cross_validate",
    "fit",
    "load_dev",
    "load_weak",
]

DUMPERS = frozenset({"beautifulsoup", "html-text", "inscriptis", "nanohtml2text"})
ARTICLE_EXTRACTORS = "article"  # label of the non-dumper part in reports
_RULE_CONFIDENCE = FEATURE_NAMES.index("rule_confidence")
_PAGE_KEY = re.compile(r"key ([0-9a-f]{64})")
# Columns of the line features the kind classifier sees beside the text n-grams.
_KIND_COLUMNS = tuple(
    FEATURE_NAMES.index(name)
    for name in (
        "rel_pos",
        "rank_top",
        "rank_bottom",
        "words",
        "ends_sentence",
        "upper_ratio",
        "capitalised_words",
        "digit_ratio",
        "has_url",
        "has_handle",
        "has_copyright",
        "short_run",
        "after_last_prose",
        "before_first_prose",
        "is_title",
    )
)


@dataclass
class Example:
    """One labelled text: its lines' labels (by line start), kinds, spans and group."""

    id: str
    text: str
    group: str
    origin: str  # "weak-article", "weak-dump", "dev" or "decisions"
    line_labels: dict[int, int] = field(default_factory=dict)  # raw line start -> 0/1
    line_kinds: dict[int, str] = field(default_factory=dict)  # raw line start -> kind
    spans: list[dict] = field(default_factory=list)  # hand spans (dev), for span scores
    weight: float = 1.0
    # Lines trained on as body but not scored (the weak corpus's title lines: its README
    # scores body and artifact lines only).
    unscored: frozenset[int] = frozenset()


@dataclass
class TrainConfig:
    """Everything that decides a trained model (kept in its metadata)."""

    seed: int = 20261203
    folds: int = 5
    inner_folds: int = 2
    dev_weight: float = 4.0
    dump_weight: float = 0.5
    decision_weight: float = 4.0
    max_iter: int = 60
    learning_rate: float = 0.2
    max_leaf_nodes: int = 31
    ngram_features: int = 2**17
    kind_features: int = 2**14
    add_threshold: float = 0.5
    keep_threshold: float = 0.1
    repeat_threshold: float = 0.0
    context: bool = True
    tune_thresholds: bool = True


# --- data ------------------------------------------------------------------------------


def digest(path: Path) -> str:
    """SHA-256 of a data file, for the model's metadata."""
    h = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_weak(path: Path, *, limit_pages: int | None = None) -> list[Example]:
    """The weak corpus as examples (``limit_pages``: the first N pages, for quick runs)."""
    out: list[Example] = []
    pages: list[str] = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for raw in handle:
            record = json.loads(raw)
            page = record["page"]
            if page not in pages:
                if limit_pages is not None and len(pages) >= limit_pages:
                    continue
                pages.append(page)
            labels: dict[int, int] = {}
            titles = []
            for line in record["lines"]:
                label = line["label"]
                if label in ("body", "title"):
                    labels[line["start"]] = 0
                    if label == "title":
                        titles.append(line["start"])
                elif label == "artifact":
                    labels[line["start"]] = 1
            dump = record["extractor"] in DUMPERS
            out.append(
                Example(
                    id=record["id"],
                    text=record["text"],
                    group=page,
                    origin="weak-dump" if dump else "weak-article",
                    line_labels=labels,
                    unscored=frozenset(titles),
                )
            )
    return out


def load_dev(path: Path) -> list[Example]:
    """The hand-labelled dev articles as examples (line labels derived from the spans)."""
    out = []
    with path.open(encoding="utf-8") as handle:
        for raw in handle:
            if not raw.strip():
                continue
            record = json.loads(raw)
            found = _PAGE_KEY.search(record.get("source_locator", ""))
            group = found.group(1) if found else f"dev:{record['id']}"
            example = Example(
                id=record["id"],
                text=record["text"],
                group=group,
                origin="dev",
                spans=record["artifacts"],
            )
            label_from_spans(example)
            out.append(example)
    return out


def label_from_spans(example: Example) -> None:
    """Fill ``line_labels``/``line_kinds`` from ``example.spans`` (block kinds only)."""
    text = example.text
    spans = [s for s in example.spans if s["kind"] not in CHARACTER_LEVEL]
    # The detector's own lines (``lines.split``), so that labels meet the featurised lines.
    for start, end in split_lines(text):
        content = [i for i in range(start, end) if not text[i].isspace()]
        if not content:
            continue
        covered: Counter[str] = Counter()
        for span in spans:
            if span["start"] < end and span["end"] > start:
                lo, hi = max(span["start"], start), min(span["end"], end)
                covered[span["kind"]] += sum(1 for i in range(lo, hi) if not text[i].isspace())
        total = sum(covered.values())
        if total * 2 >= len(content):
            example.line_labels[start] = 1
            example.line_kinds[start] = covered.most_common(1)[0][0]
        else:
            example.line_labels[start] = 0


# --- featurising -----------------------------------------------------------------------


@dataclass
class Featurised:
    """An example run through the rules and the feature extractor."""

    example: Example
    rows: list[LineRow]
    findings: list[Finding]  # the rules' resolved findings
    labels: list[int | None]  # per row: 0, 1 or None (not labelled)
    hashed: Any = None  # the n-gram matrix of the rows (sparse, one row per line)


def featurise(example: Example, config: TrainConfig | None = None) -> Featurised:
    """Rules and features of one example, labels aligned to its content lines."""
    text = example.text
    vectorizer = ngram_vectorizer(config or TrainConfig())
    parsed = layout_mod.parse(text)
    doc, findings = detect_rules(text, parsed)
    rows = line_rows(doc, findings)
    labels = [example.line_labels.get(row.line.raw_start) for row in rows]
    hashed = vectorizer.transform([row.line.text for row in rows])
    return Featurised(example, rows, findings, labels, hashed)


# --- fitting ---------------------------------------------------------------------------


def _arrays(items: Sequence[Featurised], config: TrainConfig):
    """Every row of every item (unlabelled ones with label -1), in text order.

    Returns the n-gram matrix, the features, labels, groups, weights and the number of
    rows of each item (the context columns read a row's neighbours, labelled or not).
    """
    import numpy as np
    from scipy import sparse

    hashed: list[Any] = []
    values: list[list[float]] = []
    y: list[int] = []
    groups: list[str] = []
    weights: list[float] = []
    sizes: list[int] = []
    for item in items:
        ex = item.example
        weight = {
            "dev": config.dev_weight,
            "weak-dump": config.dump_weight,
            "decisions": config.decision_weight,
        }.get(ex.origin, 1.0) * ex.weight
        sizes.append(len(item.rows))
        if item.rows:
            hashed.append(item.hashed)
        for row, label in zip(item.rows, item.labels, strict=True):
            values.append(row.values)
            y.append(-1 if label is None else label)
            groups.append(ex.group)
            weights.append(weight)
    return (
        sparse.vstack(hashed, format="csr"),
        np.array(values, dtype=np.float64).reshape(-1, len(FEATURE_NAMES)),
        np.array(y, dtype=np.int64),
        np.array(groups),
        np.array(weights, dtype=np.float64),
        sizes,
    )


def ngram_vectorizer(config: TrainConfig):
    """Word 1-2-grams of the head of a line, hashed (stateless: nothing to fit)."""
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(
        analyzer="word",
        ngram_range=(1, 2),
        preprocessor=line_head,
        n_features=config.ngram_features,
        alternate_sign=False,
        norm="l2",
    )


def _ngram_classifier(config: TrainConfig):
    from sklearn.linear_model import SGDClassifier

    return SGDClassifier(
        loss="log_loss", alpha=2e-6, max_iter=20, tol=None, random_state=config.seed
    )


def _boosted(config: TrainConfig):
    from sklearn.ensemble import HistGradientBoostingClassifier

    width = len(FEATURE_NAMES) + 1 + (len(CONTEXT_NAMES) if config.context else 0)
    mask = [i in CATEGORICAL for i in range(width)]
    return HistGradientBoostingClassifier(
        max_iter=config.max_iter,
        learning_rate=config.learning_rate,
        max_leaf_nodes=config.max_leaf_nodes,
        l2_regularization=1.0,
        categorical_features=mask,
        random_state=config.seed,
    )


def _group_folds(groups, n_folds: int, seed: int) -> list[Any]:
    """Indices of each fold: groups shuffled with ``seed`` and dealt round-robin."""
    import numpy as np

    unique = sorted(set(groups.tolist()))
    random.Random(seed).shuffle(unique)
    fold_of = {g: i % n_folds for i, g in enumerate(unique)}
    assigned = np.array([fold_of[g] for g in groups.tolist()])
    return [np.flatnonzero(assigned == k) for k in range(n_folds)]


def _fit_line(hashed, X, y, groups, w, sizes, config: TrainConfig):
    """Fit the n-gram model, the boosted line model and its calibration on one set.

    ``hashed`` is the n-gram matrix of the rows (see :func:`ngram_vectorizer`), ``y`` -1
    for rows without a label. The n-gram score the boosted model trains on (and the
    context columns made of it) is out-of-fold (inner folds by group), and so are the
    probabilities the isotonic calibration is fitted to.
    """
    import numpy as np
    from sklearn.isotonic import IsotonicRegression
    from sklearn.pipeline import make_pipeline

    inner = _group_folds(groups, config.inner_folds, config.seed + 1)
    labelled = y >= 0
    every = np.arange(len(y))
    oof_ngram = np.zeros(len(y))
    for idx in inner:
        train = np.setdiff1d(every, idx)
        train = train[labelled[train]]
        classifier = _ngram_classifier(config).fit(hashed[train], y[train], sample_weight=w[train])
        oof_ngram[idx] = classifier.predict_proba(hashed[idx])[:, 1]
    known = np.flatnonzero(labelled)
    classifier = _ngram_classifier(config).fit(hashed[known], y[known], sample_weight=w[known])
    ngram = make_pipeline(ngram_vectorizer(config), classifier)
    columns = [X, oof_ngram[:, None]]
    if config.context:
        columns.append(context_columns(oof_ngram, sizes))
    full = np.hstack(columns)[known]
    y, w, groups = y[known], w[known], groups[known]
    inner = _group_folds(groups, config.inner_folds, config.seed + 1)
    every = np.arange(len(y))
    oof_line = np.zeros(len(y))
    for idx in inner:
        train = np.setdiff1d(every, idx)
        booster = _boosted(config)
        booster.fit(full[train], y[train], sample_weight=w[train])
        oof_line[idx] = booster.predict_proba(full[idx])[:, 1]
    line = _boosted(config)
    line.fit(full, y, sample_weight=w)
    calibrator = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)
    calibrator.fit(oof_line, y, sample_weight=w)
    return ngram, line, calibrator


def _kind_examples(items: Sequence[Featurised]) -> tuple[list[LineRow], list[str]]:
    """Rows with a known kind: hand kinds, and confident rule kinds on weak artifact lines."""
    rows: list[LineRow] = []
    kinds: list[str] = []
    per_kind: Counter[str] = Counter()
    for item in items:
        ex = item.example
        for row, label in zip(item.rows, item.labels, strict=True):
            kind = ex.line_kinds.get(row.line.raw_start)
            confident = row.values[_RULE_CONFIDENCE] >= 0.8 and row.rule_cover >= 0.5
            if kind is None and ex.origin != "dev" and label == 1 and row.rule_kind and confident:
                kind = row.rule_kind
            if kind is None or kind in CHARACTER_LEVEL:
                continue
            # Cap each kind from the weak corpus so that a few frequent rule kinds do not
            # drown the hand labels.
            if ex.origin != "dev" and per_kind[kind] >= 800:
                continue
            per_kind[kind] += 1
            rows.append(row)
            kinds.append(kind)
    return rows, kinds


def _fit_kind(items: Sequence[Featurised], config: TrainConfig) -> KindModel:
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.linear_model import SGDClassifier

    rows, kinds = _kind_examples(items)
    vectorizer = HashingVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 4),
        n_features=config.kind_features,
        alternate_sign=False,
        norm="l2",
    )
    model = KindModel(vectorizer, None, _KIND_COLUMNS)
    if len(set(kinds)) < 2:
        model.classifier = _Constant(kinds[0] if kinds else "navigation")
        return model
    classifier = SGDClassifier(
        loss="hinge",
        alpha=1e-5,
        max_iter=30,
        tol=None,
        class_weight="balanced",
        random_state=config.seed,
    )
    classifier.fit(model.matrix(rows), kinds)
    # float32 halves the file: the coefficients need no more precision.
    classifier.coef_ = classifier.coef_.astype("float32")
    model.classifier = classifier
    return model


class _Constant:
    """A classifier that always answers one kind (too little data to learn more)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def predict(self, matrix: Any) -> list[str]:
        return [self.kind] * matrix.shape[0]


def _one_thread():
    """OpenMP on one thread: on a shared 2-core machine more threads only spin (10x slower)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1, user_api="openmp")


def fit(items: Sequence[Featurised], config: TrainConfig) -> DetectorModel:
    """Train a complete model on ``items`` (already featurised)."""
    hashed, X, y, groups, w, sizes = _arrays(items, config)
    with _one_thread():
        ngram, line, calibrator = _fit_line(hashed, X, y, groups, w, sizes, config)
    kind = _fit_kind(items, config)
    return DetectorModel(
        ngram=ngram,
        line=line,
        calibrator=calibrator,
        kind=kind,
        add_threshold=config.add_threshold,
        keep_threshold=config.keep_threshold,
        repeat_threshold=config.repeat_threshold,
        context=config.context,
        metadata={"kinds": list(KINDS), "features": list(FEATURE_NAMES)},
    )


# --- evaluation ------------------------------------------------------------------------


def char_line_counts(example: Example, findings: Iterable[Finding]) -> Counter[str]:
    """Weak-corpus counts: non-whitespace characters and lines, gold vs predicted.

    As ``eval/weak/README.md`` scores: only lines labelled body or artifact count (title
    and unsure lines do not), and only their non-whitespace characters; a line is
    predicted artifact when at least half of its non-whitespace characters are covered
    by some finding (kinds ignored).
    """
    import numpy as np

    line_of, gold, line_gold, sizes = _grid(example)
    covered = np.zeros(len(example.text) + 1, dtype=np.int8)
    for f in findings:
        covered[f.start : f.end] = 1
    counts: Counter[str] = Counter()
    if not len(line_of):
        counts["line_gold"] += int(line_gold.sum())
        return counts
    chars_of = _grid_chars(example)
    hit = covered[chars_of].astype(bool)
    hits_per_line = np.bincount(line_of, weights=hit, minlength=len(sizes))
    predicted = (hits_per_line * 2 >= sizes) & (hits_per_line > 0)
    counts["char_tp"] += int((hit & gold).sum())
    counts["char_pred"] += int(hit.sum())
    counts["char_gold"] += int(gold.sum())
    counts["line_tp"] += int((predicted & line_gold).sum())
    counts["line_pred"] += int(predicted.sum())
    counts["line_gold"] += int(line_gold.sum())
    return counts


def _grid(example: Example) -> tuple[Any, Any, Any, Any]:
    """The scored characters of ``example``: line number and gold label of each, per line
    the gold label and the number of scored characters (cached per example)."""
    cached = example.__dict__.get("_grid")
    if cached is not None:
        return cached[1:]
    import numpy as np

    text = example.text
    positions: list[int] = []
    line_of: list[int] = []
    gold: list[bool] = []
    line_gold: list[bool] = []
    sizes: list[int] = []
    pos = 0
    # The corpus's own lines: "a line is the text between two \n" (eval/weak/README.md).
    for raw in text.split("\n"):
        start, end = pos, pos + len(raw)
        pos = end + 1
        label = example.line_labels.get(start)
        if label is None or start in example.unscored:
            continue
        chars = [i for i in range(start, end) if not text[i].isspace()]
        if not chars:
            continue
        number = len(sizes)
        positions.extend(chars)
        line_of.extend([number] * len(chars))
        gold.extend([bool(label)] * len(chars))
        line_gold.append(bool(label))
        sizes.append(len(chars))
    grid = (
        np.array(positions, dtype=np.int64),
        np.array(line_of, dtype=np.int64),
        np.array(gold, dtype=bool),
        np.array(line_gold, dtype=bool),
        np.array(sizes, dtype=np.float64),
    )
    example.__dict__["_grid"] = grid
    return grid[1:]


def _grid_chars(example: Example) -> Any:
    return example.__dict__["_grid"][0]


def span_counts(example: Example, findings: Iterable[Finding]) -> dict[str, Counter[str]]:
    """Dev-set counts per kind (overlap hits) and characters of any kind."""
    return spans_counts(example.spans, findings)


def spans_counts(gold: Sequence[dict], findings: Iterable[Finding]) -> dict[str, Counter[str]]:
    """:func:`span_counts` of gold spans (``kind``, ``start``, ``end``) and findings."""
    pred: list[dict[str, Any]] = [
        {"kind": f.kind, "start": f.start, "end": f.end} for f in findings
    ]
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for kind in KINDS:
        g = [a for a in gold if a["kind"] == kind]
        p = [a for a in pred if a["kind"] == kind]
        c = out[kind]
        c["pred"] += len(p)
        c["gold"] += len(g)
        c["tp_pred"] += sum(any(_overlap(a, b) for b in g) for a in p)
        c["tp_gold"] += sum(any(_overlap(a, b) for b in p) for a in g)
    gold_chars = {i for a in gold for i in range(a["start"], a["end"])}
    pred_chars = {i for a in pred for i in range(a["start"], a["end"])}
    out["_chars"]["tp"] += len(gold_chars & pred_chars)
    out["_chars"]["pred"] += len(pred_chars)
    out["_chars"]["gold"] += len(gold_chars)
    return out


def _overlap(a: dict, b: dict) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def prf(tp_pred: int, pred: int, tp_gold: int, gold: int) -> dict[str, float]:
    """Precision, recall and F1 (1.0 where there is nothing to find and nothing found)."""
    p = tp_pred / pred if pred else (1.0 if not gold else 0.0)
    r = tp_gold / gold if gold else (1.0 if not pred else 0.0)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def summarise(results: Sequence[tuple[Example, list[Finding]]]) -> dict[str, Any]:
    """Weak (article extractors / dumps) and dev figures of scored examples."""
    weak: dict[str, Counter[str]] = defaultdict(Counter)
    dev: dict[str, Counter[str]] = defaultdict(Counter)
    per_extractor: dict[str, Counter[str]] = defaultdict(Counter)
    n_dev = 0
    for example, findings in results:
        if example.origin.startswith("weak"):
            counts = char_line_counts(example, findings)
            weak[example.origin].update(counts)
            per_extractor[example.id.split("-", 1)[1]].update(counts)
        elif example.origin == "dev":
            n_dev += 1
            for key, c in span_counts(example, findings).items():
                dev[key].update(c)
    out: dict[str, Any] = {}
    for origin, c in sorted(weak.items()):
        out[origin] = {
            "texts": sum(1 for e, _ in results if e.origin == origin),
            "char": prf(c["char_tp"], c["char_pred"], c["char_tp"], c["char_gold"]),
            "line": prf(c["line_tp"], c["line_pred"], c["line_tp"], c["line_gold"]),
        }
    if per_extractor:
        out["per_extractor_char_f1"] = {
            name: prf(c["char_tp"], c["char_pred"], c["char_tp"], c["char_gold"])["f1"]
            for name, c in sorted(per_extractor.items())
        }
    if n_dev:
        block: Counter[str] = Counter()
        for kind in KINDS:
            if kind not in CHARACTER_LEVEL:
                block.update(dev[kind])
        chars = dev["_chars"]
        out["dev"] = {
            "articles": n_dev,
            "span_block": prf(block["tp_pred"], block["pred"], block["tp_gold"], block["gold"]),
            "char": prf(chars["tp"], chars["pred"], chars["tp"], chars["gold"]),
            "per_kind_f1": {
                kind: prf(c["tp_pred"], c["pred"], c["tp_gold"], c["gold"])["f1"]
                for kind in KINDS
                if (c := dev[kind])["gold"] or c["pred"]
            },
        }
    return out


def objective(summary: dict[str, Any]) -> float:
    """One number to choose thresholds by: weak article char F1 and dev span/char F1."""
    parts = []
    if "weak-article" in summary:
        parts.append(summary["weak-article"]["char"]["f1"])
    if "dev" in summary:
        parts.append(summary["dev"]["span_block"]["f1"])
        parts.append(summary["dev"]["char"]["f1"])
    return sum(parts) / len(parts) if parts else 0.0


@dataclass
class CrossValidation:
    """Out-of-fold results: per example its rows, probabilities and kinds; fold models."""

    items: list[Featurised]
    probs: list[list[float]]
    kinds: list[list[str]]
    fold_of_group: dict[str, int]
    models: list[DetectorModel]
    seconds: float = 0.0

    def findings(
        self, add: float, keep: float, repeat: float = 0.0
    ) -> list[tuple[Example, list[Finding]]]:
        """Final findings of every example under the given thresholds."""
        out = []
        for item, probs, kinds in zip(self.items, self.probs, self.kinds, strict=True):
            by_line = dict(zip((row.line.raw_start for row in item.rows), kinds, strict=True))

            def kinds_of(rows: list[LineRow], by_line=by_line) -> list[str]:
                return [by_line[row.line.raw_start] for row in rows]

            found = combine(
                item.findings,
                item.rows,
                probs,
                kinds_of,
                add_threshold=add,
                keep_threshold=keep,
                repeat_threshold=repeat,
            )
            out.append((item.example, found))
        return out

    def rules(self) -> list[tuple[Example, list[Finding]]]:
        """The rules' own findings, for comparison."""
        return [(item.example, item.findings) for item in self.items]


def cross_validate(
    items: Sequence[Featurised],
    config: TrainConfig,
    *,
    progress: Callable[[str], None] | None = None,
) -> CrossValidation:
    """Train one model per fold (grouped by page) and score each example out of fold."""
    import numpy as np

    began = time.perf_counter()
    groups = np.array([item.example.group for item in items])
    folds = _group_folds(groups, config.folds, config.seed)
    probs: list[list[float]] = [[] for _ in items]
    kinds: list[list[str]] = [[] for _ in items]
    fold_of_group: dict[str, int] = {}
    models = []
    for k, idx in enumerate(folds):
        if progress:
            progress(f"fold {k + 1}/{len(folds)}: training on {len(items) - len(idx)} texts")
        held = set(idx.tolist())
        train = [item for i, item in enumerate(items) if i not in held]
        model = fit(train, config)
        models.append(model)
        for i in idx.tolist():
            item = items[i]
            fold_of_group[item.example.group] = k
            probs[i] = model.probabilities(item.rows) if item.rows else []
            kinds[i] = model.kind.predict(item.rows) if item.rows else []
    return CrossValidation(
        list(items), probs, kinds, fold_of_group, models, time.perf_counter() - began
    )


def tune(cv: CrossValidation) -> tuple[float, float, float, dict[str, Any]]:
    """Thresholds (add, keep, repeat) that maximise :func:`objective` out of fold.

    ``add`` and ``keep`` on a grid with repeats kept as the rules found them, then the
    repeat threshold given those two.
    """
    best: tuple[float, float, float, float, dict[str, Any]] = (-1.0, 0.5, 0.1, 0.0, {})
    for add in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7):
        for keep in (0.02, 0.05, 0.1, 0.15, 0.2, 0.3):
            summary = summarise(cv.findings(add, keep))
            score = objective(summary)
            if score > best[0]:
                best = (score, add, keep, 0.0, summary)
    _, add, keep = best[:3]
    for repeat in (0.05, 0.1, 0.15, 0.2, 0.25, 0.3):
        summary = summarise(cv.findings(add, keep, repeat))
        score = objective(summary)
        if score > best[0]:
            best = (score, add, keep, repeat, summary)
    return best[1], best[2], best[3], best[4]


def environment() -> dict[str, str]:
    """Library versions that a model file depends on."""
    import joblib
    import numpy
    import scipy
    import sklearn

    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "joblib": joblib.__version__,
    }


__all__ += ["FORMAT_VERSION", "CrossValidation", "Featurised", "featurise", "summarise", "tune"]


def shared_paths(shared: Path) -> tuple[Path, Path]:
    """The weak corpus and the dev set inside a ``shared`` folder."""
    return shared / "eval" / "weak" / "train.jsonl.gz", shared / "eval" / "artifacts" / "dev.jsonl"


def build(
    shared: Path,
    config: TrainConfig,
    *,
    extra: Sequence[Example] = (),
    limit_pages: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[DetectorModel, CrossValidation]:
    """Rebuild the model from the data in ``shared`` (plus ``extra`` examples).

    Featurises every text, cross-validates by page, chooses the thresholds on the
    out-of-fold results (when ``config.tune_thresholds``), then fits the final model on
    everything. The model's metadata holds the data digests, the seed and configuration,
    the library versions and the cross-validated figures.
    """
    say = progress or (lambda message: None)
    weak_path, dev_path = shared_paths(shared)
    began = time.perf_counter()
    examples = [*load_weak(weak_path, limit_pages=limit_pages), *load_dev(dev_path), *extra]
    say(f"featurising {len(examples)} texts")
    items = [featurise(example, config) for example in examples]
    cv = cross_validate(items, config, progress=say)
    if config.tune_thresholds:
        add, keep, repeat, summary = tune(cv)
    else:
        add, keep, repeat = config.add_threshold, config.keep_threshold, config.repeat_threshold
        summary = summarise(cv.findings(add, keep, repeat))
    rules = summarise(cv.rules())
    say(f"fitting the final model (add {add}, keep {keep}, repeat {repeat})")
    model = fit(items, config)
    for each in (model, *cv.models):
        each.add_threshold, each.keep_threshold, each.repeat_threshold = add, keep, repeat
    model.metadata.update(
        {
            "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "seconds": round(time.perf_counter() - began, 1),
            "seed": config.seed,
            "config": {k: v for k, v in vars(config).items()},
            "data": {
                "weak": {"path": weak_path.name, "sha256": digest(weak_path)},
                "dev": {"path": dev_path.name, "sha256": digest(dev_path)},
                "limit_pages": limit_pages,
                "extra_examples": len(extra),
                "texts": len(examples),
                "pages": len({e.group for e in examples}),
            },
            "versions": environment(),
            "thresholds": {"add": add, "keep": keep, "repeat": repeat},
            "cross_validated": summary,
            "rules_only": rules,
        }
    )
    return model, cv


@dataclass
class FoldModels:
    """The models of a cross-validation, and which fold held out each page.

    Scoring a page's text with ``for_group(page)`` gives a figure from a model that never
    trained on that page (pages no fold held out get ``None``).
    """

    models: list[DetectorModel]
    fold_of_group: dict[str, int]

    def for_group(self, group: str) -> DetectorModel | None:
        """The model that did not train on ``group``, if any."""
        fold = self.fold_of_group.get(group)
        return None if fold is None else self.models[fold]


__all__ += ["FoldModels", "build", "shared_paths"]
