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


def test_repeats_are_dropped_only_under_their_own_threshold() -> None:
    line = "The council approved the harbour plan after a long debate on Tuesday."
    text = f"Harbour plan\n{line}\nOther news of the day, as it happened.\n{line}\n"
    _doc, findings, rows = rows_of(text)
    repeats = [f for f in findings if f.kind == "duplicate_block"]
    assert repeats

    def run(p: float, repeat: float) -> list[Finding]:
        return learned.combine(
            findings,
            rows,
            [p] * len(rows),
            lambda added: [],
            add_threshold=0.95,
            keep_threshold=0.9,
            repeat_threshold=repeat,
        )

    # Under keep_threshold but not under repeat_threshold: kept, with the rule's confidence.
    assert [f for f in run(0.2, 0.1) if f.kind == "duplicate_block"] == repeats
    assert [f for f in run(0.0, 0.0) if f.kind == "duplicate_block"] == repeats
    assert [f for f in run(0.05, 0.1) if f.kind == "duplicate_block"] == []


def test_a_whole_text_on_one_line_gets_no_whole_line_finding() -> None:
    body = " ".join(
        f"Sentence {i} of the article tells what the council decided about the harbour."
        for i in range(8)
    )
    text = f"Photo: the harbour at dawn. {body}"
    _doc, _findings, rows = rows_of(text)
    assert len(rows) == 1 and len(text) >= learned.WHOLE_TEXT_CHARS
    caption = Finding(0, len(text), kind="image_caption", reason="test", confidence=0.9)
    inline = Finding(0, 27, kind="image_caption", reason="test", confidence=0.9)
    rows = line_rows(_doc, [caption])
    kept = learned.combine(
        [caption],
        rows,
        [0.99],
        lambda added: ["navigation"] * len(added),
        add_threshold=0.5,
        keep_threshold=0.1,
    )
    assert kept == []
    rows = line_rows(_doc, [])
    added = learned.combine(
        [],
        rows,
        [0.99],
        lambda added: ["navigation"] * len(added),
        add_threshold=0.5,
        keep_threshold=0.1,
    )
    assert added == []
    # A finding inside the line stays.
    rows = line_rows(_doc, [inline])
    assert learned.combine(
        [inline], rows, [0.99], lambda added: [], add_threshold=0.5, keep_threshold=0.1
    ) == [inline]


def test_context_columns_read_the_neighbours_within_each_text_only() -> None:
    columns = learned.context_columns([0.1, 0.9, 0.3, 0.5, 0.7], [3, 2])
    names = learned.CONTEXT_NAMES
    prev, nxt = names.index("ngram_prev"), names.index("ngram_next")
    near, mean = names.index("ngram_near_max"), names.index("ngram_text_mean")
    assert columns[:, prev].tolist() == [0.0, 0.1, 0.9, 0.0, 0.5]
    assert columns[:, nxt].tolist() == [0.9, 0.3, 0.0, 0.7, 0.0]
    assert columns[:, near].tolist() == [0.9, 0.3, 0.9, 0.7, 0.5]
    assert columns[:, mean].tolist() == pytest.approx([13 / 30] * 3 + [0.6] * 2)


def test_a_model_trained_on_other_line_features_is_refused(tmp_path: Path) -> None:
    import joblib

    model = learned.load(learned.DEFAULT_PATH)
    model.metadata = {**model.metadata, "features": list(FEATURE_NAMES[:-1])}
    stale = tmp_path / "stale.joblib"
    joblib.dump(model, stale)
    with pytest.raises(ValueError, match="line features"):
        learned.load(stale)
    try:
        learned.configure(stale)
        assert learned.current() is None  # rules only, not a crash on the first article
    finally:
        learned.configure(learned.DEFAULT_PATH)


def test_weak_scores_count_body_and_artifact_lines_only_and_their_visible_characters() -> None:
    from newsroom.text.artifacts import training

    text = "Headline\nA body line of the article.\nShare  this\n  \nTitle again"
    starts = [0, 9, 37, 52]
    example = training.Example(
        id="p-x",
        text=text,
        group="p",
        origin="weak-article",
        line_labels={starts[0]: 0, starts[1]: 0, starts[2]: 1, starts[3]: 0},
        unscored=frozenset({starts[0], starts[3]}),  # title lines
    )
    # Flagging the title lines costs nothing; the artifact line's 9 visible characters
    # are the gold; half a body line flagged is characters but not a line.
    findings = [
        Finding(0, 8, kind="navigation", reason="t"),
        Finding(52, 63, kind="navigation", reason="t"),
        Finding(37, 48, kind="share_widget", reason="t"),
        Finding(9, 14, kind="byline", reason="t"),
    ]
    counts = training.char_line_counts(example, findings)
    assert counts["char_gold"] == 9 and counts["char_tp"] == 9
    assert counts["char_pred"] == 9 + 4  # "A bod": 4 visible characters
    assert (counts["line_tp"], counts["line_pred"], counts["line_gold"]) == (1, 1, 1)
