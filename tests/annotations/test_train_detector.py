"""Training the artifact model: the command on a small sample, and learning from decisions."""

from __future__ import annotations

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from annotations import learning
from annotations.models import ArtifactFlag
from newsroom.text.artifacts import Document, training
from newsroom.text.artifacts import model as learned
from tests.factories import ArticleFactory, SourceFactory

SHARED = Path(os.environ.get("NEWSROOM_SHARED") or Path(__file__).resolve().parents[3] / "shared")
needs_data = pytest.mark.skipif(
    not (SHARED / "eval" / "weak" / "train.jsonl.gz").is_file(),
    reason="the evaluation data of ../shared is not beside the repository",
)
SAMPLE = ["--sample-pages", "3", "--folds", "2", "--max-iter", "8", "--shared", str(SHARED)]


@needs_data
def test_train_detector_rebuilds_a_loadable_model_with_cross_validated_metadata(
    tmp_path: Path,
) -> None:
    output = tmp_path / "model.joblib"
    folds = tmp_path / "folds.joblib"
    out = StringIO()
    call_command(
        "train_detector",
        *SAMPLE,
        "--output",
        str(output),
        "--folds-out",
        str(folds),
        stdout=out,
        stderr=StringIO(),
    )
    model = learned.load(output)
    meta = model.metadata
    assert meta["data"]["limit_pages"] == 3 and meta["seed"] == training.TrainConfig.seed
    assert meta["data"]["weak"]["sha256"] == training.digest(
        SHARED / "eval" / "weak" / "train.jsonl.gz"
    )
    assert set(meta["cross_validated"]) >= {"weak-article", "dev"}
    assert "char F1" in out.getvalue() and str(output) in out.getvalue()
    import joblib

    fold_models = joblib.load(folds)
    assert len(fold_models.models) == 2
    # Every page of the training data is held out by exactly one fold.
    assert set(fold_models.fold_of_group.values()) == {0, 1}


@needs_data
def test_training_is_reproducible_with_the_same_seed(tmp_path: Path) -> None:
    first, second = tmp_path / "a.joblib", tmp_path / "b.joblib"
    for path in (first, second):
        call_command(
            "train_detector", *SAMPLE, "--output", str(path), stdout=StringIO(), stderr=StringIO()
        )
    a, b = learned.load(first), learned.load(second)
    assert a.metadata["cross_validated"] == b.metadata["cross_validated"]
    text = "Headline here\nAdvertisement\nA paragraph of the article, as it was written.\n"
    rows = training.featurise(training.Example("x", text, "g", "dev")).rows
    assert a.probabilities(rows) == b.probabilities(rows)


TEXT = (
    "Harbour plan approved\n"
    "Share this story\n"
    "The council approved the harbour plan on Tuesday after a long debate, officials said.\n"
    "Read more: other news from the harbour\n"
    "Sponsored by a harbour company\n"
)


def line_start(text: str, line: str) -> int:
    return text.index(line)


@pytest.mark.django_db
@pytest.mark.parametrize("brk", ["\n", "\r\n", "\r", "\u2028"], ids=["LF", "CRLF", "CR", "LS"])
def test_decisions_become_line_labels_of_their_kind(brk: str) -> None:
    # Labels are keyed by the line starts of the detector's lines, whatever the breaks.
    text = TEXT.replace("\n", brk)
    article = ArticleFactory(raw_text=text)
    share = line_start(text, "Share this story")
    read = line_start(text, "Read more")
    sponsored = line_start(text, "Sponsored")
    ArtifactFlag.objects.create(
        article=article, kind="share_widget", start=share, end=share + 16, state="confirmed"
    )
    ArtifactFlag.objects.create(
        article=article, kind="related_links", start=read, end=read + 38, state="dismissed"
    )
    ArtifactFlag.objects.create(
        article=article, kind="advert", start=sponsored, end=sponsored + 30, origin="editor"
    )
    ArtifactFlag.objects.create(article=article, kind="byline", start=0, end=5)  # undecided
    [example] = learning.decision_examples()
    assert example.origin == "decisions" and example.group == f"source:{article.source_id}"
    assert example.line_labels == {share: 1, read: 0, sponsored: 1}
    assert example.line_kinds == {share: "share_widget", sponsored: "advert"}
    assert set(example.line_labels) <= {line.raw_start for line in Document.parse(text).lines}


@pytest.mark.django_db
def test_held_out_decisions_keep_a_source_together() -> None:
    examples = [training.Example(f"a{i}", "x", f"source:{i % 4}", "decisions") for i in range(12)]
    train, held = learning.split_held_out(examples, seed=1)
    assert held and train
    assert not {e.group for e in train} & {e.group for e in held}


@needs_data  # the command reads the evaluation data before it looks at decisions
@pytest.mark.django_db
def test_with_decisions_refuses_to_install_without_decisions_to_score_on(
    tmp_path: Path,
) -> None:
    output = tmp_path / "installed.joblib"
    out = StringIO()
    call_command(
        "train_detector",
        "--with-decisions",
        "--output",
        str(output),
        "--shared",
        str(SHARED),
        stdout=out,
        stderr=StringIO(),
    )
    assert "Not installed" in out.getvalue() and not output.exists()


@needs_data
@pytest.mark.django_db
def test_with_decisions_scores_candidate_and_current_and_installs_only_when_better(
    tmp_path: Path,
) -> None:
    for n in range(4):
        source = SourceFactory(name=f"Desk source {n}")
        text = TEXT.replace("harbour", f"harbour {n}")
        article = ArticleFactory(raw_text=text, source=source)
        for line, kind, state in (
            ("Share this story", "share_widget", "confirmed"),
            (f"Sponsored by a harbour {n} company", "advert", "confirmed"),
        ):
            start = text.index(line)
            ArtifactFlag.objects.create(
                article=article, kind=kind, start=start, end=start + len(line), state=state
            )
    output = tmp_path / "installed.joblib"
    out = StringIO()
    try:
        call_command(
            "train_detector",
            "--with-decisions",
            *SAMPLE,
            "--output",
            str(output),
            stdout=out,
            stderr=StringIO(),
        )
    finally:
        learned.configure(learned.DEFAULT_PATH)
    report = out.getvalue()
    assert "4 articles with decisions (1 held out for scoring)" in report
    assert "current  : held-out decisions line F1" in report
    assert "candidate: held-out decisions line F1" in report
    installed = report.splitlines()[-1].startswith("Installed")
    assert installed == output.exists()


def test_the_install_rule() -> None:
    decide = learning.should_install
    current = {"decisions": {"line": {"f1": 0.8}}, "fixed": 0.90}
    assert decide({"decisions": {"line": {"f1": 0.9}}, "fixed": 0.899}, current)[0]
    assert not decide({"decisions": {"line": {"f1": 0.8}}, "fixed": 0.95}, current)[0]
    refused, reason = decide({"decisions": {"line": {"f1": 0.95}}, "fixed": 0.85}, current)
    assert not refused and "fixed evaluation dropped" in reason
