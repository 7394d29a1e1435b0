"""An article with every kind of editorial work on it, for the export tests."""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone

from annotations import review, services
from annotations.models import ArtifactFlag
from newsroom.models import Article, Sentence
from tests.factories import imported_article

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_cfff4d70fc50ad02.txt"


def sentences_of(article: Article) -> list[Sentence]:
    return list(Sentence.objects.filter(article=article).select_related("article"))


def worked_article(editor, checker, *, approve: bool = True) -> Article:
    """The seed article (real blocks, sentences and suggested flags) with a false sentence
    carrying a claim, evidence, verdict, note and an assignee, an accurate sentence, one
    sentence changed twice (history), a confirmed and a dismissed flag, an editor's flag,
    and the workflow moved to in review (and approved over the guard unless told not to)."""
    article = imported_article(SEED.read_text(encoding="utf-8"), url="https://news.example/a")
    first, second, third = sentences_of(article)[3:6]
    check = services.set_status(sentence=first, status="false", user=checker, expected_version=0)
    check = services.assign_sentence(
        sentence=first, assignee=checker, user=checker, expected_version=check.version
    )
    services.save_verdict(
        sentence=first,
        verdict="No: the ministry said six, not seven.",
        note="Called the ministry; =1+1 is not a formula.",
        user=checker,
        expected_version=check.version,
    )
    services.add_claim(sentence=first, user=checker, claimant="Cavusoglu")
    services.add_evidence(
        sentence=first,
        url="https://ministry.example/statement",
        title="Statement ‮ of the ministry",
        stance="refutes",
        user=checker,
    )
    services.set_status(sentence=second, status="accurate", user=checker, expected_version=0)
    services.add_claim(
        sentence=second, user=checker, start=second.start, end=second.start + 10, claimant=""
    )
    check = services.set_status(sentence=third, status="to_check", user=checker, expected_version=0)
    services.set_status(
        sentence=third, status="opinion", user=editor, expected_version=check.version
    )
    flags = list(ArtifactFlag.objects.filter(article=article).order_by("start"))
    for flag, state in zip(flags[:2], ("confirmed", "dismissed"), strict=False):
        flag.previous_state, flag.state = flag.state, state
        flag.decided_by, flag.decided_at = editor, timezone.now()
        flag._history_user = editor
        flag.save()
    ArtifactFlag.objects.create(
        article=article,
        kind="advert",
        start=first.start,
        end=first.start + 5,
        state="confirmed",
        origin="editor",
        created_by=editor,
        decided_by=editor,
        decided_at=timezone.now(),
    )
    review.send_to_review(article=article, user=checker)
    if approve:
        approve_article(article, editor)
    return article


def approve_article(article: Article, editor) -> None:
    """Approve ``article`` (in review) over the guard: some sentences stay unchecked."""
    review.approve(article=article, user=editor, override_reason="Checked what matters.")
