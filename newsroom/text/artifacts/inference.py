"""Fast inference for the learned layer's fitted scikit-learn models.

The learning is scikit-learn's; only prediction lives here, for the two models whose
per-call overhead is most of an article's cost. ``tests/text/test_inference.py`` checks
that both give scikit-learn's own probabilities on every row of a training run.

:class:`Forest` — a ``HistGradientBoostingClassifier``. Its ``predict_proba`` validates
its input, runs a ``ColumnTransformer`` for the categorical columns and starts an OpenMP
team per tree: about 2 ms per call whatever the number of rows, which for the few dozen
lines of one article is almost all of its cost. :class:`Forest` encodes the categorical
columns itself (the fitted ordinal encoding; an unknown category is missing) and calls
each tree's own compiled predictor on one thread: scikit-learn's decisions, for a few
microseconds per tree. (An earlier version walked all the trees at once in NumPy; it made
the same leaf choices, and the per-tree calls are 1.2x faster for one article's rows and
4-5x for a batch of a hundred.)

:class:`HashedLinear` — a ``HashingVectorizer`` (word n-grams, l2 norm, no alternate sign)
followed by a binary linear model (``SGDClassifier``, log loss). ``transform`` re-validates
its parameters and builds a hasher on every call; this reads the same tokens, hashes each
distinct one once per process (murmurhash3, as the vectorizer does) and keeps its column.

Pure NumPy and scikit-learn's public murmurhash, no Django.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = ["Forest", "HashedLinear"]


class Forest:
    """A fitted binary ``HistGradientBoostingClassifier``, predicted tree by tree."""

    def __init__(self, model: Any) -> None:
        if getattr(model, "n_trees_per_iteration_", 1) != 1:
            raise ValueError("only binary classifiers are supported")
        self.n_features = int(model.n_features_in_)
        self.baseline = float(np.ravel(model._baseline_prediction)[0])
        # Column order of the predictors' input: scikit-learn's preprocessor puts the
        # categorical columns first, ordinal-encoded, then the numerical ones.
        categorical = getattr(model, "is_categorical_", None)
        if categorical is None or not np.any(categorical):
            self.order = np.arange(self.n_features)
            self.categorical: list[tuple[int, np.ndarray]] = []
        else:
            categorical = np.asarray(categorical, dtype=bool)
            cat_columns = np.flatnonzero(categorical)
            self.order = np.concatenate([cat_columns, np.flatnonzero(~categorical)])
            encoder = model._preprocessor.named_transformers_["encoder"]
            # (raw column, sorted known raw values) per categorical column, in order.
            self.categorical = [
                (int(column), np.asarray(values, dtype=np.float64))
                for column, values in zip(cat_columns, encoder.categories_, strict=True)
            ]
        self.predictors = [predictor for (predictor,) in model._predictors]
        self.known_bitsets, self.f_idx_map = model._bin_mapper.make_known_categories_bitsets()

    def _prepared(self, matrix: np.ndarray) -> np.ndarray:
        """``matrix`` in the predictors' column order, categorical values as codes."""
        out = matrix[:, self.order].astype(np.float64, copy=True)
        for j, (column, known) in enumerate(self.categorical):
            raw = matrix[:, column]
            at = np.searchsorted(known, raw)
            at_clipped = np.minimum(at, len(known) - 1)
            found = (at < len(known)) & (known[at_clipped] == raw)
            out[:, j] = np.where(found, at_clipped, np.nan)
        return out

    def decision(self, matrix: np.ndarray) -> np.ndarray:
        """The raw score (log-odds) of each row of ``matrix`` (rows by features)."""
        matrix = np.asarray(matrix, dtype=np.float64)
        if matrix.ndim != 2 or matrix.shape[1] != self.n_features:
            raise ValueError(f"expected {self.n_features} features, got shape {matrix.shape}")
        if not len(matrix):
            return np.zeros(0)
        x = np.ascontiguousarray(self._prepared(matrix))
        # The leaf value of every (row, tree), one call of the tree's own compiled
        # predictor each (on one thread: a few microseconds per tree), then summed per
        # row in one NumPy reduction: the same sum, in the same order, whatever the
        # number of rows.
        leaves = np.empty((len(x), len(self.predictors)), dtype=np.float64)
        for at, predictor in enumerate(self.predictors):
            leaves[:, at] = predictor.predict(x, self.known_bitsets, self.f_idx_map, 1)
        return self.baseline + leaves.sum(axis=1)

    def predict_proba(self, matrix: np.ndarray) -> np.ndarray:
        """P(class 1) of each row, as ``HistGradientBoostingClassifier.predict_proba[:, 1]``."""
        return 1.0 / (1.0 + np.exp(-self.decision(matrix)))


class HashedLinear:
    """P(class 1) of texts under a fitted ``make_pipeline(HashingVectorizer, linear)``."""

    # Bounded memory: the token cache is emptied when it reaches this many entries.
    CACHE_LIMIT = 200_000

    def __init__(self, pipeline: Any) -> None:
        from sklearn.utils import murmurhash3_32

        vectorizer, classifier = pipeline.steps[0][1], pipeline.steps[-1][1]
        params = vectorizer.get_params()
        supported = (
            params["analyzer"] == "word"
            and params["norm"] == "l2"
            and not params["alternate_sign"]
            and not params["binary"]
            and params["tokenizer"] is None
            and params["stop_words"] is None
            and params["strip_accents"] is None
            and getattr(classifier, "loss", "log_loss") == "log_loss"
            and classifier.coef_.shape[0] == 1
        )
        if not supported:
            raise ValueError("unsupported vectorizer or classifier settings")
        # As the vectorizer: its preprocessor when it has one (``lowercase`` is then
        # ignored), else lower-casing when ``lowercase``.
        self._preprocess: Callable[[str], str] = params["preprocessor"] or (
            str.lower if params["lowercase"] else str
        )
        self._token = re.compile(params["token_pattern"])
        self._low, self._high = params["ngram_range"]
        self._n_features = int(params["n_features"])
        # (A list: indexing it from Python is several times faster than an array.)
        self._coef = np.asarray(classifier.coef_, dtype=np.float64).ravel().tolist()
        self._intercept = float(np.ravel(classifier.intercept_)[0])
        self._hash = murmurhash3_32
        self._columns: dict[str, int] = {}

    def _tokens(self, text: str) -> list[str]:
        """The vectorizer's analyzer: preprocessed text, tokens, then word n-grams."""
        words = self._token.findall(self._preprocess(text))
        if self._high == 1:
            return words
        out = list(words) if self._low == 1 else []
        count = len(words)
        for n in range(max(self._low, 2), min(self._high, count) + 1):
            out.extend(" ".join(words[i : i + n]) for i in range(count - n + 1))
        return out

    def _column(self, token: str) -> int:
        column = self._columns.get(token)
        if column is None:
            h = self._hash(token, seed=0)
            n = self._n_features
            column = (2147483647 - (n - 1)) % n if h == -2147483648 else abs(h) % n
            if len(self._columns) >= self.CACHE_LIMIT:
                self._columns.clear()
            self._columns[token] = column
        return column

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """P(class 1) of each text, as the pipeline's ``predict_proba(texts)[:, 1]``."""
        scores = np.full(len(texts), self._intercept)
        coef = self._coef
        column_of = self._column
        for i, text in enumerate(texts):
            # Counts per hashed column (tokens that collide add up, as in the sparse
            # matrix), l2-normalised, dotted with the weights.
            columns = Counter(map(column_of, self._tokens(text)))
            if columns:
                norm = math.sqrt(sum(c * c for c in columns.values()))
                scores[i] += sum(c * coef[k] for k, c in columns.items()) / norm
        return 1.0 / (1.0 + np.exp(-scores))
