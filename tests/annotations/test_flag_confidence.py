"""The detector's confidence, where editors use it: bulk decisions, the admin, per source."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from annotations import flagging
from annotations.models import ArtifactFlag
from tests.factories import ArticleFactory, SourceFactory, imported_article

pytestmark = pytest.mark.django_db


def flag(article, start: int, confidence: float, kind: str = "advert", **fields) -> ArtifactFlag:
    return ArtifactFlag.objects.create(
        article=article, kind=kind, start=start, end=start + 3, confidence=confidence, **fields
    )


@override_settings(NEWSROOM_CONFIDENT_FLAG=0.8)
def test_confirm_all_of_a_kind_can_be_limited_to_confident_suggestions(editor) -> None:
    article = ArticleFactory(raw_text="0123456789" * 3)
    sure, borderline, unsure = flag(article, 0, 0.95), flag(article, 5, 0.8), flag(article, 10, 0.4)
    changed = flagging.decide_kind(
        article=article, kind="advert", user=editor, state="confirmed", confident_only=True
    )
    assert changed == 2
    states = {f.pk: f.state for f in ArtifactFlag.objects.all()}
    assert states == {sure.pk: "confirmed", borderline.pk: "confirmed", unsure.pk: "suggested"}
    assert flagging.decide_kind(article=article, kind="advert", user=editor, state="dismissed") == 1


@override_settings(NEWSROOM_CONFIDENT_FLAG=0.8)
def test_the_flag_admin_filters_by_confidence(administrator_client) -> None:
    article = ArticleFactory(raw_text="0123456789" * 3)
    flag(article, 0, 0.95, kind="advert")
    flag(article, 10, 0.3, kind="navigation")
    url = reverse("admin:annotations_artifactflag_changelist")
    unsure = administrator_client.get(url, {"confidence": "unsure"})
    confident = administrator_client.get(url, {"confidence": "confident"})
    assert unsure.status_code == confident.status_code == 200
    assert "Unsure (&lt; 80%)" in unsure.content.decode()
    assert [f.kind for f in unsure.context["cl"].result_list] == ["navigation"]
    assert [f.kind for f in confident.context["cl"].result_list] == ["advert"]


def test_the_admin_shows_per_source_how_editors_received_suggestions(
    administrator_client, django_assert_max_num_queries
) -> None:
    wire, blog = SourceFactory(name="Wire"), SourceFactory(name="Blog")
    for source, states in ((wire, ["confirmed", "confirmed", "dismissed"]), (blog, ["dismissed"])):
        article = ArticleFactory(source=source, raw_text="x" * 40)
        for i, state in enumerate(states):
            flag(article, i * 4, 0.9, state=state)
        flag(article, 30, 1.0, origin="editor", state="confirmed")
    url = reverse("admin:annotations_sourcefeedback_changelist")
    with django_assert_max_num_queries(12):
        response = administrator_client.get(url)
    assert response.status_code == 200
    rows = {s.name: s for s in response.context["cl"].result_list}
    assert (rows["Wire"].confirmed, rows["Wire"].dismissed, rows["Wire"].editor_made) == (2, 1, 1)
    assert (rows["Blog"].confirmed, rows["Blog"].dismissed) == (0, 1)
    assert "67%" in response.content.decode()


def test_per_source_feedback_is_read_only_and_for_staff(administrator_client, checker_client):
    source = SourceFactory(name="Wire")
    change = reverse("admin:annotations_sourcefeedback_change", args=[source.pk])
    assert administrator_client.post(change, {"name": "Renamed"}).status_code == 403
    listing = reverse("admin:annotations_sourcefeedback_changelist")
    assert checker_client.get(listing).status_code in (302, 403)


@override_settings(NEWSROOM_CONFIDENT_FLAG=0.8)
def test_the_article_page_shows_unsure_suggestions_apart_and_offers_confident_only(
    editor_client,
) -> None:
    article = imported_article(
        "Harbour plan approved\n\nThe council approved the plan on Tuesday. It will cost a lot."
        " Opponents said they would fight it.\n"
    )
    article.artifact_flags.all().delete()
    sure = flag(article, 10, 0.95)
    unsure = flag(article, 30, 0.42)
    page = editor_client.get(reverse("annotations:article-detail", args=[article.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("flag-unsure") >= 1 and "unsure: confidence 42%" in html
    assert f'id="flag-{unsure.pk}" class="flag-item flag-item-suggested flag-item-unsure' in html
    assert f'id="flag-{sure.pk}" class="flag-item flag-item-suggested border-start' in html
    assert "Confirm the 1 confident" in html
    response = editor_client.post(
        reverse("annotations:flag-decide-kind", args=[article.pk]),
        {"kind": "advert", "state": "confirmed", "confident_only": "1"},
    )
    assert response.status_code in (200, 302)
    sure.refresh_from_db()
    unsure.refresh_from_db()
    assert (sure.state, unsure.state) == ("confirmed", "suggested")
