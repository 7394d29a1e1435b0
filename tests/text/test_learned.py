"""The learned line layer of the artifact detector: features, merging, the shipped model."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsroom.text import layout
from newsroom.text.artifacts import detect, detect_rules
from newsroom.text.artifacts import model as learned
from newsroom.text.artifacts.features import FEATURE_NAMES, KIND_INDEX, line_rows
from newsroom.text.spans import Finding

ARTICLE = (
    "Council approves the new harbour plan\n"
    "\n"
    "The city council voted on Tuesday to approve a plan that will rebuild the old harbour "
    "over the next ten years, officials said.\n"
    "The plan includes new housing, a ferry terminal and a park along the water.\n"
    "Opponents said the cost was too high and promised to fight it in court.\n"
    "There are no comments.\n"
)


def rows_of(text: str):
    doc, findings = detect_rules(text, layout.parse(text))
    return doc, findings, line_rows(doc, findings)


def test_one_feature_row_per_content_line() -> None:
    doc, _, rows = rows_of(ARTICLE)
    assert [row.line.index for row in rows] == list(doc.content)
    assert all(len(row.values) == len(FEATURE_NAMES) for row in rows)
    assert rows[0].values[FEATURE_NAMES.index("is_title")] == 1.0
    assert rows[1].values[FEATURE_NAMES.index("reads_as_sentence")] == 1.0


def test_rule_findings_become_rule_features_of_their_line() -> None:
    _, _, rows = rows_of(ARTICLE)
    last = rows[-1]
    assert last.rule_kind == "dead_comments"
    assert last.values[FEATURE_NAMES.index("rule_kind")] == KIND_INDEX["dead_comments"]
    assert last.values[FEATURE_NAMES.index("rule_cover")] == pytest.approx(1.0)
    assert [f.kind for f in last.whole] == ["dead_comments"]
    assert rows[1].rule_kind == "" and rows[1].values[FEATURE_NAMES.index("rule_cover")] == 0


def test_inline_rule_findings_are_told_apart_from_whole_line_ones() -> None:
    text = "A long line of article text about the harbour plan.\nFirst line\n"
    doc, _, _ = rows_of(text)
    inline = Finding(0, 6, kind="byline", reason="test")
    rows = line_rows(doc, [inline])
    assert rows[0].inline == (inline,) and rows[0].whole == ()
    assert rows[0].values[FEATURE_NAMES.index("rule_inline")] == 1.0


def merged(text: str, probs: list[float], *, add: float = 0.5, keep: float = 0.1):
    _doc, findings, rows = rows_of(text)
    assert len(probs) == len(rows)
    return learned.combine(
        findings,
        rows,
        probs,
        lambda added: ["navigation"] * len(added),
        add_threshold=add,
        keep_threshold=keep,
    )


def test_a_confident_line_the_rules_missed_becomes_a_finding_of_the_classifier_kind() -> None:
    found = merged(ARTICLE, [0.0, 0.0, 0.9, 0.0, 0.6])
    added = [f for f in found if f.extra.get("model")]
    assert [(ARTICLE[f.start : f.end], f.kind, f.confidence) for f in added] == [
        (
            "The plan includes new housing, a ferry terminal and a park along the water.",
            "navigation",
            0.9,
        )
    ]
    assert not any(f.kind == "dead_comments" for f in added)


def test_lines_under_the_add_threshold_stay_unflagged() -> None:
    found = merged(ARTICLE, [0.49, 0.49, 0.49, 0.49, 0.6])
    assert [f.kind for f in found] == ["dead_comments"]


def test_a_rule_finding_the_model_is_sure_is_body_is_dropped() -> None:
    assert merged(ARTICLE, [0.0] * 5, keep=0.1) == []
    kept = merged(ARTICLE, [0.0, 0.0, 0.0, 0.0, 0.1], keep=0.1)
    assert [(f.kind, f.confidence) for f in kept] == [("dead_comments", 0.1)]


def test_character_level_findings_are_the_rules_alone() -> None:
    text = "Title of the story\nBody text with an entity &amp; in it, said the council today.\n"
    _doc, findings, rows = rows_of(text)
    entity = [f for f in findings if f.kind == "html_entity"]
    assert entity
    found = learned.combine(
        findings, rows, [0.0] * len(rows), lambda added: [], add_threshold=0.5, keep_threshold=0.9
    )
    assert [f for f in found if f.kind == "html_entity"] == entity


def test_rules_only_when_no_model_is_given() -> None:
    _, rules = detect_rules(ARTICLE, layout.parse(ARTICLE))
    assert detect(ARTICLE, layout.parse(ARTICLE), model=None) == rules


# --- the shipped model ---------------------------------------------------------------


def test_the_shipped_model_is_small_and_carries_its_provenance() -> None:
    path = learned.DEFAULT_PATH
    assert path.is_file(), "run `manage.py train_detector` to build the shipped model"
    assert path.stat().st_size <= 10 * 1024 * 1024
    model = learned.load(path)
    meta = model.metadata
    assert len(meta["data"]["weak"]["sha256"]) == 64 and len(meta["data"]["dev"]["sha256"]) == 64
    assert isinstance(meta["seed"], int)
    assert {"scikit-learn", "numpy", "python"} <= set(meta["versions"])
    cv = meta["cross_validated"]
    assert 0 < cv["weak-article"]["char"]["f1"] <= 1 and 0 < cv["dev"]["span_block"]["f1"] <= 1
    assert 0 < model.keep_threshold < model.add_threshold < 1


def test_the_shipped_model_gives_calibrated_probabilities_in_range() -> None:
    model = learned.load(learned.DEFAULT_PATH)
    _, _, rows = rows_of(ARTICLE)
    probs = model.probabilities(rows)
    assert len(probs) == len(rows) and all(0.0 <= p <= 1.0 for p in probs)
    # The article's paragraphs read as body; the dead comment section does not.
    assert max(probs[1:4]) < 0.5 < probs[-1]


def test_a_missing_model_file_falls_back_to_the_shipped_model(tmp_path: Path) -> None:
    try:
        learned.configure(tmp_path / "absent.joblib")
        assert learned.current() is not None
        assert learned.current() is learned.current()  # loaded once
    finally:
        learned.configure(learned.DEFAULT_PATH)


def test_a_corrupt_model_file_means_rules_only_not_an_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.joblib"
    broken.write_bytes(b"not a model at all")
    try:
        learned.configure(broken)
        assert learned.current() is None
        _, rules = detect_rules(ARTICLE, layout.parse(ARTICLE))
        assert detect(ARTICLE, layout.parse(ARTICLE)) == rules
    finally:
        learned.configure(learned.DEFAULT_PATH)
    with pytest.raises(Exception):  # noqa: B017 (joblib raises what pickle raises)
        learned.load(broken)


def test_repeats_stay_the_rules_own_whatever_the_model_says() -> None:
    line = "The council approved the harbour plan after a long debate on Tuesday."
    text = f"Harbour plan\n{line}\nOther news of the day, as it happened.\n{line}\n"
    _doc, findings, rows = rows_of(text)
    repeats = [f for f in findings if f.kind == "duplicate_block"]
    assert repeats
    found = learned.combine(
        findings, rows, [0.0] * len(rows), lambda added: [], add_threshold=0.5, keep_threshold=0.9
    )
    assert [f for f in found if f.kind == "duplicate_block"] == repeats
    assert [f.confidence for f in found if f.kind == "duplicate_block"] == [
        f.confidence for f in repeats
    ]
