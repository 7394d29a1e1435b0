"""Rebuild the learned artifact layer from the evaluation data (and the desk's decisions)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotations import learning
from newsroom.text.artifacts import model as learned
from newsroom.text.artifacts import training


class Command(BaseCommand):
    help = (
        "Train the artifact detector's line model from ../shared/eval (weak corpus + dev "
        "set), cross-validated by page, and write it with its metadata. With "
        "--with-decisions, add the editors' flag decisions and install the new model "
        "(NEWSROOM_DETECTOR_MODEL) only when it beats the current one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--shared",
            type=Path,
            default=None,
            help="the shared folder holding eval/ (default: NEWSROOM_SHARED, or ../shared)",
        )
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="where to write the model (default: the shipped model file inside the "
            "package; with --with-decisions: the NEWSROOM_DETECTOR_MODEL setting)",
        )
        parser.add_argument("--with-decisions", action="store_true")
        parser.add_argument("--seed", type=int, default=training.TrainConfig.seed)
        parser.add_argument("--folds", type=int, default=training.TrainConfig.folds)
        parser.add_argument(
            "--sample-pages",
            type=int,
            default=None,
            metavar="N",
            help="train on the first N pages of the weak corpus only (a quick check)",
        )
        parser.add_argument(
            "--max-iter", type=int, default=training.TrainConfig.max_iter, help="boosting rounds"
        )
        parser.add_argument(
            "--folds-out",
            type=Path,
            default=None,
            help="also save the fold models (for cross-validated bench figures)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        shared = options["shared"] or Path(
            os.environ.get("NEWSROOM_SHARED") or settings.BASE_DIR.parent / "shared"
        )
        weak, dev = training.shared_paths(shared)
        for path in (weak, dev):
            if not path.is_file():
                raise CommandError(f"{path}: not found (pass --shared or set NEWSROOM_SHARED)")
        config = training.TrainConfig(
            seed=options["seed"], folds=options["folds"], max_iter=options["max_iter"]
        )

        def say(message: str) -> None:
            if options["verbosity"] >= 1:
                self.stderr.write(message)

        if options["with_decisions"]:
            if not options["output"] and str(settings.NEWSROOM_DETECTOR_MODEL).lower() == "off":
                raise CommandError("NEWSROOM_DETECTOR_MODEL is off: pass --output")
            output = options["output"] or Path(settings.NEWSROOM_DETECTOR_MODEL)
            outcome = learning.retrain_with_decisions(
                shared,
                config,
                output=output,
                limit_pages=options["sample_pages"],
                progress=say,
            )
            self.stdout.write(outcome.report())
            return
        model, cv = training.build(
            shared, config, limit_pages=options["sample_pages"], progress=say
        )
        output = options["output"] or learned.DEFAULT_PATH
        save(model, output)
        if options["folds_out"]:
            save(training.FoldModels(cv.models, cv.fold_of_group), options["folds_out"])
        self.stdout.write(learning.describe(model, output))


def save(obj: object, path: Path) -> None:
    """Write ``obj`` with joblib atomically (a reader never sees half a file)."""
    import joblib

    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as handle:
        tmp = Path(handle.name)
    try:
        joblib.dump(obj, tmp, compress=3)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
