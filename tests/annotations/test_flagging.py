"""The flag services: suggestions from the import, decisions, undo, re-detection."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from annotations import flagging
from annotations.models import ArtifactFlag
from newsroom.models import Article, Sentence
from newsroom.text.spans import Finding
from tests.factories import imported_article

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_cfff4d70fc50ad02.txt"
NBSP = "\u00a0"
State = ArtifactFlag.State


def imported(text: str) -> Article:
    """An article through the real importer (so the receiver stored its suggestions)."""
    return imported_article(text)


@pytest.fixture
def seed() -> Article:
    return imported(SEED.read_text(encoding="utf-8"))


def flag_of(article: Article, kind: str, nth: int = 0) -> ArtifactFlag:
    return article.artifact_flags.filter(kind=kind).order_by("start")[nth]


def history_rows(flag: ArtifactFlag) -> list:
    return list(ArtifactFlag.history.filter(id=flag.pk).order_by("history_date", "history_id"))


def test_seed_import_stores_exactly_the_nine_suggestions(seed):
    flags = list(seed.artifact_flags.order_by("start"))
    assert Counter(f.kind for f in flags) == {
        "dateline": 1,
        "truncated_duplicate": 1,
        "image_caption": 1,
        "photo_credit": 1,
        "stray_whitespace": 3,
        "dead_comments": 1,
        "comment_form": 1,
    }
    assert {(f.state, f.origin) for f in flags} == {(State.SUGGESTED, "detector")}
    lines = seed.raw_text.split("\n")
    texts = {f.kind: f.text for f in flags}
    assert texts["dateline"] == lines[1] == "February 04 2020 02:32 PM"
    assert texts["truncated_duplicate"] == lines[2]
    assert texts["photo_credit"] == "AFP/Turkish Defence Ministery Press Service."
    assert lines[3] == f"{texts['image_caption']} {texts['photo_credit']}"
    assert texts["dead_comments"] == "There are no comments."
    assert texts["comment_form"].startswith("LEAVE A COMMENT Your email address")
    assert [f.text for f in flags if f.kind == "stray_whitespace"] == [NBSP] * 3
    assert all(f.reason for f in flags)
    # One creation record per flag.
    assert ArtifactFlag.history.filter(article=seed, history_type="+").count() == 9


def test_receiver_failure_rolls_the_import_back(monkeypatch):
    bad = Finding(0, 4, kind="no_such_kind", reason="x")
    # The importer detects a batch's artifacts at once (detect_many); a single record
    # goes through detect. Both find the unstorable finding.
    monkeypatch.setattr(
        "newsroom.text.artifacts.detect", lambda text, layout=None: [bad], raising=True
    )
    # The importer analyses records in batches (detect_many): the same bad finding there.
    monkeypatch.setattr(
        "newsroom.text.artifacts.detect_many",
        lambda items, **kwargs: [[bad] for _ in items],
        raising=True,
    )
    monkeypatch.setattr(
        "newsroom.text.artifacts.detect_many",
        lambda items, **kwargs: [[bad] for _ in items],
        raising=True,
    )
    from newsroom.importing import Status, import_record
    from newsroom.readers import Record

    result = import_record(Record(origin="bad", format="text", text="Title\n\nSome body text."))
    assert result.status == Status.FAILED
    assert not Article.objects.exists()
    assert not ArtifactFlag.objects.exists()


def test_store_suggestions_stores_a_repeated_finding_once():
    article = imported("A plain title\n\nA plain body sentence that flags nothing at all.")
    before = article.artifact_flags.count()
    findings = [Finding(0, 5, kind="separator", reason="r")] * 2
    flags = flagging.store_suggestions(article=article, findings=findings)
    assert len(flags) == 1 and flags[0].pk
    assert article.artifact_flags.count() == before + 1


def test_store_suggestions_rejects_spans_outside_the_text():
    article = imported("A plain title\n\nA plain body sentence.")
    with pytest.raises(ValueError, match="outside"):
        flagging.store_suggestions(article=article, findings=[Finding(5, 10_000, kind="separator")])


@pytest.mark.parametrize("state", [State.CONFIRMED, State.DISMISSED])
def test_decide_flag_records_who_when_and_history(seed, editor, state):
    flag = flag_of(seed, "dateline")
    decided = flagging.decide_flag(flag=flag, user=editor, state=state)
    flag.refresh_from_db()
    assert (flag.state, flag.previous_state, flag.decided_by) == (state, State.SUGGESTED, editor)
    assert flag.decided_at is not None
    assert decided.state == state
    rows = history_rows(flag)
    assert [r.history_type for r in rows] == ["+", "~"]
    assert (rows[-1].state, rows[-1].history_user) == (state, editor)


def test_deciding_the_same_state_again_writes_nothing(seed, editor):
    flag = flag_of(seed, "dateline")
    flagging.decide_flag(flag=flag, user=editor, state=State.DISMISSED)
    flagging.decide_flag(flag=flag, user=editor, state=State.DISMISSED)
    flag.refresh_from_db()
    assert flag.previous_state == State.SUGGESTED  # undo still goes back to suggested
    assert len(history_rows(flag)) == 2


def test_decide_flag_refuses_other_states(seed, editor):
    flag = flag_of(seed, "dateline")
    with pytest.raises(ValidationError) as error:
        flagging.decide_flag(flag=flag, user=editor, state=State.SUGGESTED)
    assert error.value.code == "invalid_state"
    flag.refresh_from_db()
    assert flag.state == State.SUGGESTED


def test_decide_kind_decides_every_pending_flag_of_the_kind(seed, editor, fact_checker):
    first = flag_of(seed, "stray_whitespace", 0)
    flagging.decide_flag(flag=first, user=fact_checker, state=State.DISMISSED)
    changed = flagging.decide_kind(
        article=seed, kind="stray_whitespace", user=editor, state=State.CONFIRMED
    )
    assert changed == 2
    states = dict(seed.artifact_flags.filter(kind="stray_whitespace").values_list("pk", "state"))
    assert states.pop(first.pk) == State.DISMISSED  # an earlier decision is kept
    assert set(states.values()) == {State.CONFIRMED}
    # Other kinds untouched.
    assert flag_of(seed, "dateline").state == State.SUGGESTED
    for pk in states:
        rows = list(ArtifactFlag.history.filter(id=pk).order_by("history_id"))
        assert [(r.history_type, r.state, r.history_user) for r in rows][-1] == (
            "~",
            State.CONFIRMED,
            editor,
        )
        assert len(rows) == 2
    assert (
        flagging.decide_kind(
            article=seed, kind="stray_whitespace", user=editor, state=State.CONFIRMED
        )
        == 0
    )


def test_decide_kind_only_touches_its_article(seed, editor):
    other = imported(SEED.read_text(encoding="utf-8") + "\nOne more line to differ.")
    flagging.decide_kind(article=seed, kind="dead_comments", user=editor, state=State.DISMISSED)
    assert flag_of(other, "dead_comments").state == State.SUGGESTED
    assert flag_of(seed, "dead_comments").state == State.DISMISSED


def test_undo_returns_to_the_previous_state_and_is_recorded(seed, editor, administrator):
    flag = flag_of(seed, "photo_credit")
    flagging.decide_flag(flag=flag, user=editor, state=State.CONFIRMED)
    flagging.decide_flag(flag=flag, user=editor, state=State.DISMISSED)
    undone = flagging.undo_flag(flag=flag, user=administrator)
    assert (undone.state, undone.previous_state) == (State.CONFIRMED, "")
    assert undone.decided_by == administrator
    rows = history_rows(flag)
    assert [r.state for r in rows] == [
        State.SUGGESTED,
        State.CONFIRMED,
        State.DISMISSED,
        State.CONFIRMED,
    ]
    assert rows[-1].history_user == administrator
    with pytest.raises(ValidationError) as error:
        flagging.undo_flag(flag=flag, user=editor)
    assert error.value.code == "nothing_to_undo"


def test_undo_of_an_untouched_flag_is_refused(seed, editor):
    flag = flag_of(seed, "dateline")
    with pytest.raises(ValidationError):
        flagging.undo_flag(flag=flag, user=editor)
    assert len(history_rows(flag)) == 1


def test_add_flag_trims_the_selection_and_confirms(seed, editor):
    body = seed.raw_text.index("The Astana and Sochi")
    sentence_end = seed.raw_text.index("conflict.", body) + len("conflict.")
    flag = flagging.add_flag(
        article=seed, start=body - 1, end=sentence_end + 1, kind="related_links", user=editor
    )
    assert flag.text.startswith("The Astana") and flag.text.endswith("conflict.")
    assert (flag.state, flag.origin) == (State.CONFIRMED, "editor")
    assert (flag.created_by, flag.decided_by) == (editor, editor)
    assert [(r.history_type, r.history_user) for r in history_rows(flag)] == [("+", editor)]


def test_add_flag_keeps_whitespace_kinds_as_selected(seed, editor):
    at = seed.raw_text.index("\n\nThere are no comments.")
    flag = flagging.add_flag(
        article=seed, start=at, end=at + 2, kind="stray_whitespace", user=editor
    )
    assert flag.text == "\n\n"


def test_add_flag_on_a_suggested_span_confirms_it_instead_of_duplicating(seed, editor):
    suggestion = flag_of(seed, "dead_comments")
    flag = flagging.add_flag(
        article=seed, start=suggestion.start, end=suggestion.end, kind="dead_comments", user=editor
    )
    assert flag.pk == suggestion.pk
    assert (flag.state, flag.previous_state) == (State.CONFIRMED, State.SUGGESTED)
    assert seed.artifact_flags.filter(kind="dead_comments").count() == 1


@pytest.mark.parametrize(
    ("start", "end", "kind", "code"),
    [
        (0, 5, "not_a_kind", "invalid_kind"),
        (5, 5, "advert", "invalid_span"),
        (6, 2, "advert", "invalid_span"),
        (-1, 3, "advert", "invalid_span"),
        (0, 10_000, "advert", "invalid_span"),
        (64, 65, "advert", "blank_span"),  # the newline after the title
    ],
)
def test_add_flag_validates(seed, editor, start, end, kind, code):
    before = seed.artifact_flags.count()
    with pytest.raises(ValidationError) as error:
        flagging.add_flag(article=seed, start=start, end=end, kind=kind, user=editor)
    assert error.value.code == code
    assert seed.artifact_flags.count() == before


def _keys(article: Article) -> list[tuple[str, int, int]]:
    return sorted(article.artifact_flags.values_list("kind", "start", "end"))


def test_redetect_keeps_every_decision_and_refreshes_untouched_suggestions(seed, editor):
    confirmed = flagging.decide_flag(flag=flag_of(seed, "dateline"), user=editor, state="confirmed")
    dismissed = flagging.decide_flag(
        flag=flag_of(seed, "dead_comments"), user=editor, state="dismissed"
    )
    added = flagging.add_flag(article=seed, start=0, end=64, kind="navigation", user=editor)
    # An untouched suggestion with a stale reason, one the detector no longer makes,
    # and one the detector makes that was deleted.
    stale = flag_of(seed, "comment_form")
    ArtifactFlag.objects.filter(pk=stale.pk).update(reason="old reason", confidence=0.1)
    flagging.store_suggestions(article=seed, findings=[Finding(363, 370, kind="advert")])
    flag_of(seed, "photo_credit").delete()
    decisions = {
        f.pk: (f.state, f.decided_by_id, f.decided_at, f.kind, f.start, f.end)
        for f in (confirmed, dismissed, added)
    }

    result = flagging.redetect_flags(article=seed, user=editor)

    assert result == flagging.RedetectResult(added=1, removed=1, kept=6, decisions=3)
    for pk, before in decisions.items():
        f = ArtifactFlag.objects.get(pk=pk)
        assert (f.state, f.decided_by_id, f.decided_at, f.kind, f.start, f.end) == before
    keys = _keys(seed)
    assert len(keys) == len(set(keys)) == 10  # the 9 detected + the editor's, no duplicate
    assert not seed.artifact_flags.filter(kind="advert").exists()
    stale.refresh_from_db()
    assert (stale.reason, stale.confidence) != ("old reason", 0.1)
    assert flag_of(seed, "photo_credit").state == State.SUGGESTED
    # Every write has its history row: the advert's deletion, the stale one's refresh.
    assert ArtifactFlag.history.filter(history_type="-", kind="advert").count() == 1
    assert ArtifactFlag.history.filter(id=stale.pk, history_type="~").count() == 1

    again = flagging.redetect_flags(article=seed)
    assert again == flagging.RedetectResult(added=0, removed=0, kept=7, decisions=3)
    assert _keys(seed) == keys


def test_redetect_leaves_a_flag_undone_to_suggested_alone(seed, editor):
    flag = flag_of(seed, "dateline")
    flagging.decide_flag(flag=flag, user=editor, state="dismissed")
    flagging.undo_flag(flag=flag, user=editor)
    result = flagging.redetect_flags(article=seed)
    assert result.decisions == 1
    assert ArtifactFlag.objects.filter(pk=flag.pk).exists()
    assert seed.artifact_flags.filter(kind="dateline").count() == 1


def test_pending_and_untouched_querysets(seed, editor):
    flagging.decide_flag(flag=flag_of(seed, "dateline"), user=editor, state="confirmed")
    assert ArtifactFlag.objects.filter(article=seed).pending().count() == 8
    assert ArtifactFlag.objects.filter(article=seed).untouched().count() == 8
    assert ArtifactFlag.objects.filter(article=seed).decided().count() == 1
    assert ArtifactFlag.objects.filter(article=seed).confirmed().count() == 1


def test_sentences_inside_confirmed_artifacts_are_left_out(seed, editor):
    for kind in ("dateline", "image_caption", "photo_credit", "dead_comments"):
        flagging.decide_flag(flag=flag_of(seed, kind), user=editor, state="confirmed")
    # A suggestion or a dismissed flag does not exclude anything.
    flagging.decide_flag(flag=flag_of(seed, "comment_form"), user=editor, state="dismissed")
    sentences = Sentence.objects.filter(article=seed)
    confirmed = list(seed.artifact_flags.confirmed().values_list("start", "end"))
    expected_inside = {
        s.pk
        for s in sentences
        if any(start <= s.start and s.end <= end for start, end in confirmed)
    }
    assert len(expected_inside) >= 4
    outside = flagging.sentences_outside_confirmed_artifacts(sentences)
    assert (
        set(outside.values_list("pk", flat=True))
        == set(sentences.values_list("pk", flat=True)) - expected_inside
    )
    annotated = sentences.annotate(inside=flagging.inside_confirmed_artifact())
    assert {s.pk for s in annotated if s.inside} == expected_inside


def test_inside_confirmed_artifact_through_a_relation(seed, editor):
    from annotations.models import FactCheck

    flagging.decide_flag(flag=flag_of(seed, "dateline"), user=editor, state="confirmed")
    for sentence in seed.sentences.all()[:3]:
        FactCheck.objects.create(sentence=sentence, article=seed)
    inside = FactCheck.objects.filter(flagging.inside_confirmed_artifact("sentence__"))
    assert [fc.sentence.start for fc in inside] == [flag_of(seed, "dateline").start]


def test_article_clean_text_leaves_confirmed_artifacts_out(seed, editor):
    for flag in seed.artifact_flags.exclude(kind="dateline"):
        flagging.decide_flag(flag=flag, user=editor, state="confirmed")
    flagging.decide_flag(flag=flag_of(seed, "dateline"), user=editor, state="dismissed")
    clean = flagging.article_clean_text(seed)
    lines = clean.split("\n")
    assert lines[0] == seed.title
    assert lines[1] == "February 04 2020 02:32 PM"  # dismissed: stays
    assert lines[2] == ""  # the blank line between caption and body stays, once
    assert lines[3].startswith("Turkish Foreign Minister Mevlut Cavusoglu said")
    assert "AFP/" not in clean and "comment" not in clean.lower()
    assert NBSP not in clean
    assert clean.endswith("Syria's conflict.")


def test_flag_panel_groups_by_kind_in_text_order(seed, editor):
    flagging.decide_flag(flag=flag_of(seed, "stray_whitespace"), user=editor, state="confirmed")
    panel = flagging.panel_flags(seed)
    assert [f.start for f in panel] == sorted(f.start for f in panel)
    groups = {g.kind: g for g in panel.groups}
    ws = groups["stray_whitespace"]
    assert (len(ws.flags), ws.pending, ws.confirmed, ws.dismissed) == (3, 2, 1, 0)
    assert [f.shown_text for f in ws.flags] == ["[NBSP]"] * 3
    assert panel.pending_count == 8
    assert [g.kind for g in panel.groups] == [
        "dateline",
        "truncated_duplicate",
        "image_caption",
        "photo_credit",
        "stray_whitespace",
        "dead_comments",
        "comment_form",
    ]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\u00a0", "[NBSP]"),
        ("\n\n \t", "[newline x2] [space] [tab]"),
        ("\u2009", "[THIN SPACE]"),
        ("x" * 200, "x" * 159 + "…"),
        ("short", "short"),
    ],
)
def test_shown_text(text, shown):
    assert flagging.shown_text(text) == shown


@pytest.mark.parametrize("rng_seed", range(6))
def test_random_decisions_survive_redetection_with_one_history_row_per_write(
    seed, editor, rng_seed
):
    """Any mix of decisions, bulk decisions, undos and additions, then re-detection:
    every decided flag keeps its state, no (kind, span) is doubled, and the history
    holds exactly one row per row written."""
    rng = random.Random(rng_seed)
    writes = ArtifactFlag.history.count()
    for _ in range(25):
        flags = list(seed.artifact_flags.all())
        flag = rng.choice(flags)
        action = rng.choice(["confirm", "dismiss", "undo", "bulk", "add"])
        if action in ("confirm", "dismiss"):
            state = "confirmed" if action == "confirm" else "dismissed"
            writes += flag.state != state
            flagging.decide_flag(flag=flag, user=editor, state=state)
        elif action == "undo":
            if flag.previous_state:
                flagging.undo_flag(flag=flag, user=editor)
                writes += 1
        elif action == "bulk":
            writes += flagging.decide_kind(
                article=seed, kind=flag.kind, user=editor, state=rng.choice(flagging.DECISIONS)
            )
        else:
            start = rng.randrange(0, len(seed.raw_text) - 20)
            kind = rng.choice(["advert", flag.kind])
            states = {f.pk: f.state for f in flags}
            try:
                added = flagging.add_flag(
                    article=seed,
                    start=start,
                    end=start + rng.randint(1, 20),
                    kind=kind,
                    user=editor,
                )
            except ValidationError:  # whitespace only, or over a decided flag of the kind
                continue
            merged = len(flags) + (added.pk not in states) - seed.artifact_flags.count()
            writes += (states.get(added.pk) != "confirmed") + merged  # + a row per merged
        assert ArtifactFlag.history.count() == writes
    decided = {
        f.pk: (f.kind, f.start, f.end, f.state, f.decided_at) for f in seed.artifact_flags.decided()
    }
    result = flagging.redetect_flags(article=seed, user=editor)
    after = {
        f.pk: (f.kind, f.start, f.end, f.state, f.decided_at) for f in seed.artifact_flags.decided()
    }
    assert after == decided
    keys = _keys(seed)
    assert len(keys) == len(set(keys))
    # The detector's nine spans are all there again, decided or suggested.
    detected = {(f.kind, f.start, f.end) for f in flagging.detect_findings(seed)}
    assert detected <= set(keys)
    writes += result.added + result.removed
    assert ArtifactFlag.history.count() == writes  # no reason changed: nothing refreshed


def test_store_suggestions_many_stores_every_article_with_its_importer_in_history():
    from tests.factories import UserFactory

    first_user, second_user = UserFactory(), UserFactory()
    first = imported_article("First title\n\nA plain body sentence.", user=first_user)
    second = imported_article("Second title\n\nAnother plain body sentence.", user=second_user)
    before = ArtifactFlag.objects.count()
    flags = flagging.store_suggestions_many(
        [
            (first, [Finding(0, 5, kind="separator", reason="r")] * 2),
            (second, [Finding(0, 6, kind="separator"), Finding(7, 12, kind="advert")]),
        ]
    )
    assert len(flags) == 3 and all(flag.pk for flag in flags)
    assert ArtifactFlag.objects.count() == before + 3
    assert first.artifact_flags.filter(kind="separator", start=0, end=5).count() == 1
    for flag in flags:
        [row] = history_rows(flag)
        assert row.history_type == "+"
        assert row.history_user == flag.article.imported_by
    assert {flag.article.imported_by for flag in flags} == {first_user, second_user}


def test_store_suggestions_many_writes_nothing_when_one_finding_is_bad():
    first = imported("First title\n\nA plain body sentence.")
    second = imported("Second title\n\nAnother plain body sentence.")
    before = ArtifactFlag.objects.count(), ArtifactFlag.history.count()
    with pytest.raises(ValueError, match="outside"):
        flagging.store_suggestions_many(
            [
                (first, [Finding(0, 5, kind="separator")]),
                (second, [Finding(5, 10_000, kind="separator")]),
            ]
        )
    assert (ArtifactFlag.objects.count(), ArtifactFlag.history.count()) == before
