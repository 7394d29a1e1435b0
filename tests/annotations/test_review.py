"""The review workflow services and their POST endpoint."""

from __future__ import annotations

import pytest
from django.urls import reverse

from annotations import review
from annotations.models import ArticleReview, FactCheck
from tests.factories import ArtifactFlagFactory, FactCheckFactory, article_with_sentences

pytestmark = pytest.mark.django_db

S = FactCheck.Status
State = ArticleReview.State


def checked_article(status=S.ACCURATE, n=2):
    article = article_with_sentences(n)
    for sentence in article.sentence_list:
        FactCheckFactory(sentence=sentence, status=status)
    return article


def state_of(article):
    return ArticleReview.objects.get(article=article).state


def test_full_workflow_records_who_and_reason(fact_checker, editor):
    article = checked_article()

    review.send_to_review(article=article, user=fact_checker)
    review.request_changes(article=article, user=editor, reason="Check the second claim again")
    review.send_to_review(article=article, user=fact_checker)
    row = review.approve(article=article, user=editor)

    assert row.state == State.APPROVED
    assert row.changed_by == editor
    assert row.override_reason == ""
    history = list(row.history.order_by("history_date", "history_id"))
    assert [h.state for h in history] == [
        "in_review",
        "changes_requested",
        "in_review",
        "approved",
    ]
    assert history[1].history_change_reason == "Check the second claim again"
    assert history[1].history_user == editor
    assert history[0].history_user == fact_checker
    assert history[3].history_user == editor


def test_fact_checker_cannot_approve_or_request_changes(fact_checker):
    article = checked_article()
    review.send_to_review(article=article, user=fact_checker)

    with pytest.raises(review.ReviewRefused, match="not allowed to approve"):
        review.approve(article=article, user=fact_checker)
    with pytest.raises(review.ReviewRefused, match="not allowed to request changes"):
        review.request_changes(article=article, user=fact_checker)
    assert state_of(article) == State.IN_REVIEW


def test_viewer_cannot_send_to_review(viewer):
    article = checked_article()
    with pytest.raises(review.ReviewRefused):
        review.send_to_review(article=article, user=viewer)
    assert not ArticleReview.objects.filter(article=article).exists()


def test_transitions_from_the_wrong_state_are_refused(editor):
    article = checked_article()
    with pytest.raises(review.ReviewRefused, match="Cannot approve an article that is new"):
        review.approve(article=article, user=editor)
    review.send_to_review(article=article, user=editor)
    with pytest.raises(review.ReviewRefused, match="in review"):
        review.send_to_review(article=article, user=editor)


def test_guard_refuses_open_sentences_and_pending_flags(editor):
    article = article_with_sentences(4)
    s = article.sentence_list
    FactCheckFactory(sentence=s[0], status=S.IN_PROGRESS)
    FactCheckFactory(sentence=s[1], status=S.FALSE)
    FactCheckFactory(sentence=s[2], status=S.ACCURATE)
    # s[3] has no FactCheck row: unchecked.
    ArtifactFlagFactory(article=article, start=0, end=3, kind="dateline")
    review.send_to_review(article=article, user=editor)

    with pytest.raises(review.ReviewRefused) as refused:
        review.approve(article=article, user=editor)

    assert refused.value.reasons == [
        "2 sentences are still open (1 unchecked, 1 in progress)",
        "1 artifact flag is still pending",
    ]
    assert state_of(article) == State.IN_REVIEW


def test_sentences_inside_confirmed_artifacts_do_not_block_approval(editor):
    article = article_with_sentences(2)
    s0, s1 = article.sentence_list
    FactCheckFactory(sentence=s0, status=S.ACCURATE)
    ArtifactFlagFactory(article=article, start=s1.start, end=s1.end, state="confirmed")
    review.send_to_review(article=article, user=editor)

    assert review.approve(article=article, user=editor).state == State.APPROVED


def test_override_with_reason_is_recorded(editor):
    article = article_with_sentences(3)
    review.send_to_review(article=article, user=editor)

    row = review.approve(article=article, user=editor, override_reason="  Wire copy, trusted.  ")

    assert row.state == State.APPROVED
    assert row.override_reason == "Wire copy, trusted."
    last = row.history.latest()
    assert last.override_reason == "Wire copy, trusted."
    assert last.history_change_reason.startswith("Approved over the guard (3 sentences")
    assert last.history_change_reason.endswith(": Wire copy, trusted.")


def test_blank_override_reason_does_not_override(editor):
    article = article_with_sentences(1)
    review.send_to_review(article=article, user=editor)
    with pytest.raises(review.ReviewRefused):
        review.approve(article=article, user=editor, override_reason="   ")


def test_override_needs_the_override_permission(make_user):
    from django.contrib.auth.models import Permission

    approver = make_user(None, "approver")
    approver.user_permissions.add(
        *Permission.objects.filter(codename__in=["approve_article", "change_articlereview"])
    )
    article = article_with_sentences(1)
    review.send_to_review(article=article, user=approver)

    with pytest.raises(review.ReviewRefused, match="not allowed to override"):
        review.approve(article=article, user=approver, override_reason="Because")
    assert state_of(article) == State.IN_REVIEW


# --- The POST endpoint ------------------------------------------------------------------


def post(client, article, **data):
    return client.post(reverse("annotations:article-review", args=[article.pk]), data)


def test_endpoint_runs_each_action_for_allowed_roles(checker_client, editor_client):
    article = checked_article()

    response = post(checker_client, article, action="send", next="/?page=2")
    assert response.status_code == 302
    assert response["Location"] == "/?page=2"
    assert state_of(article) == State.IN_REVIEW

    assert post(editor_client, article, action="request_changes", reason="x").status_code == 302
    assert state_of(article) == State.CHANGES_REQUESTED
    post(checker_client, article, action="send")
    post(editor_client, article, action="approve")
    assert state_of(article) == State.APPROVED


def test_endpoint_forbids_what_a_role_may_not_do(viewer_client, checker_client):
    article = checked_article()
    assert post(viewer_client, article, action="send").status_code == 403
    assert not ArticleReview.objects.filter(article=article).exists()
    post(checker_client, article, action="send")
    assert post(checker_client, article, action="approve").status_code == 403
    assert post(checker_client, article, action="request_changes").status_code == 403
    assert state_of(article) == State.IN_REVIEW


def test_endpoint_reports_refusals_and_ignores_foreign_next(editor_client):
    article = article_with_sentences(2)
    post(editor_client, article, action="send")

    response = post(editor_client, article, action="approve", next="https://evil.example/")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert state_of(article) == State.IN_REVIEW
    page = editor_client.get("/")
    assert "2 sentences are still open" in page.content.decode()


def test_endpoint_override_from_the_page(editor_client):
    article = article_with_sentences(2)
    post(editor_client, article, action="send")
    post(editor_client, article, action="approve", override_reason="Reviewed by phone")
    row = ArticleReview.objects.get(article=article)
    assert row.state == State.APPROVED
    assert row.override_reason == "Reviewed by phone"


def test_endpoint_needs_post_and_a_known_action(editor_client):
    article = checked_article()
    url = reverse("annotations:article-review", args=[article.pk])
    assert editor_client.get(url).status_code == 405
    assert post(editor_client, article, action="delete").status_code == 400
    assert (
        editor_client.post(reverse("annotations:article-review", args=[999999])).status_code == 404
    )
