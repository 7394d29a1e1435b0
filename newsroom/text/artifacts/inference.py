"""Fast inference for the learned layer's fitted scikit-learn models.

The learning is scikit-learn's; only prediction lives here, for the two models whose
per-call overhead is most of an article's cost. ``tests/text/test_inference.py`` checks
that both give scikit-learn's own probabilities on every row of a training run.

:class:`Forest` — a ``HistGradientBoostingClassifier``. Its ``predict_proba`` validates
its input, runs a ``ColumnTransformer`` for the categorical columns and makes one OpenMP
call per tree: about 2 ms per call whatever the number of rows, which for the few dozen
lines of one article is almost all of its cost.
:class:`Forest` reads the fitted trees once (their nodes, thresholds, categorical
bitsets and the ordinal encoding of the categorical columns) into flat NumPy arrays and
walks every (row, tree) pair at once, one tree level per step: the same decisions as
scikit-learn's own predictor (``_predictor.pyx``: NaN and unknown categories go the
missing-value way, numbers go left when ``<=`` the threshold), for a few hundred
microseconds per article.

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
    """The trees of a fitted binary ``HistGradientBoostingClassifier`` as flat arrays."""

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
        known_bitsets, f_idx_map = model._bin_mapper.make_known_categories_bitsets()

        features, thresholds, lefts, rights, values = [], [], [], [], []
        missing_left, cat_rows = [], []
        tables: list[np.ndarray] = []
        roots = []
        depth = 0
        offset = 0
        for (predictor,) in model._predictors:
            nodes = predictor.nodes
            n = len(nodes)
            roots.append(offset)
            leaf = nodes["is_leaf"].astype(bool)
            here = np.arange(offset, offset + n)
            # A leaf points at itself, so walking past it changes nothing.
            lefts.append(np.where(leaf, here, nodes["left"].astype(np.int64) + offset))
            rights.append(np.where(leaf, here, nodes["right"].astype(np.int64) + offset))
            features.append(np.where(leaf, 0, nodes["feature_idx"]).astype(np.int64))
            thresholds.append(nodes["num_threshold"].astype(np.float64))
            values.append(np.where(leaf, nodes["value"], 0.0))
            missing_left.append(nodes["missing_go_to_left"].astype(bool))
            rows = np.full(n, -1, dtype=np.int64)
            for i in np.flatnonzero(nodes["is_categorical"].astype(bool) & ~leaf):
                feature = int(nodes["feature_idx"][i])
                n_codes = len(self.categorical[feature][1]) if self.categorical else 0
                codes = np.arange(n_codes)
                in_left = _in_bitset(predictor.raw_left_cat_bitsets[nodes["bitset_idx"][i]], codes)
                known = _in_bitset(known_bitsets[f_idx_map[feature]], codes)
                missing = bool(nodes["missing_go_to_left"][i])
                # Left when in the split's set; right when a known category outside it;
                # an unknown one goes the missing-value way.
                tables.append(np.where(in_left, True, np.where(known, False, missing)))
                rows[i] = len(tables) - 1
            cat_rows.append(rows)
            depth = max(depth, int(nodes["depth"].max()))
            offset += n
        self.roots = np.asarray(roots, dtype=np.int64)
        self.depth = depth
        self.feature = np.concatenate(features)
        self.threshold = np.concatenate(thresholds)
        self.left = np.concatenate(lefts)
        self.right = np.concatenate(rights)
        self.value = np.concatenate(values)
        self.missing_left = np.concatenate(missing_left)
        self.cat_row = np.concatenate(cat_rows)
        self.is_leaf = self.left == np.arange(len(self.left))
        width = max((len(t) for t in tables), default=0)
        # One row per categorical split; codes past a table's end never occur.
        self.cat_table = np.zeros((max(len(tables), 1), max(width, 1)), dtype=bool)
        for row, table in enumerate(tables):
            self.cat_table[row, : len(table)] = table

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
        x = self._prepared(matrix)
        n_rows = len(x)
        if not n_rows:
            return np.zeros(0)
        # Every (row, tree) pair as one flat walk; pairs that reached a leaf drop out.
        flat_x = x.ravel()
        base = np.repeat(np.arange(n_rows, dtype=np.int64) * x.shape[1], len(self.roots))
        node = np.tile(self.roots, n_rows)
        active = np.flatnonzero(~self.is_leaf[node])
        for _ in range(self.depth):
            if not len(active):
                break
            at = node[active]
            data = flat_x[base[active] + self.feature[at]]
            missing = np.isnan(data)
            go_left = np.where(missing, self.missing_left[at], data <= self.threshold[at])
            if self.categorical:
                cat = self.cat_row[at]
                split = (cat >= 0) & ~missing
                if split.any():
                    codes = np.where(split, data, 0).astype(np.int64)
                    go_left = np.where(split, self.cat_table[np.maximum(cat, 0), codes], go_left)
            at = np.where(go_left, self.left[at], self.right[at])
            node[active] = at
            active = active[~self.is_leaf[at]]
        node = node.reshape(n_rows, len(self.roots))
        return self.baseline + self.value[node].sum(axis=1)

    def predict_proba(self, matrix: np.ndarray) -> np.ndarray:
        """P(class 1) of each row, as ``HistGradientBoostingClassifier.predict_proba[:, 1]``."""
        return 1.0 / (1.0 + np.exp(-self.decision(matrix)))


def _in_bitset(bitset: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Whether each of ``values`` (0..255) is set in scikit-learn's bitset of 8 uint32."""
    words = np.asarray(bitset, dtype=np.uint64)[values // 32]
    return ((words >> (values % 32).astype(np.uint64)) & 1).astype(bool)


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
