"""The article list at "/" and the dashboard, for every role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from annotations.models import ArticleReview, FactCheck
from tests.factories import (
    ArticleReviewFactory,
    ArtifactFlagFactory,
    SourceFactory,
    article_with_sentences,
)
from tests.factories import fact_check as check

pytestmark = pytest.mark.django_db

S = FactCheck.Status
State = ArticleReview.State
LIST = reverse("annotations:article-list")
DASHBOARD = reverse("annotations:dashboard")


def listed(response):
    return {a.pk for a in response.context["page"].object_list}


def test_list_is_the_site_root_and_needs_login(client):
    assert LIST == "/"
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "client_name", ["viewer_client", "checker_client", "editor_client", "administrator_client"]
)
def test_every_role_sees_the_list_and_dashboard(request, client_name):
    client = request.getfixturevalue(client_name)
    article = article_with_sentences(3, title="Visible article", source=SourceFactory(name="AFP"))
    check(article.sentence_list[0], S.FALSE)

    response = client.get(LIST)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Visible article" in html and "AFP" in html
    assert reverse("annotations:article-detail", args=[article.pk]) in html
    assert 'title="2 unchecked, 1 false"' in html
    assert client.get(DASHBOARD).status_code == 200


def test_list_columns_and_escaping(viewer_client):
    article_with_sentences(2, title="<script>alert(1)</script>")
    html = viewer_client.get(LIST).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_workflow_buttons_follow_permissions(viewer_client, checker_client, editor_client):
    article = article_with_sentences(1)
    review_url = reverse("annotations:article-review", args=[article.pk])
    assert review_url not in viewer_client.get(LIST).content.decode()
    assert 'value="send"' in checker_client.get(LIST).content.decode()
    ArticleReviewFactory(article=article)
    assert 'value="approve"' not in checker_client.get(LIST).content.decode()
    editor_html = editor_client.get(LIST).content.decode()
    assert 'value="approve"' in editor_html
    assert 'name="override_reason"' in editor_html  # the guard would refuse: offer override


def test_override_reason_is_shown_in_the_list(editor_client, editor):
    from annotations import review

    article = article_with_sentences(1)
    review.send_to_review(article=article, user=editor)
    review.approve(article=article, user=editor, override_reason="Agency <copy> is trusted")

    html = editor_client.get(LIST).content.decode()

    assert "Override: Agency &lt;copy&gt; is trusted" in html


def test_search_filters_and_pagination(checker_client, fact_checker):
    afp = SourceFactory(name="AFP")
    false = article_with_sentences(2, title="Ankara talks", source=afp)
    check(false.sentence_list[0], S.FALSE, assignee=fact_checker)
    check(false.sentence_list[1], S.ACCURATE)
    clean = article_with_sentences(1, title="Weather report", url="https://x.test/weather")
    check(clean.sentence_list[0], S.ACCURATE)
    ArticleReviewFactory(article=clean, state=State.APPROVED)
    open_ = article_with_sentences(1, title="Open one")

    def get(**params):
        return listed(checker_client.get(LIST, params))

    assert get(q="ankara") == {false.pk}
    assert get(q="afp") == {false.pk}
    assert get(q="x.test/weather") == {clean.pk}
    assert get(false="on") == {false.pk}
    assert get(unchecked="on") == {open_.pk}
    assert get(mine="on") == {false.pk}
    assert get(state="approved") == {clean.pk}
    assert get(state="new") == {false.pk, open_.pk}
    assert get(state="bogus") == {false.pk, clean.pk, open_.pk}  # invalid filter ignored

    for _ in range(25):
        article_with_sentences(1)
    first = checker_client.get(LIST)
    second = checker_client.get(LIST, {"page": 2})
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 3
    assert first.context["page"].paginator.count == 28


def test_my_queue_lists_open_assigned_sentences(checker_client, fact_checker, editor):
    article = article_with_sentences(4, title="Queue article")
    s = article.sentence_list
    check(s[0], S.TO_CHECK, assignee=fact_checker)
    check(s[1], S.ACCURATE, assignee=fact_checker)
    check(s[2], S.IN_PROGRESS, assignee=editor)
    check(s[3], S.UNCHECKED, assignee=fact_checker)
    ArtifactFlagFactory(article=article, start=s[3].start, end=s[3].end, state="confirmed")

    response = checker_client.get(LIST)

    queue = list(response.context["queue"])
    assert [item.sentence_id for item in queue] == [s[0].pk]
    assert queue[0].text == "Sentence 0 is here."
    html = response.content.decode()
    # ?s= makes the server open that sentence in the panel, #s- scrolls to it (issue 11.1)
    detail = reverse("annotations:article-detail", args=[article.pk])
    assert f"{detail}?s={s[0].pk}#s-{s[0].pk}" in html


def _populate(n, assignee):
    source = SourceFactory()
    for i in range(n):
        article = article_with_sentences(5, source=source)
        check(article.sentence_list[0], S.FALSE, assignee=assignee)
        check(article.sentence_list[1], S.IN_PROGRESS, assignee=assignee)
        ArtifactFlagFactory(article=article, start=0, end=3, kind="dateline")
        if i % 2:
            ArticleReviewFactory(article=article)


@pytest.mark.parametrize("n", [3, 30])
def test_list_query_count_is_constant(
    checker_client, fact_checker, n, django_assert_max_num_queries
):
    _populate(n, fact_checker)
    with django_assert_max_num_queries(9):
        response = checker_client.get(LIST, {"false": "on", "mine": "on"})
    assert len(response.context["page"].object_list) == min(n, 25)


@pytest.mark.parametrize("n", [3, 30])
@pytest.mark.parametrize("role", ["checker_client", "editor_client"])
def test_dashboard_query_count_is_constant(
    request, role, fact_checker, editor, n, django_assert_max_num_queries
):
    client = request.getfixturevalue(role)
    _populate(n, fact_checker if role == "checker_client" else editor)
    with django_assert_max_num_queries(9):
        response = client.get(DASHBOARD)
    assert response.status_code == 200


def test_dashboard_counts_states_and_waiting_for_me(checker_client, editor_client, fact_checker):
    mine = article_with_sentences(2, title="Mine to check")
    check(mine.sentence_list[0], S.TO_CHECK, assignee=fact_checker)
    in_review = article_with_sentences(1, title="Waiting for an editor")
    ArticleReviewFactory(article=in_review)
    approved = article_with_sentences(1, title="Approved one")
    ArticleReviewFactory(article=approved, state=State.APPROVED)

    checker = checker_client.get(DASHBOARD)
    editor = editor_client.get(DASHBOARD)

    assert checker.context["states"] == [
        ("new", "New", 1),
        ("in_review", "In review", 1),
        ("changes_requested", "Changes requested", 0),
        ("approved", "Approved", 1),
    ]
    assert [a.pk for a in checker.context["waiting"]] == [mine.pk]
    assert [a.pk for a in editor.context["waiting"]] == [in_review.pk]


def test_dashboard_lists_recent_sentence_changes(viewer_client, fact_checker):
    article = article_with_sentences(2, title="Recent <b>changes</b>")
    fc = check(article.sentence_list[1], S.TO_CHECK)
    fc.status = S.FALSE
    fc._history_user = fact_checker
    fc.save()

    response = viewer_client.get(DASHBOARD)

    recent = list(response.context["recent"])
    assert [(r.status, r.text) for r in recent[:2]] == [
        ("false", "Sentence 1 is here."),
        ("to_check", "Sentence 1 is here."),
    ]
    html = response.content.decode()
    assert "fact_checker" in html
    assert "Recent &lt;b&gt;changes&lt;/b&gt;" in html
    pk = article.sentence_list[1].pk
    assert f"?s={pk}#s-{pk}" in html


@pytest.mark.parametrize("query", ["x" * 60_000, "a\x00b"])
def test_a_huge_or_nul_search_is_refused_not_a_500(viewer_client, query):
    response = viewer_client.get("/", {"q": query})
    assert response.status_code == 200
    assert not response.context["form"].is_valid()
