"""Cross-validation fold models of the artifact detector, for honest bench figures.

The shipped model trained on every page of ``../shared/eval`` (weak corpus + dev set), so
scoring those pages with it gives training-set figures. This module trains (once, then
caches under ``bench/results/``) one model per fold, the folds grouped by page exactly as
``train_detector`` does, and hands out for each page the model that did not train on it.

    from bench.detector_folds import detector_for
    findings = detector_for(page_key)(text, layout)

The cache is keyed by the data digests and the training configuration; pass
``NEWSROOM_SHARED`` to read the data from elsewhere. Training takes a few minutes on two
cores.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from newsroom.text.artifacts import detect, training  # noqa: E402
from newsroom.text.artifacts import model as learned  # noqa: E402
from newsroom.text.spans import Finding, Layout  # noqa: E402

CACHE = ROOT / "bench" / "results"


def shared_dir() -> Path:
    """The shared folder (``$NEWSROOM_SHARED`` or ``../shared`` beside the repository)."""
    shared = os.environ.get("NEWSROOM_SHARED")
    return Path(shared) if shared else ROOT.parent / "shared"


def config_of_shipped() -> training.TrainConfig:
    """The configuration the shipped model was trained with (defaults without a model)."""
    shipped = learned.current()
    config = training.TrainConfig()
    if shipped is not None:
        for key, value in shipped.metadata.get("config", {}).items():
            if hasattr(config, key):
                setattr(config, key, value)
    return config


def _key(shared: Path, config: training.TrainConfig) -> str:
    weak, dev = training.shared_paths(shared)
    blob = json.dumps(
        [training.digest(weak), training.digest(dev), vars(config), training.environment()],
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


@cache
def folds(
    shared: Path | None = None,
) -> tuple[training.FoldModels, training.CrossValidation | None]:
    """The fold models (from the cache, else trained now) and, when trained now, the CV."""
    import joblib

    shared = shared or shared_dir()
    config = config_of_shipped()
    # (``train_detector --folds-out`` writes the same file: copy it to cache_path().)
    path = cache_path(shared)
    if path.is_file():
        return _with_shipped_thresholds(joblib.load(path)), None
    print(f"training fold models into {path} (a few minutes) ...", file=sys.stderr)
    examples = [
        *training.load_weak(training.shared_paths(shared)[0]),
        *training.load_dev(training.shared_paths(shared)[1]),
    ]
    items = [training.featurise(e) for e in examples]
    cv = training.cross_validate(items, config, progress=lambda m: print(m, file=sys.stderr))
    result = _with_shipped_thresholds(training.FoldModels(cv.models, cv.fold_of_group))
    CACHE.mkdir(parents=True, exist_ok=True)
    joblib.dump(result, path, compress=3)
    return result, cv


def cache_path(shared: Path | None = None) -> Path:
    """Where the fold models of the current data and configuration are cached."""
    return CACHE / f"detector-folds-{_key(shared or shared_dir(), config_of_shipped())}.joblib"


def _with_shipped_thresholds(fold_models: training.FoldModels) -> training.FoldModels:
    """Fold models decide with the thresholds the shipped model was tuned to."""
    shipped = learned.current()
    if shipped is not None:
        for model in fold_models.models:
            model.add_threshold = shipped.add_threshold
            model.keep_threshold = shipped.keep_threshold
            model.repeat_threshold = getattr(shipped, "repeat_threshold", 0.0)
    return fold_models


def model_for(group: str) -> learned.DetectorModel | None:
    """The model that did not train on page ``group`` (the shipped one for unseen pages)."""
    fold_models, _ = folds()
    return fold_models.for_group(group) or learned.current()


def detector_for(page_key: str) -> Callable[[str, Layout | None], list[Finding]]:
    """``detect`` with the model that never saw page ``page_key``."""
    chosen = model_for(page_key)

    def run(text: str, layout: Layout | None = None) -> list[Finding]:
        return detect(text, layout, model=chosen)

    return run
