"""``manage.py detect_artifacts``: re-detection from the command line."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from annotations import flagging
from annotations.models import ArtifactFlag
from newsroom.text.spans import Finding
from tests.annotations.test_flagging import SEED, flag_of, imported

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("detect_artifacts", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def two_articles():
    text = SEED.read_text(encoding="utf-8")
    return imported(text), imported(text + "\nAnother closing line.")


def test_all_articles_when_none_given(two_articles, editor):
    first, second = two_articles
    flagging.decide_flag(flag=flag_of(first, "dateline"), user=editor, state="confirmed")
    flagging.decide_flag(flag=flag_of(second, "dead_comments"), user=editor, state="dismissed")
    flagging.add_flag(article=second, start=0, end=6, kind="navigation", user=editor)
    for article in two_articles:
        flagging.store_suggestions(article=article, findings=[Finding(363, 370, kind="advert")])
    flag_of(first, "photo_credit").delete()
    before = sorted(ArtifactFlag.objects.decided().values_list("pk", "state", "decided_at"))

    out = run()

    assert out.strip() == (
        "Re-ran detection on 2 articles: 1 suggestions added, 2 removed, 15 kept; "
        "3 editor decisions left untouched."
    )
    assert sorted(ArtifactFlag.objects.decided().values_list("pk", "state", "decided_at")) == before
    assert not ArtifactFlag.objects.filter(kind="advert").exists()
    assert first.artifact_flags.count() == 9 and second.artifact_flags.count() == 10
    keys = list(ArtifactFlag.objects.values_list("article", "kind", "start", "end"))
    assert len(keys) == len(set(keys))


def test_only_the_given_articles(two_articles):
    first, second = two_articles
    for article in two_articles:
        flagging.store_suggestions(article=article, findings=[Finding(363, 370, kind="advert")])
    out = run(str(second.pk))
    assert "on 1 article: 0 suggestions added, 1 removed, 9 kept; 0 editor decisions" in out
    assert first.artifact_flags.filter(kind="advert").exists()
    assert not second.artifact_flags.filter(kind="advert").exists()


def test_second_run_changes_nothing(two_articles):
    run()
    history = ArtifactFlag.history.count()
    assert "0 suggestions added, 0 removed, 18 kept" in run()
    assert ArtifactFlag.history.count() == history


def test_unknown_ids_are_an_error(two_articles):
    first, _ = two_articles
    with pytest.raises(CommandError, match="no article with id 9999"):
        run(str(first.pk), "9999")
    assert first.artifact_flags.count() == 9


def test_no_articles():
    assert run().strip().startswith("Re-ran detection on 0 articles: 0 suggestions added")
