"""The Article admin and the editorial admins, through the test client, per role."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from annotations import counters, flagging
from annotations.models import ArticleReview, ArtifactFlag, Claim, Evidence, FactCheck
from tests.factories import ArticleFactory, SourceFactory, article_with_sentences
from tests.factories import fact_check as check

pytestmark = pytest.mark.django_db

S = FactCheck.Status
State = ArticleReview.State
CHANGELIST = reverse("admin:newsroom_article_changelist")


def results(response):
    return {a.pk for a in response.context["cl"].result_list}


def action(client, name, articles, **extra):
    data = {"action": name, "_selected_action": [a.pk for a in articles], **extra}
    return client.post(CHANGELIST, data, follow=True)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def state_of(article):
    row = ArticleReview.objects.filter(article=article).first()
    return row.state if row else "new"


# --- Who reaches the admin ----------------------------------------------------------------


@pytest.mark.parametrize("client_name", ["editor_client", "administrator_client"])
def test_editors_and_administrators_reach_the_admin(request, client_name):
    client = request.getfixturevalue(client_name)
    article_with_sentences(2)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(CHANGELIST).status_code == 200


@pytest.mark.parametrize("client_name", ["checker_client", "viewer_client"])
def test_fact_checkers_and_viewers_are_sent_to_the_admin_login(request, client_name):
    client = request.getfixturevalue(client_name)
    for url in (reverse("admin:index"), CHANGELIST):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


# --- Columns, roll-ups, escaping ------------------------------------------------------------


def test_changelist_shows_roll_up_columns(editor_client, make_user):
    alice = make_user(None, "alice")
    article = article_with_sentences(4, title="Roll-up article")
    s = article.sentence_list
    check(s[0], S.FALSE, assignee=alice)
    check(s[1], S.MISLEADING)
    check(s[2], S.ACCURATE)
    ArtifactFlag.objects.create(article=article, start=0, end=3, kind="dateline")
    counters.refresh([article.pk])  # the flag was written outside the services

    response = editor_client.get(CHANGELIST)

    html = response.content.decode()
    row = response.context["cl"].result_list[0]
    assert row.false_misleading_count == 2
    assert row.pending_flags == 1
    assert row.unchecked_count == 1
    assert 'class="nr-seg-false nr-w-25"' in html  # a quarter of the bar, by class (CSP)
    assert 'title="1 unchecked, 1 accurate, 1 misleading, 1 false"' in html
    assert "alice" in html
    assert "New" in html


def test_article_text_is_escaped_in_list_and_change_page(editor_client):
    article = article_with_sentences(1, title="<script>alert(1)</script>")
    article.raw_text = "<script>alert(2)</script>\n\n" + article.raw_text
    article.save()

    listing = editor_client.get(CHANGELIST).content.decode()
    change = editor_client.get(
        reverse("admin:newsroom_article_change", args=[article.pk])
    ).content.decode()

    assert "<script>alert(1)</script>" not in listing
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listing
    assert "<script>alert(2)</script>" not in change
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in change


def test_change_page_shows_text_read_only_inlines_history_and_link(editor_client, editor):
    from annotations import review

    article = article_with_sentences(2, title="Change page")
    check(article.sentence_list[0], S.FALSE, assignee=editor)
    Claim.objects.create(
        sentence=article.sentence_list[0],
        article=article,
        start=article.sentence_list[0].start,
        end=article.sentence_list[0].end,
        quote="Sentence 0 is here.",
        claimant="Cavusoglu",
    )
    ArtifactFlag.objects.create(article=article, start=0, end=8, kind="dateline")
    review.send_to_review(article=article, user=editor)
    review.approve(article=article, user=editor, override_reason="Trusted wire copy")

    response = editor_client.get(reverse("admin:newsroom_article_change", args=[article.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="raw_text"' not in html  # read-only
    assert "Sentence 1 is here." in html  # sentence inline
    assert "False" in html and "editor" in html
    assert "Dateline" in html  # flags inline
    assert "Trusted wire copy" in html  # override reason in the history
    assert "Approved over the guard" in html
    assert reverse("annotations:article-detail", args=[article.pk]) in html


# --- Constant query counts ------------------------------------------------------------------


def _populate(n, assignee):
    source = SourceFactory()
    for i in range(n):
        article = article_with_sentences(6, source=source)
        s = article.sentence_list
        check(s[0], S.FALSE, assignee=assignee)
        check(s[1], S.ACCURATE)
        check(s[2], S.IN_PROGRESS, assignee=assignee)
        ArtifactFlag.objects.create(article=article, start=0, end=3, kind="dateline")
        ArtifactFlag.objects.create(
            article=article, start=s[5].start, end=s[5].end, kind="advert", state="confirmed"
        )
        if i % 2:
            ArticleReview.objects.create(article=article, state=State.IN_REVIEW)


@pytest.mark.parametrize("n", [3, 30])
def test_changelist_query_count_is_constant(
    editor_client, editor, n, django_assert_max_num_queries
):
    _populate(n, editor)
    with django_assert_max_num_queries(11):
        response = editor_client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == n


@pytest.mark.parametrize("n", [3, 30])
def test_filtered_changelist_query_count_is_constant(
    administrator_client, editor, n, django_assert_max_num_queries
):
    _populate(n, editor)
    with django_assert_max_num_queries(11):
        response = administrator_client.get(
            CHANGELIST, {"false": "yes", "workflow": "in_review", "q": "Article"}
        )
    assert len(response.context["cl"].result_list) == n // 2


@pytest.mark.parametrize("n", [2, 20])
def test_change_page_query_count_is_constant(
    editor_client, editor, n, django_assert_max_num_queries
):
    article = article_with_sentences(n)
    for sentence in article.sentence_list:
        check(sentence, S.TO_CHECK, assignee=editor)
        ArtifactFlag.objects.create(
            article=article, start=sentence.start, end=sentence.end, kind="advert"
        )
    with django_assert_max_num_queries(20):
        response = editor_client.get(reverse("admin:newsroom_article_change", args=[article.pk]))
    assert response.status_code == 200


# --- Sorting by roll-up columns -------------------------------------------------------------


def _column(name):
    from annotations.admin import ArticleAdmin

    return ArticleAdmin.list_display.index(name) + 1  # after the action checkbox


@pytest.mark.parametrize("descending", [False, True])
def test_changelist_sorts_by_false_misleading_count(editor_client, descending):
    articles = []
    for falses in (2, 0, 3, 1):
        article = article_with_sentences(4, title=f"Sorted {falses}")
        for sentence in article.sentence_list[:falses]:
            check(sentence, S.FALSE)
        articles.append((falses, article.pk))
    order = f"{'-' if descending else ''}{_column('false_misleading')}"
    response = editor_client.get(CHANGELIST, {"o": order})
    shown = [a.pk for a in response.context["cl"].result_list]
    expected = [pk for _, pk in sorted(articles, reverse=descending)]
    assert shown == expected
    counts = [a.false_misleading_count for a in response.context["cl"].result_list]
    assert counts == sorted(counts, reverse=descending)


@pytest.mark.parametrize(
    "column", ["workflow", "progress", "false_misleading", "pending", "last_activity", "title"]
)
@pytest.mark.parametrize("n", [3, 30])
def test_sorted_changelist_query_count_is_constant(
    editor_client, editor, column, n, django_assert_max_num_queries
):
    _populate(n, editor)
    with django_assert_max_num_queries(11):
        response = editor_client.get(CHANGELIST, {"o": f"-{_column(column)}"})
    assert len(response.context["cl"].result_list) == n


def test_approve_override_page_lists_guard_reasons(editor_client):
    article = article_with_sentences(3)
    ArticleReview.objects.create(article=article, state=State.IN_REVIEW)
    response = action(editor_client, "approve_with_override", [article])
    assert "3 sentences are still open" in response.content.decode()


# --- Date hierarchy -------------------------------------------------------------------------


def _dated_articles():
    from datetime import UTC, datetime

    moments = [
        datetime(2019, 12, 31, 23, 30, tzinfo=UTC),
        datetime(2021, 3, 1, 0, 0, tzinfo=UTC),
        datetime(2021, 3, 31, 23, 59, tzinfo=UTC),
        datetime(2021, 7, 4, 12, 0, tzinfo=UTC),
        datetime(2024, 2, 29, 8, 0, tzinfo=UTC),
    ]
    articles = [ArticleFactory(published=moment) for moment in moments]
    ArticleFactory(published=None)
    ArticleReview.objects.create(article=articles[1], state=State.IN_REVIEW)
    return articles


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"published__year": "2021"},
        {"published__year": "2021", "published__month": "3"},
        {"published__year": "2021", "published__month": "3", "published__day": "31"},
        {"published__year": "2020"},
        {"workflow": "in_review"},
        {"workflow": "approved"},
        {"q": "no such article"},
    ],
)
def test_date_hierarchy_links_are_djangos(editor_client, params):
    from django.contrib.admin.templatetags.admin_list import date_hierarchy

    from annotations.templatetags.review_admin import seeking_date_hierarchy

    _dated_articles()
    response = editor_client.get(CHANGELIST, params)
    assert response.status_code == 200
    cl = response.context["cl"]
    assert seeking_date_hierarchy(cl) == date_hierarchy(cl)


def test_date_hierarchy_renders_only_years_with_articles(editor_client):
    _dated_articles()
    html = editor_client.get(CHANGELIST).content.decode()
    for year in ("2019", "2021", "2024"):
        assert f"?published__year={year}" in html
    for year in ("2020", "2022", "2023"):
        assert f"?published__year={year}" not in html


def test_date_hierarchy_follows_the_time_zone(editor_client, settings):
    # 2019-12-31 23:30 UTC is already 2020 in Istanbul (UTC+3).
    settings.TIME_ZONE = "Europe/Istanbul"
    from datetime import UTC, datetime

    ArticleFactory(published=datetime(2019, 12, 31, 23, 30, tzinfo=UTC))
    ArticleFactory(published=datetime(2019, 6, 1, tzinfo=UTC))
    html = editor_client.get(CHANGELIST).content.decode()
    assert "?published__year=2020" in html
    assert "?published__year=2019" in html


# --- Filters --------------------------------------------------------------------------------


def test_filters_return_the_right_articles(editor_client, make_user):
    me = make_user(None, "me")
    src_a, src_b = SourceFactory(name="A"), SourceFactory(name="B")
    false = article_with_sentences(2, source=src_a)
    check(false.sentence_list[0], S.FALSE, assignee=me)
    check(false.sentence_list[1], S.ACCURATE)
    done = article_with_sentences(1, source=src_b)
    check(done.sentence_list[0], S.ACCURATE)
    ArticleReview.objects.create(article=done, state=State.APPROVED)
    flagged = article_with_sentences(1, source=src_b)
    check(flagged.sentence_list[0], S.OPINION)
    ArtifactFlag.objects.create(article=flagged, start=0, end=4, kind="dateline")
    counters.refresh([flagged.pk])  # the flag was written outside the services
    unchecked = article_with_sentences(1, source=src_a)

    def get(**params):
        return results(editor_client.get(CHANGELIST, params))

    assert get(false="yes") == {false.pk}
    assert get(false="no") == {done.pk, flagged.pk, unchecked.pk}
    assert get(pending="yes") == {flagged.pk}
    assert get(unchecked="yes") == {unchecked.pk}
    assert get(assignee=str(me.pk)) == {false.pk}
    assert get(workflow="approved") == {done.pk}
    assert get(workflow="new") == {false.pk, flagged.pk, unchecked.pk}
    assert get(source__id__exact=str(src_b.pk)) == {done.pk, flagged.pk}
    assert get(q=false.title) == {false.pk}
    assert get(q="Sentence 0 is here") == {false.pk, done.pk, flagged.pk, unchecked.pk}


def test_search_covers_raw_text_and_url(editor_client):
    a = ArticleFactory(
        raw_text="Headline\n\nThe mayor resigned on Tuesday.", url="https://x.test/a"
    )
    b = ArticleFactory(url="https://example.org/unique-slug")
    assert results(editor_client.get(CHANGELIST, {"q": "mayor resigned"})) == {a.pk}
    assert results(editor_client.get(CHANGELIST, {"q": "unique-slug"})) == {b.pk}


# --- Actions and permissions ----------------------------------------------------------------


def action_names(response):
    return {name for name, _ in response.context["action_form"].fields["action"].choices if name}


def test_editor_sees_all_workflow_actions(editor_client):
    article_with_sentences(1)
    names = action_names(editor_client.get(CHANGELIST))
    assert {
        "send_to_review",
        "approve",
        "approve_with_override",
        "request_changes",
        "redetect_artifacts",
        "export_json",
    } <= names
    assert "delete_selected" not in names  # editors may not delete articles


def test_staff_without_approve_permission_cannot_approve(client, make_user):
    clerk = make_user(None, "clerk")
    clerk.is_staff = True
    clerk.save()
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_article", "change_articlereview"])
    )
    client.force_login(clerk)
    article = article_with_sentences(1)
    check(article.sentence_list[0], S.ACCURATE)
    ArticleReview.objects.create(article=article, state=State.IN_REVIEW)

    names = action_names(client.get(CHANGELIST))
    response = action(client, "approve", [article])

    assert names == {"send_to_review", "export_json", "export_csv"}
    assert state_of(article) == State.IN_REVIEW
    assert response.status_code == 200


def test_approve_action_reports_refused_articles(editor_client):
    ready = article_with_sentences(1, title="Ready one")
    check(ready.sentence_list[0], S.ACCURATE)
    blocked = article_with_sentences(2, title="Blocked <b>one</b>")
    check(blocked.sentence_list[0], S.ACCURATE)
    for article in (ready, blocked):
        ArticleReview.objects.create(article=article, state=State.IN_REVIEW)

    response = action(editor_client, "approve", [ready, blocked])

    assert state_of(ready) == State.APPROVED
    assert state_of(blocked) == State.IN_REVIEW
    msgs = messages_of(response)
    assert "1 article approved." in msgs
    assert "“Blocked <b>one</b>” refused: 1 sentence is still open (1 unchecked)." in msgs
    assert "Blocked &lt;b&gt;one&lt;/b&gt;" in response.content.decode()


def test_send_and_request_changes_actions(editor_client):
    article = article_with_sentences(1)
    action(editor_client, "send_to_review", [article])
    assert state_of(article) == State.IN_REVIEW
    asked = action(editor_client, "request_changes", [article])
    assert "Reason (required)" in asked.content.decode()
    assert state_of(article) == State.IN_REVIEW
    action(editor_client, "request_changes", [article], apply="1", reason="Source it")
    assert state_of(article) == State.CHANGES_REQUESTED
    response = action(editor_client, "request_changes", [article])
    assert state_of(article) == State.CHANGES_REQUESTED
    assert any("refused: Cannot request changes" in m for m in messages_of(response))


def test_override_action_asks_for_a_reason_then_records_it(editor_client):
    article = article_with_sentences(3, title="Needs override")
    ArticleReview.objects.create(article=article, state=State.IN_REVIEW)

    form = action(editor_client, "approve_with_override", [article])
    assert "3 sentences are still open" in form.content.decode()
    assert state_of(article) == State.IN_REVIEW

    empty = action(editor_client, "approve_with_override", [article], apply="1")
    assert state_of(article) == State.IN_REVIEW
    assert "Give a reason" in empty.content.decode()

    done = action(
        editor_client,
        "approve_with_override",
        [article],
        apply="1",
        override_reason="Checked by phone with the agency",
    )
    row = ArticleReview.objects.get(article=article)
    assert row.state == State.APPROVED
    assert row.override_reason == "Checked by phone with the agency"
    assert "1 article approved." in messages_of(done)
    assert "override: Checked by phone with the agency" in done.content.decode()


def test_redetect_action_keeps_editor_decisions(editor_client, editor):
    article = ArticleFactory(raw_text="Title\n\nA body sentence here.\n\nThere are no comments.\n")
    decided = ArtifactFlag.objects.create(
        article=article, start=0, end=5, kind="advert", state="confirmed", origin="editor"
    )

    response = action(editor_client, "redetect_artifacts", [article])

    assert any(m.startswith("Re-ran detection on 1 article") for m in messages_of(response))
    decided.refresh_from_db()
    assert decided.state == "confirmed"
    expected = {(f.kind, f.start, f.end) for f in flagging.detect_findings(article)}
    stored = {
        (f.kind, f.start, f.end)
        for f in ArtifactFlag.objects.filter(article=article, origin="detector")
    }
    assert stored == expected - {("advert", 0, 5)}


def test_export_json_is_the_lossless_export(editor_client, editor):
    article = article_with_sentences(2, title="Exported")
    s0 = article.sentence_list[0]
    fc = check(s0, S.FALSE, assignee=editor)
    Claim.objects.create(
        sentence=s0, article=article, start=s0.start, end=s0.end, quote="Sentence 0 is here."
    )
    Evidence.objects.create(fact_check=fc, url="https://example.org/e", stance="refutes")
    ArtifactFlag.objects.create(article=article, start=0, end=8, kind="dateline")
    other = article_with_sentences(1)

    response = action(editor_client, "export_json", [article, other])

    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    document = json.loads(b"".join(response.streaming_content))
    assert document["format"] == "newsroom-lossless"
    data = {a["title"]: a for a in document["articles"]}
    exported = data["Exported"]
    assert [(s["fact_check"] or {}).get("status") for s in exported["sentences"]] == [
        "false",
        None,
    ]
    first = exported["sentences"][0]
    assert exported["raw_text"][first["start"] : first["end"]] == "Sentence 0 is here."
    assert first["claims"][0]["quote"] == "Sentence 0 is here."
    assert first["fact_check"]["evidence"][0]["url"] == "https://example.org/e"
    assert first["fact_check"]["assignee"] == "editor"
    assert exported["flags"][0]["kind"] == "dateline"
    assert exported["review"] is None
    assert len(data) == 2


@pytest.mark.parametrize("n", [2, 12])
def test_export_query_count_is_constant(editor_client, n, django_assert_max_num_queries):
    articles = [article_with_sentences(3) for _ in range(n)]
    for article in articles:
        fc = check(article.sentence_list[0], S.FALSE)
        Evidence.objects.create(fact_check=fc, url="https://example.org/e")
    with django_assert_max_num_queries(24):  # the action set-up + 11 for the export itself
        response = action(editor_client, "export_json", articles)
        document = json.loads(b"".join(response.streaming_content))
    assert len(document["articles"]) == n


def test_export_csv_action_streams_the_selected_articles(editor_client):
    chosen = article_with_sentences(2, title="Chosen")
    article_with_sentences(3, title="Left out")
    response = action(editor_client, "export_csv", [chosen])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 3 and all("Left out" not in line for line in lines)


# --- The other editorial admins -------------------------------------------------------------


def test_editorial_admins_render_with_filters_and_history(editor_client, editor):
    article = article_with_sentences(1, title="<script>x</script>")
    fc = check(article.sentence_list[0], S.FALSE, assignee=editor)
    claim = Claim.objects.create(
        sentence=article.sentence_list[0], article=article, start=10, end=18, quote="<i>q</i>"
    )
    ev = Evidence.objects.create(fact_check=fc, url="https://example.org/e", title="<b>t</b>")
    flag = ArtifactFlag.objects.create(article=article, start=0, end=8, kind="dateline")
    review_row = ArticleReview.objects.create(article=article, state=State.IN_REVIEW)

    pages = [
        ("factcheck", fc, {"status__exact": "false"}),
        ("claim", claim, {"claim_type__exact": "other"}),
        ("evidence", ev, {"stance__exact": "context"}),
        (
            "artifactflag",
            flag,
            {"kind": "dateline", "state__exact": "suggested", "origin": "detector"},
        ),
        ("articlereview", review_row, {"state__exact": "in_review"}),
    ]
    for model, obj, filters in pages:
        listing = editor_client.get(reverse(f"admin:annotations_{model}_changelist"), filters)
        assert listing.status_code == 200, model
        assert len(listing.context["cl"].result_list) == 1, model
        html = listing.content.decode()
        assert (
            "<script>x</script>" not in html and "<i>q</i>" not in html and "<b>t</b>" not in html
        )
        history = editor_client.get(reverse(f"admin:annotations_{model}_history", args=[obj.pk]))
        assert history.status_code == 200, model


def test_flag_admin_confirms_through_the_flag_service(editor_client, editor):
    article = article_with_sentences(1)
    flag = ArtifactFlag.objects.create(article=article, start=0, end=8, kind="dateline")
    client_response = editor_client.post(
        reverse("admin:annotations_artifactflag_changelist"),
        {"action": "confirm", "_selected_action": [flag.pk]},
    )
    assert client_response.status_code == 302
    flag.refresh_from_db()
    assert flag.state == "confirmed"
    assert flag.decided_by == editor
    assert flag.previous_state == "suggested"


def test_fact_check_admin_edit_bumps_version_and_keeps_history(editor_client, editor):
    article = article_with_sentences(1)
    fc = check(article.sentence_list[0], S.TO_CHECK)
    url = reverse("admin:annotations_factcheck_change", args=[fc.pk])
    response = editor_client.post(
        url,
        {"status": "accurate", "assignee": "", "verdict": "Fine", "note": "", "seen_version": 1},
    )
    assert response.status_code == 302
    fc.refresh_from_db()
    assert (fc.status, fc.version, fc.updated_by) == ("accurate", 2, editor)
    assert fc.history.count() == 2
