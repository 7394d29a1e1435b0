"""Fact-check write services: versions, history rows, claims, evidence, undo."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from annotations import services
from annotations.models import Claim, Evidence, FactCheck
from newsroom.models import Sentence
from tests.factories import article_with_sentences, imported_article

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_cfff4d70fc50ad02.txt"
SEVEN = "Seven Turkish soldiers and one civilian died"


@pytest.fixture
def sentence():
    return article_with_sentences(3).sentence_list[1]


@pytest.fixture
def seven():
    article = imported_article(SEED.read_text(encoding="utf-8"))
    return next(
        s
        for s in Sentence.objects.filter(article=article).select_related("article")
        if s.text.startswith(SEVEN)
    )


def test_first_status_creates_fact_check_at_version_1(sentence, fact_checker):
    fc = services.set_status(
        sentence=sentence, status="to_check", user=fact_checker, expected_version=0
    )
    assert (fc.status, fc.version, fc.updated_by) == ("to_check", 1, fact_checker)
    record = fc.history.get()
    assert record.history_user == fact_checker and record.status == "to_check"


def test_every_write_increments_version_and_adds_one_history_row(sentence, fact_checker):
    for version, status in enumerate(["to_check", "in_progress", "false"]):
        services.set_status(
            sentence=sentence, status=status, user=fact_checker, expected_version=version
        )
    services.save_verdict(
        sentence=sentence, verdict="Wrong", note="n", user=fact_checker, expected_version=3
    )
    fc = FactCheck.objects.get(sentence=sentence)
    assert (fc.version, fc.status, fc.verdict) == (4, "false", "Wrong")
    assert fc.history.count() == 4


def test_stale_version_is_refused_and_changes_nothing(sentence, fact_checker, editor):
    services.set_status(sentence=sentence, status="to_check", user=editor, expected_version=0)
    with pytest.raises(services.StaleVersion) as caught:
        services.set_status(
            sentence=sentence, status="accurate", user=fact_checker, expected_version=0
        )
    assert caught.value.current.updated_by == editor
    fc = FactCheck.objects.get(sentence=sentence)
    assert (fc.status, fc.version, fc.history.count()) == ("to_check", 1, 1)


def test_unknown_status_is_rejected(sentence, fact_checker):
    with pytest.raises(ValidationError):
        services.set_status(
            sentence=sentence, status="bogus", user=fact_checker, expected_version=0
        )
    assert not FactCheck.objects.exists()


def test_fact_checker_assigns_only_themselves(sentence, fact_checker, editor):
    fc = services.assign_sentence(
        sentence=sentence, assignee=fact_checker, user=fact_checker, expected_version=0
    )
    assert fc.assignee == fact_checker
    with pytest.raises(PermissionDenied):
        services.assign_sentence(
            sentence=sentence, assignee=editor, user=fact_checker, expected_version=1
        )
    fc = services.assign_sentence(
        sentence=sentence, assignee=editor, user=editor, expected_version=1
    )
    assert fc.assignee == editor
    with pytest.raises(PermissionDenied):  # nor takes it away from someone else
        services.assign_sentence(
            sentence=sentence, assignee=None, user=fact_checker, expected_version=2
        )
    assert FactCheck.objects.get().assignee == editor


def test_claim_on_whole_sentence_stores_quote_context_and_suggested_claimant(seven, fact_checker):
    claim = services.add_claim(sentence=seven, user=fact_checker, claim_type="statistic")
    text = seven.article.raw_text
    assert claim.quote == seven.text
    assert (claim.start, claim.end) == (seven.start, seven.end)
    assert claim.prefix == text[seven.start - 32 : seven.start] and len(claim.prefix) == 32
    assert claim.suffix == text[seven.end : seven.end + 32] and len(claim.suffix) == 32
    assert claim.claimant == "Cavusoglu"
    assert claim.history.get().history_user == fact_checker


def test_claim_span_is_trimmed_and_must_lie_inside_the_sentence(seven, fact_checker):
    start = seven.start
    claim = services.add_claim(
        sentence=seven, user=fact_checker, start=start, end=start + 6, claimant="X"
    )
    assert claim.quote == "Seven" and claim.end == start + 5
    for bad in [(start - 1, start + 5), (start, seven.end + 1), (start + 5, start + 6)]:
        with pytest.raises(ValidationError):
            services.add_claim(sentence=seven, user=fact_checker, start=bad[0], end=bad[1])
    assert Claim.objects.count() == 1


def test_edit_claim_checks_the_claim_version(seven, fact_checker, editor):
    claim = services.add_claim(sentence=seven, user=fact_checker)
    services.edit_claim(
        claim=claim, claimant="Akar", claim_type="quote", note="", user=editor, expected_version=1
    )
    with pytest.raises(services.StaleVersion):
        services.edit_claim(
            claim=claim,
            claimant="Other",
            claim_type="quote",
            note="",
            user=fact_checker,
            expected_version=1,
        )
    claim.refresh_from_db()
    assert (claim.claimant, claim.version, claim.history.count()) == ("Akar", 2, 2)


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.com/x", "data:text/html,<script>", "example"]
)
def test_evidence_accepts_only_http_and_https(sentence, fact_checker, url):
    with pytest.raises(ValidationError):
        services.add_evidence(sentence=sentence, url=url, user=fact_checker)
    assert not Evidence.objects.exists()


def test_evidence_creates_the_fact_check_when_missing(sentence, fact_checker):
    ev = services.add_evidence(
        sentence=sentence, url="https://example.org/report", user=fact_checker, stance="refutes"
    )
    assert ev.fact_check.sentence == sentence and ev.fact_check.status == "unchecked"
    assert ev.history.get().history_user == fact_checker


def test_undo_reverts_the_users_last_change_in_history(sentence, fact_checker):
    services.set_status(sentence=sentence, status="to_check", user=fact_checker, expected_version=0)
    services.set_status(sentence=sentence, status="false", user=fact_checker, expected_version=1)
    services.undo_last_change(sentence=sentence, user=fact_checker, expected_version=2)
    fc = FactCheck.objects.get()
    assert (fc.status, fc.version) == ("to_check", 3)
    assert fc.history.first().history_change_reason.startswith("undo:")
    services.undo_last_change(sentence=sentence, user=fact_checker, expected_version=3)
    assert FactCheck.objects.get().status == "unchecked"
    with pytest.raises(services.NothingToUndo):
        services.undo_last_change(sentence=sentence, user=fact_checker, expected_version=4)
    assert FactCheck.objects.get().history.count() == 4


def test_undo_keeps_other_peoples_later_changes(sentence, fact_checker, editor):
    services.set_status(sentence=sentence, status="false", user=fact_checker, expected_version=0)
    services.save_verdict(
        sentence=sentence, verdict="Editor's note", note="", user=editor, expected_version=1
    )
    services.undo_last_change(sentence=sentence, user=fact_checker, expected_version=2)
    fc = FactCheck.objects.get()
    assert (fc.status, fc.verdict) == ("unchecked", "Editor's note")
    with pytest.raises(services.StaleVersion):
        services.undo_last_change(sentence=sentence, user=editor, expected_version=2)


def test_undo_removes_an_added_claim_and_evidence(sentence, fact_checker):
    claim = services.add_claim(sentence=sentence, user=fact_checker)
    services.add_evidence(sentence=sentence, url="https://example.org", user=fact_checker)
    fc = FactCheck.objects.get()
    services.undo_last_change(sentence=sentence, user=fact_checker, expected_version=fc.version)
    assert not Evidence.objects.exists() and Claim.objects.filter(pk=claim.pk).exists()
    services.undo_last_change(sentence=sentence, user=fact_checker, expected_version=fc.version)
    assert not Claim.objects.exists()
    assert Claim.history.filter(id=claim.pk, history_type="-").get().history_user == fact_checker


def test_undo_restores_an_edited_claim(sentence, fact_checker):
    claim = services.add_claim(sentence=sentence, user=fact_checker, claimant="A")
    services.edit_claim(
        claim=claim,
        claimant="B",
        claim_type="quote",
        note="",
        user=fact_checker,
        expected_version=1,
    )
    services.undo_last_change(sentence=sentence, user=fact_checker, expected_version=0)
    claim.refresh_from_db()
    assert (claim.claimant, claim.claim_type, claim.version) == ("A", "other", 3)
