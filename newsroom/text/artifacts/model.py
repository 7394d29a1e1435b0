"""The learned line layer of the artifact detector: load once, apply to rule findings.

A shipped model file (``detector.joblib`` beside this module, or the file named by
:func:`configure`) holds a :class:`DetectorModel`: a hashed word n-gram model that
scores the head of a line's text, a gradient-boosted line model over the features of
:mod:`.features` plus that score, an isotonic calibration of its probability, and a kind
classifier for lines no rule named. The line model reads the n-gram scores of the lines
around a line too (:data:`CONTEXT_NAMES`). :meth:`DetectorModel.apply` turns the rules'
findings into the final ones:

* a line the rules left alone becomes a whole-line finding when its calibrated
  probability of being an artifact reaches ``add_threshold``; its kind comes from the
  kind classifier;
* a whole-line rule finding is kept unless the model is sure the line is article body
  (probability under ``keep_threshold``); a kept one takes the model's probability as
  its confidence; verbatim repeats (``duplicate_block``) are dropped only under their own
  ``repeat_threshold`` and otherwise keep the rules' confidence; truncated copies, cut-off
  text, comments, markup and separators stay the rules' own;
* a text that is a single line of 300+ characters (an extractor that wrote the whole
  article on one line) gets no whole-line finding: it would flag the whole article;
* findings inside a line (credit tails, inline "Related:" links) and the character-level
  kinds stay as the rules made them.

Pure Python (NumPy and scikit-learn, no Django). Loading is lazy and happens once per
process; a missing or unreadable model file means rules only, never an exception.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from newsroom.text.spans import Finding

from .document import Document
from .features import FEATURE_NAMES, LineRow, line_rows
from .kinds import KINDS

__all__ = ["DEFAULT_PATH", "DetectorModel", "KindModel", "combine", "configure", "current", "load"]

log = logging.getLogger(__name__)

DEFAULT_PATH = Path(__file__).with_name("detector.joblib")
FORMAT_VERSION = 1

_IS_TITLE = FEATURE_NAMES.index("is_title")
# Kinds the rules recognise better than any line model: never dropped.
# (Repeats and cut-off text are facts about the text, not judgements of a line's look.)
_RULE_ONLY = frozenset(
    {
        "truncated_duplicate",
        "truncated_text",
        "user_comments",
        "html_markup",
        "separator",
    }
)
# Verbatim repeats: the rules find every copy, but which copy is the stray one (the second
# of a printed-twice article, not a line the article repeats on purpose) is a judgement:
# such a finding is dropped only under its own threshold. (A truncated copy is a fact.)
_REPEATS = frozenset({"duplicate_block"})
# A text that is one line this long is an extractor's whole article on one line: a
# whole-line finding would flag all of it, so none is made (inline findings stay).
WHOLE_TEXT_CHARS = 300


@dataclass
class DetectorModel:
    """A trained line model with its kind classifier, thresholds and metadata."""

    ngram: Any  # text -> P(artifact): HashingVectorizer + SGD log-loss pipeline
    line: Any  # features + n-gram score -> P(artifact): HistGradientBoostingClassifier
    calibrator: Any  # raw probability -> calibrated probability: IsotonicRegression
    kind: Any  # (texts, rows) -> kind: see training.KindModel
    add_threshold: float = 0.5
    keep_threshold: float = 0.1
    repeat_threshold: float = 0.0
    context: bool = False  # the line model also reads :data:`CONTEXT_NAMES`
    metadata: dict[str, Any] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION

    def __getstate__(self) -> dict[str, Any]:
        # The compiled predictors are rebuilt from the fitted models after a load.
        state = dict(self.__dict__)
        state.pop("_compiled", None)
        return state

    def _predictors(self) -> tuple[Any, Any]:
        """(n-gram scorer, tree ensemble): fast equivalents of ``ngram`` and ``line``."""
        compiled = self.__dict__.get("_compiled")
        if compiled is None:
            from .inference import Forest, HashedLinear

            try:
                compiled = (HashedLinear(self.ngram), Forest(self.line))
            except (AttributeError, TypeError, ValueError):  # another kind of model
                compiled = (None, None)
            self.__dict__["_compiled"] = compiled
        return compiled

    def probabilities(self, rows: Sequence[LineRow]) -> list[float]:
        """Calibrated P(artifact) of each row's line."""
        return self.probabilities_many([rows])[0]

    def probabilities_many(self, batches: Sequence[Sequence[LineRow]]) -> list[list[float]]:
        """:meth:`probabilities` of several articles' rows, in one pass over the models."""
        import numpy as np

        rows = [row for batch in batches for row in batch]
        if not rows:
            return [[] for _ in batches]
        texts = [row.line.text for row in rows]
        ngram, forest = self._predictors()
        width = len(FEATURE_NAMES)
        context = getattr(self, "context", False)
        matrix = np.empty(
            (len(rows), width + 1 + (len(CONTEXT_NAMES) if context else 0)), dtype=np.float64
        )
        matrix[:, :width] = [row.values for row in rows]
        if ngram is not None:
            scores = ngram.predict_proba(texts)
        else:
            scores = self.ngram.predict_proba(texts)[:, 1]
        matrix[:, width] = scores
        if context:
            matrix[:, width + 1 :] = context_columns(scores, [len(batch) for batch in batches])
        if ngram is not None:
            raw = forest.predict_proba(matrix)
        else:
            raw = self.line.predict_proba(matrix)[:, 1]
        calibrated = self.calibrator.predict(raw).tolist()
        out, at = [], 0
        for batch in batches:
            out.append(calibrated[at : at + len(batch)])
            at += len(batch)
        return out

    def apply(self, doc: Document, findings: list[Finding]) -> list[Finding]:
        """The final findings of ``doc`` given the rules' resolved ``findings``."""
        return self.apply_many([(doc, findings)])[0]

    def apply_many(self, items: Sequence[tuple[Document, list[Finding]]]) -> list[list[Finding]]:
        """:meth:`apply` to several documents, their lines scored together.

        Scoring is per line, so the result is the same as one ``apply`` per document; in
        one batch the models' fixed cost per call is paid once (the importer's case).
        """
        all_rows = [line_rows(doc, findings) for doc, findings in items]
        probs = self.probabilities_many(all_rows)
        # The kinds of every line the model will add, named in one call too.
        addable = [
            row
            for rows, p in zip(all_rows, probs, strict=True)
            for row, q in zip(rows, p, strict=True)
            if _addable(row, q, self.add_threshold)
        ]
        kind_of = dict(zip(map(id, addable), self.kind.predict(addable), strict=True))

        def kinds_of(rows: list[LineRow]) -> list[str]:
            return [kind_of[id(row)] for row in rows]

        out = []
        for (_, findings), rows, p in zip(items, all_rows, probs, strict=True):
            if not rows:
                out.append(findings)
                continue
            out.append(
                combine(
                    findings,
                    rows,
                    p,
                    kinds_of,
                    add_threshold=self.add_threshold,
                    keep_threshold=self.keep_threshold,
                    repeat_threshold=getattr(self, "repeat_threshold", 0.0),
                )
            )
        return out


# Columns after the n-gram score: the n-gram scores of the lines around (a line among
# teasers, credits or menu items is likely one of them), and the text's mean score.
CONTEXT_NAMES = ("ngram_prev", "ngram_next", "ngram_near_max", "ngram_text_mean")


def context_columns(scores: Any, sizes: Sequence[int]) -> Any:
    """The :data:`CONTEXT_NAMES` columns of rows whose n-gram ``scores`` are given, the
    rows being the lines of consecutive texts of ``sizes`` lines each."""
    import numpy as np

    out = np.zeros((len(scores), len(CONTEXT_NAMES)), dtype=np.float64)
    at = 0
    for size in sizes:
        if not size:
            continue
        s = np.asarray(scores[at : at + size], dtype=np.float64)
        padded = np.concatenate([[0.0, 0.0], s, [0.0, 0.0]])
        block = out[at : at + size]
        block[:, 0] = padded[1 : size + 1]
        block[:, 1] = padded[3 : size + 3]
        block[:, 2] = np.maximum.reduce(
            [padded[0:size], padded[1 : size + 1], padded[3 : size + 3], padded[4 : size + 4]]
        )
        block[:, 3] = s.mean()
        at += size
    return out


def combine(
    findings: list[Finding],
    rows: Sequence[LineRow],
    probs: Sequence[float],
    kinds_of: Callable[[list[LineRow]], list[str]],
    *,
    add_threshold: float,
    keep_threshold: float,
    repeat_threshold: float = 0.0,
) -> list[Finding]:
    """Merge the rules' ``findings`` with the line probabilities (see the module docstring).

    ``kinds_of`` names the kinds of the lines the model adds. Returns findings sorted by
    (start, end, kind), block-level ones still non-overlapping.
    """
    dropped: set[tuple[int, int, str]] = set()
    rescored: dict[tuple[int, int, str], float] = {}
    added_rows: list[LineRow] = []
    added_probs: list[float] = []
    whole_text = len(rows) == 1 and rows[0].line.end - rows[0].line.start >= WHOLE_TEXT_CHARS
    for row, p in zip(rows, probs, strict=True):
        if row.whole:
            for finding in row.whole:
                key = (finding.start, finding.end, finding.kind)
                if finding.kind in _RULE_ONLY:
                    continue  # the rule's own finding and confidence
                if finding.kind in _REPEATS and not whole_text:
                    if p < repeat_threshold:
                        dropped.add(key)  # else the rule's own finding and confidence
                elif whole_text or p < keep_threshold:
                    dropped.add(key)
                else:
                    rescored[key] = p
        elif not whole_text and _addable(row, p, add_threshold):
            added_rows.append(row)
            added_probs.append(p)
    out: list[Finding] = []
    for finding in findings:
        key = (finding.start, finding.end, finding.kind)
        if key in dropped:
            continue
        if key in rescored:
            finding = replace(finding, confidence=round(max(rescored[key], 0.01), 3))
        out.append(finding)
    if added_rows:
        for row, p, kind in zip(added_rows, added_probs, kinds_of(added_rows), strict=True):
            line = row.line
            out.append(
                Finding(
                    line.start,
                    line.end,
                    kind=kind,
                    reason=f"learned line model ({kind.replace('_', ' ')})",
                    confidence=round(p, 3),
                    extra={"model": True},
                )
            )
        out.sort(key=lambda f: (f.start, f.end, f.kind))
    return out


def _addable(row: LineRow, p: float, add_threshold: float) -> bool:
    """Whether the model makes ``row``'s line a finding of its own."""
    # (The headline is content by the labelling rules: the model never adds it.)
    return not row.whole and not row.inline and p >= add_threshold and not row.values[_IS_TITLE]


@dataclass
class KindModel:
    """Names the kind of a line the rules did not name: hashed text n-grams + a few features.

    ``vectorizer`` is a stateless ``HashingVectorizer``, ``classifier`` a linear model over
    its output joined with the columns ``columns`` of the line features.
    """

    vectorizer: Any
    classifier: Any
    columns: tuple[int, ...]
    fallback: str = "navigation"

    def matrix(self, rows: Sequence[LineRow]) -> Any:
        """The classifier's input for ``rows`` (sparse)."""
        import numpy as np
        from scipy import sparse

        hashed = self.vectorizer.transform([row.line.text for row in rows])
        dense = np.array([[row.values[c] for c in self.columns] for row in rows], dtype=float)
        return sparse.hstack([hashed, sparse.csr_matrix(dense)], format="csr")

    def predict(self, rows: Sequence[LineRow]) -> list[str]:
        """One kind of :data:`~.kinds.KINDS` per row."""
        if not rows:
            return []
        classifier = self.classifier
        coef = getattr(classifier, "coef_", None)
        classes = getattr(classifier, "classes_", None)
        if coef is None or classes is None or coef.shape[0] != len(classes):
            return [str(k) for k in classifier.predict(self.matrix(rows))]
        # A multi-class linear model's ``predict`` without scikit-learn's per-call checks
        # (≈ 1 ms for one article's line): the text n-grams and the dense columns times
        # their weights, plus the intercept, then the best class.
        import numpy as np

        hashed = self.vectorizer.transform([row.line.text for row in rows])
        weights = self.__dict__.get("_weights")
        if weights is None:
            width = hashed.shape[1]
            weights = (
                np.ascontiguousarray(coef[:, :width].T, dtype=np.float64),
                np.ascontiguousarray(coef[:, width:].T, dtype=np.float64),
                np.asarray(classifier.intercept_, dtype=np.float64),
            )
            self.__dict__["_weights"] = weights
        text_weights, dense_weights, intercept = weights
        dense = np.array([[row.values[c] for c in self.columns] for row in rows], dtype=float)
        scores = hashed @ text_weights + dense @ dense_weights + intercept
        return [str(k) for k in classes[np.asarray(scores).argmax(axis=1)]]

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_weights", None)  # rebuilt from the classifier after a load
        return state


_lock = threading.Lock()
_path: Path | None = DEFAULT_PATH
_loaded: dict[Path, DetectorModel | None] = {}


def configure(path: str | Path | None) -> None:
    """Use the model file at ``path`` from now on (``None``: rules only).

    Called once at start-up (``newsroom`` reads the ``NEWSROOM_DETECTOR_MODEL``
    setting); falls back to the shipped model when the file does not exist.
    """
    global _path
    with _lock:
        if path is None:
            _path = None
            return
        candidate = Path(path)
        _path = candidate if candidate.is_file() else DEFAULT_PATH


def configured_path() -> str | None:
    """The model file in use (``None`` for rules only), to hand to another process."""
    return None if _path is None else str(_path)


def load(path: str | Path) -> DetectorModel:
    """Read a model file (raises on a missing, foreign or corrupt file)."""
    import joblib
    from threadpoolctl import threadpool_limits

    model = joblib.load(path)
    # One article is a few dozen rows: OpenMP threads only add overhead (and, under a
    # server's several workers, contention), so the process predicts on one thread. (After
    # the load: the limit reaches only the OpenMP runtimes already loaded.)
    threadpool_limits(1, user_api="openmp")
    if not isinstance(model, DetectorModel) or model.format_version != FORMAT_VERSION:
        raise ValueError(f"{path}: not a newsroom detector model (format {FORMAT_VERSION})")
    if tuple(model.metadata.get("kinds", KINDS)) != KINDS:
        raise ValueError(f"{path}: trained for another set of artifact kinds")
    if tuple(model.metadata.get("features", FEATURE_NAMES)) != FEATURE_NAMES:
        # A file from before a change of the line features: its trees read other columns.
        raise ValueError(f"{path}: trained on another set of line features")
    return model


def current() -> DetectorModel | None:
    """The configured model, loaded on first use (``None`` when there is none)."""
    path = _path
    if path is None:
        return None
    try:
        return _loaded[path]
    except KeyError:
        pass
    with _lock:
        if path not in _loaded:
            try:
                _loaded[path] = load(path)
            except FileNotFoundError:
                _loaded[path] = None
            except Exception:  # a corrupt file must not take imports down
                log.exception("cannot load the artifact model %s; using rules only", path)
                _loaded[path] = None
        return _loaded[path]
