"""Re-anchoring the desk's work on a new revision of an article (issue 13), real database."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from annotations.models import ArticleReview, ArtifactFlag, Claim, Evidence, FactCheck, Reanchor
from annotations.reanchor import REOPEN_REASON, discard_orphan, place_orphan
from newsroom.importing import Status, import_record
from newsroom.models import Article
from newsroom.readers import Record
from newsroom.text.anchoring import THRESHOLD, similarity
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "https://news.example/council-budget"
V1 = (
    "Council passes budget\n"
    "February 04 2020 02:32 PM\n"
    "The council chamber on Monday. Photo: Jane Doe/Agency\n"
    "\n\n"
    "The council approved the budget on Monday after a long debate.\n"
    "Spending on schools rises 5% next year, the mayor said.\n"
    "Opposition members voted against it. They called the plan reckless and unfunded.\n"
    "The vote was seven to four, with one abstention.\n"
)
# A corrected figure, an inserted paragraph, the caption gone, two paragraphs swapped.
V2 = (
    "Council passes budget\n"
    "February 04 2020 02:32 PM\n"
    "\n\n"
    "The council approved the budget on Monday after a long debate.\n"
    "The debate lasted more than six hours and ended after midnight.\n"
    "Spending on schools rises 7% next year, the mayor said.\n"
    "The vote was seven to four, with one abstention.\n"
    "Opposition members voted against it. They called the plan reckless and unfunded.\n"
)
CAPTION = "The council chamber on Monday. Photo: Jane Doe/Agency"


def imported(text: str, user=None):
    record = Record(origin="feed.txt", format="text", text=text, url=URL)
    return import_record(record, user=user)


def sentence_with(article: Article, words: str):
    return next(s for s in article.sentences.select_related("article") if words in s.text)


def fact_check(sentence, status: str, **fields) -> FactCheck:
    check = FactCheck(sentence=sentence, article_id=sentence.article_id, status=status, **fields)
    check.save()
    return check


def claim_on(sentence, quote: str) -> Claim:
    text = sentence.article.raw_text
    start = text.index(quote, sentence.start)
    claim = Claim(
        sentence=sentence,
        article_id=sentence.article_id,
        start=start,
        end=start + len(quote),
        quote=quote,
        prefix=text[max(0, start - 32) : start],
        suffix=text[start + len(quote) : start + len(quote) + 32],
    )
    claim.save()
    return claim


def editor_flag(article: Article, text: str, kind: str, state: str) -> ArtifactFlag:
    start = article.raw_text.index(text)
    flag = ArtifactFlag(
        article=article,
        kind=kind,
        start=start,
        end=start + len(text),
        state=state,
        origin=ArtifactFlag.Origin.EDITOR,
        reason="Flagged by an editor",
    )
    flag.save()
    return flag


@pytest.fixture
def desk():
    """V1 imported and worked on: verdicts, a claim per kind of move, decided flags."""
    checker = UserFactory(username="checker1")
    article = imported(V1).article
    checks = {
        "figure": fact_check(
            sentence_with(article, "rises 5%"), FactCheck.Status.FALSE, verdict="It is 7%."
        ),
        "approved": fact_check(sentence_with(article, "approved"), FactCheck.Status.ACCURATE),
        "reckless": fact_check(sentence_with(article, "reckless"), FactCheck.Status.OPINION),
        "vote": fact_check(
            sentence_with(article, "seven to four"),
            FactCheck.Status.IN_PROGRESS,
            assignee=checker,
        ),
    }
    Evidence(fact_check=checks["figure"], url="https://budget.example/table").save()
    claims = {
        "figure": claim_on(sentence_with(article, "rises 5%"), "rises 5% next year"),
        "reckless": claim_on(sentence_with(article, "reckless"), "reckless and unfunded"),
    }
    flags = {
        "caption": editor_flag(article, CAPTION, "image_caption", ArtifactFlag.State.CONFIRMED),
        "vote": editor_flag(
            article, "with one abstention", "truncated_text", ArtifactFlag.State.DISMISSED
        ),
    }
    ArticleReview(article=article, state=ArticleReview.State.APPROVED).save()
    return article, checks, claims, flags, checker


def test_edited_revision_keeps_every_status_claim_and_decided_flag_on_the_right_sentence(desk):
    article, checks, claims, flags, checker = desk
    importer = UserFactory(username="importer")
    result = imported(V2, user=importer)
    assert result.status == Status.REVISED
    article.refresh_from_db()
    text = article.raw_text
    assert text == V2

    def on(check: FactCheck) -> str:
        check.refresh_from_db()
        return text[check.sentence.start : check.sentence.end]

    assert on(checks["approved"]).startswith("The council approved")
    assert checks["approved"].status == FactCheck.Status.ACCURATE
    assert on(checks["reckless"]) == "They called the plan reckless and unfunded."
    assert checks["reckless"].status == FactCheck.Status.OPINION
    assert on(checks["vote"]).startswith("The vote was seven to four")
    assert (checks["vote"].status, checks["vote"].assignee) == (
        FactCheck.Status.IN_PROGRESS,
        checker,
    )
    # The corrected figure: same sentence, verdict back as "needs re-check".
    assert on(checks["figure"]) == "Spending on schools rises 7% next year, the mayor said."
    assert checks["figure"].status == FactCheck.Status.TO_CHECK
    assert checks["figure"].verdict == "It is 7%."
    assert checks["figure"].evidence.count() == 1
    latest, before = checks["figure"].history.order_by("-history_id")[:2]
    assert before.status == FactCheck.Status.FALSE  # the old verdict, kept in history
    assert latest.history_change_reason.startswith("needs re-check: sentence changed")
    assert latest.history_user == importer

    for claim in claims.values():
        claim.refresh_from_db()
        assert text[claim.start : claim.end] == claim.quote
        assert claim.sentence.start <= claim.start < claim.end <= claim.sentence.end
    assert claims["figure"].quote == "rises 7% next year"
    assert claims["figure"].sentence_id == checks["figure"].sentence_id
    assert claims["reckless"].quote == "reckless and unfunded"
    assert claims["reckless"].sentence_id == checks["reckless"].sentence_id

    flags["vote"].refresh_from_db()
    assert text[flags["vote"].start : flags["vote"].end] == "with one abstention"
    assert flags["vote"].state == ArtifactFlag.State.DISMISSED
    # The caption is gone from the text: its flag is an orphan, not silently dropped.
    assert not ArtifactFlag.objects.filter(pk=flags["caption"].pk).exists()
    [orphan] = Reanchor.objects.orphans()
    assert (orphan.kind, orphan.item_id, orphan.old_text) == ("flag", flags["caption"].pk, CAPTION)

    rows = {(r.kind, r.item_id): r for r in Reanchor.objects.filter(article=article)}
    assert len(rows) == 8 and {r.revision for r in rows.values()} == {2}
    for row in rows.values():  # every placed item's offsets hold its text in the new revision
        if row.method != "lost":
            assert text[row.new_start : row.new_end] == row.new_text
            assert similarity(row.old_text, row.new_text) >= THRESHOLD
    figure = rows[("fact_check", checks["figure"].pk)]
    assert (figure.method, figure.needs_recheck, figure.previous_status) == ("fuzzy", True, "false")
    assert THRESHOLD <= figure.score < 100
    assert rows[("fact_check", checks["approved"].pk)].method == "exact"
    assert rows[("claim", claims["figure"].pk)].method == "fuzzy"
    assert rows[("claim", claims["reckless"].pk)].method == "exact"

    # Moving is a history row of its own: who imported, from which revision.
    moved = checks["reckless"].history.latest()
    assert moved.history_user == importer
    assert moved.history_change_reason == "revision 2: moved from revision 1 (exact)"
    assert (
        claims["figure"]
        .history.latest()
        .history_change_reason.startswith("revision 2: moved from revision 1 (fuzzy ")
    )
    # The approved article is back in review, and says why.
    review = ArticleReview.objects.get(article=article)
    assert review.state == ArticleReview.State.IN_REVIEW
    assert review.history.latest().history_change_reason == REOPEN_REASON


def test_suggestions_are_recomputed_and_decisions_carried_over(desk):
    article, *_ = desk
    imported(V2)
    flags = list(ArtifactFlag.objects.filter(article=article))
    text = Article.objects.get(pk=article.pk).raw_text
    for flag in flags:
        assert 0 <= flag.start < flag.end <= len(text)
    dateline = text.index("February")
    suggested = [f for f in flags if f.origin == ArtifactFlag.Origin.DETECTOR]
    assert any(f.kind == "dateline" and f.start == dateline for f in suggested)
    assert not any(CAPTION in text[f.start : f.end] for f in flags)


def test_an_orphan_is_placed_by_hand_with_its_id_and_history(desk):
    article, _checks, _claims, flags, _ = desk
    editor = UserFactory(username="editor1")
    imported(V2)
    orphan = Reanchor.objects.orphans().get()
    placed = place_orphan(reanchor=orphan, user=editor, text="February 04 2020")
    assert (placed.state, placed.resolved_by) == (Reanchor.State.PLACED, editor)
    flag = ArtifactFlag.objects.get(pk=flags["caption"].pk)
    assert (flag.state, flag.kind) == (ArtifactFlag.State.CONFIRMED, "image_caption")
    assert article.raw_text != flag.article.raw_text  # the current text now
    assert flag.article.raw_text[flag.start : flag.end] == "February 04 2020"
    types = list(flag.history.order_by("history_id").values_list("history_type", flat=True))
    assert types == ["+", "-", "+"]
    assert not Reanchor.objects.orphans().exists()
    with pytest.raises(ValidationError) as refused:
        discard_orphan(reanchor=orphan, user=editor)
    assert refused.value.code == "not_orphan"


def test_a_rewritten_text_makes_orphans_never_wrong_anchors(desk):
    article, checks, claims, _flags, _ = desk
    rewritten = (
        "Council passes budget\n"
        "February 04 2020 02:32 PM\n"
        "\n\n"
        "Lawmakers signed off on next year's spending plan late on Monday night.\n"
        "Schools get more money, although critics dispute how much more.\n"
        "The minority bloc opposed the measure as a whole.\n"
    )
    imported(rewritten)
    article.refresh_from_db()
    orphans = Reanchor.objects.orphans()
    assert {(o.kind, o.item_id) for o in orphans} >= {
        ("fact_check", checks["figure"].pk),
        ("fact_check", checks["reckless"].pk),
        ("claim", claims["figure"].pk),
        ("claim", claims["reckless"].pk),
    }
    assert not Claim.objects.filter(article=article).exists()
    for row in Reanchor.objects.filter(article=article).exclude(method="lost"):
        placed = article.raw_text[row.new_start : row.new_end]
        assert similarity(row.old_text, placed) >= THRESHOLD
    # An orphaned fact check comes back with its evidence when placed; or is discarded.
    figure = orphans.get(kind="fact_check", item_id=checks["figure"].pk)
    assert figure.snapshot["evidence"]
    target = sentence_with(article, "Schools get more money")
    place_orphan(reanchor=figure, user=None, sentence=target)
    restored = FactCheck.objects.get(pk=checks["figure"].pk)
    assert (restored.sentence, restored.status) == (target, FactCheck.Status.FALSE)
    assert restored.evidence.get().url == "https://budget.example/table"
    claim = orphans.get(kind="claim", item_id=claims["reckless"].pk)
    with pytest.raises(ValidationError):
        place_orphan(reanchor=claim, user=None, sentence=target, text="not in it")
    assert discard_orphan(reanchor=claim, user=None).state == Reanchor.State.DISCARDED
