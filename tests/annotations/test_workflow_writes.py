"""Issue 11, "Workflow" and "Writes that must not be lost", through the services, the
test client and the admin: every write path locks, checks the version, merges field by
field, keeps history, and nothing changes on an approved article until it is reopened."""

from __future__ import annotations

import pytest
from django.urls import reverse

from annotations import review, services
from annotations.models import ArticleReview, Claim, Evidence, FactCheck
from tests.factories import ArticleReviewFactory, ArtifactFlagFactory, article_with_sentences

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
S = FactCheck.Status
State = ArticleReview.State


def url(name, pk):
    return reverse(f"annotations:{name}", args=[pk])


@pytest.fixture
def sentence():
    return article_with_sentences(3).sentence_list[1]


def approved(article, editor):
    """``article`` in review then approved over the guard (its sentences are unchecked)."""
    ArticleReviewFactory(article=article)
    review.approve(article=article, user=editor, override_reason="Checked by phone")


# --- 6. The admin goes through the services ---------------------------------------------


def fact_check_admin_post(client, fc, seen, **fields):
    data = {"status": fc.status, "assignee": "", "verdict": fc.verdict, "note": fc.note}
    data.update(fields, seen_version=seen)
    return client.post(reverse("admin:annotations_factcheck_change", args=[fc.pk]), data)


def test_fact_check_admin_refuses_a_stale_edit_of_the_same_field(editor_client, editor, sentence):
    fc = services.set_status(sentence=sentence, status=S.TO_CHECK, user=editor, expected_version=0)
    services.save_verdict(
        sentence=sentence, verdict="Theirs", note="", user=editor, expected_version=1
    )
    response = fact_check_admin_post(editor_client, fc, seen=1, verdict="Mine")
    assert response.status_code == 200  # the form again, with the error
    body = response.content.decode()
    assert "Not saved: someone changed the same field" in body and "Theirs" in body
    fc.refresh_from_db()
    assert (fc.verdict, fc.version, fc.history.count()) == ("Theirs", 2, 2)


def test_fact_check_admin_merges_an_edit_of_another_field(editor_client, editor, sentence):
    fc = services.set_status(sentence=sentence, status=S.TO_CHECK, user=editor, expected_version=0)
    services.set_status(sentence=sentence, status=S.FALSE, user=editor, expected_version=1)
    # The admin page was opened at version 1 (status "to check"); only the note changes.
    response = fact_check_admin_post(editor_client, fc, seen=1, status=S.TO_CHECK, note="Mine")
    assert response.status_code == 302
    fc.refresh_from_db()
    assert (fc.status, fc.note, fc.version, fc.updated_by) == (S.FALSE, "Mine", 3, editor)
    assert fc.history.first().history_user == editor


def test_claim_admin_edit_bumps_the_version_so_a_stale_panel_form_conflicts(
    editor_client, checker_client, fact_checker, sentence
):
    claim = services.add_claim(sentence=sentence, user=fact_checker, claimant="Panel")
    response = editor_client.post(
        reverse("admin:annotations_claim_change", args=[claim.pk]),
        {"claimant": "Admin", "claim_type": "quote", "note": "", "seen_version": 1},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.claimant, claim.version) == ("Admin", 2)
    assert claim.history.first().history_user.username == "editor"

    prefix = f"claim-{claim.pk}"
    stale = {f"{prefix}-claimant": "Mine", f"{prefix}-claim_type": "other", f"{prefix}-version": 1}
    response = checker_client.post(url("claim-edit", claim.pk), stale, **HX)
    assert response.status_code == 409
    assert Claim.objects.get().claimant == "Admin"


def test_evidence_admin_edit_and_delete_go_through_the_services(
    editor_client, editor, sentence, fact_checker
):
    ev = services.add_evidence(sentence=sentence, url="https://a.example/", user=fact_checker)
    change = reverse("admin:annotations_evidence_change", args=[ev.pk])
    response = editor_client.post(
        change,
        {
            "url": "https://b.example/",
            "title": "",
            "stance": "refutes",
            "note": "",
            "seen_version": 1,
        },
    )
    assert response.status_code == 302
    ev.refresh_from_db()
    assert (ev.url, ev.version) == ("https://b.example/", 2)
    delete = reverse("admin:annotations_evidence_delete", args=[ev.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 302
    assert not Evidence.objects.exists()
    assert Evidence.history.filter(history_type="-").get().history_user == editor


def test_admin_cannot_change_a_fact_check_of_an_approved_article(editor_client, editor, sentence):
    fc = services.set_status(sentence=sentence, status=S.TO_CHECK, user=editor, expected_version=0)
    approved(sentence.article, editor)
    response = fact_check_admin_post(editor_client, fc, seen=1, status=S.FALSE)
    assert response.status_code == 200
    assert "approved and read-only" in response.content.decode()
    fc.refresh_from_db()
    assert fc.status == S.TO_CHECK


# --- 2. Approved articles are read-only until reopened ---------------------------------------


def test_no_service_write_changes_an_approved_article(editor, fact_checker, sentence):
    claim = services.add_claim(sentence=sentence, user=fact_checker)
    ev = services.add_evidence(sentence=sentence, url="https://a.example/", user=fact_checker)
    version = FactCheck.objects.get().version
    approved(sentence.article, editor)
    writes = [
        lambda: services.set_status(
            sentence=sentence, status=S.FALSE, user=editor, expected_version=version
        ),
        lambda: services.assign_sentence(
            sentence=sentence, assignee=editor, user=editor, expected_version=version
        ),
        lambda: services.save_verdict(
            sentence=sentence, verdict="v", note="", user=editor, expected_version=version
        ),
        lambda: services.add_claim(sentence=sentence, user=editor),
        lambda: services.edit_claim(
            claim=claim, claimant="x", claim_type="other", note="", user=editor, expected_version=1
        ),
        lambda: services.delete_claim(claim=claim, user=editor, expected_version=1),
        lambda: services.add_evidence(sentence=sentence, url="https://b.example/", user=editor),
        lambda: services.edit_evidence(
            evidence=ev, url="https://c.example/", user=editor, expected_version=1
        ),
        lambda: services.delete_evidence(evidence=ev, user=editor, expected_version=1),
        lambda: services.undo_last_change(
            sentence=sentence, user=fact_checker, expected_version=version
        ),
    ]
    for write in writes:
        with pytest.raises(services.ArticleApproved):
            write()
    assert FactCheck.objects.get().status == S.UNCHECKED
    assert Claim.objects.count() == 1 and Evidence.objects.count() == 1


def test_approved_article_panel_is_read_only_and_posts_get_409(checker_client, editor, sentence):
    approved(sentence.article, editor)
    page = checker_client.get(url("article-detail", sentence.article_id), {"s": sentence.pk})
    body = page.content.decode()
    assert "data-approved" in body and "read-only" in body
    assert url("sentence-status", sentence.pk) not in body  # no status form
    response = checker_client.post(
        url("sentence-status", sentence.pk), {"status": "false", "version": 0}, **HX
    )
    assert response.status_code == 409
    assert "approved and read-only" in response.content.decode()
    assert not FactCheck.objects.exists()


def test_editor_reopens_with_a_reason_then_the_article_can_change(
    editor_client, fact_checker, editor, sentence
):
    article = sentence.article
    approved(article, editor)
    refused = editor_client.post(url("article-review", article.pk), {"action": "reopen"})
    assert refused.status_code == 302
    assert ArticleReview.objects.get().state == State.APPROVED
    editor_client.post(
        url("article-review", article.pk), {"action": "reopen", "reason": "A correction came in"}
    )
    row = ArticleReview.objects.get()
    assert (row.state, row.reason, row.changed_by) == (
        State.IN_REVIEW,
        "A correction came in",
        editor,
    )
    last = row.history.first()
    assert (last.history_change_reason, last.history_user) == ("A correction came in", editor)
    services.set_status(sentence=sentence, status=S.FALSE, user=fact_checker, expected_version=0)


def test_fact_checker_cannot_reopen(checker_client, editor, sentence):
    approved(sentence.article, editor)
    response = checker_client.post(
        url("article-review", sentence.article_id), {"action": "reopen", "reason": "x"}
    )
    assert response.status_code == 403
    assert ArticleReview.objects.get().state == State.APPROVED


# --- 3. Request changes needs a reason, and the checker sees it --------------------------------


def test_request_changes_needs_a_reason(editor, sentence):
    ArticleReviewFactory(article=sentence.article)
    for reason in ("", "   "):
        with pytest.raises(review.ReviewRefused, match="reason is required"):
            review.request_changes(article=sentence.article, user=editor, reason=reason)
    assert ArticleReview.objects.get().state == State.IN_REVIEW


def test_latest_decision_shows_on_the_page_list_and_dashboard(
    editor_client, checker_client, fact_checker, editor, sentence
):
    article = sentence.article
    ArticleReviewFactory(article=article)
    services.assign_sentence(
        sentence=sentence, assignee=fact_checker, user=editor, expected_version=0
    )
    editor_client.post(
        url("article-review", article.pk),
        {"action": "request_changes", "reason": "Source the <b>casualty</b> figure"},
    )
    reason = "Source the &lt;b&gt;casualty&lt;/b&gt; figure"
    for page in (
        checker_client.get(url("article-detail", article.pk)),
        checker_client.get(reverse("annotations:article-list")),
        checker_client.get(reverse("annotations:dashboard")),
    ):
        body = page.content.decode()
        assert "data-decision" in body, page.request["PATH_INFO"]
        assert reason in body and "editor" in body, page.request["PATH_INFO"]


# --- 7. Field-level merge ---------------------------------------------------------------------


def test_status_change_by_one_does_not_conflict_with_a_verdict_by_another(
    fact_checker, editor, sentence
):
    services.set_status(sentence=sentence, status=S.TO_CHECK, user=editor, expected_version=0)
    services.set_status(sentence=sentence, status=S.FALSE, user=editor, expected_version=1)
    fc = services.save_verdict(
        sentence=sentence, verdict="Mine", note="", user=fact_checker, expected_version=1
    )
    assert (fc.status, fc.verdict, fc.version) == (S.FALSE, "Mine", 3)


def test_same_field_changed_by_both_conflicts_and_names_the_field(fact_checker, editor, sentence):
    services.save_verdict(sentence=sentence, verdict="A", note="n", user=editor, expected_version=0)
    services.save_verdict(sentence=sentence, verdict="B", note="n", user=editor, expected_version=1)
    with pytest.raises(services.StaleVersion) as error:
        services.save_verdict(
            sentence=sentence, verdict="C", note="n", user=fact_checker, expected_version=1
        )
    assert error.value.fields == ("verdict",)
    # The note someone else changed is kept when I change only the verdict.
    services.save_verdict(
        sentence=sentence, verdict="B", note="theirs", user=editor, expected_version=2
    )
    fc = services.save_verdict(
        sentence=sentence, verdict="C", note="n", user=fact_checker, expected_version=2
    )
    assert (fc.verdict, fc.note) == ("C", "theirs")


def test_verdict_conflict_keeps_the_typed_text_and_shows_theirs(checker_client, editor, sentence):
    services.save_verdict(
        sentence=sentence, verdict="Theirs", note="", user=editor, expected_version=0
    )
    response = checker_client.post(
        url("sentence-verdict", sentence.pk),
        {"verdict": "My long typed verdict", "note": "", "version": 0},
        **HX,
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "data-conflict-fields" in body
    assert "My long typed verdict</textarea>" in body  # kept in the form
    assert "Theirs" in body
    assert 'name="version" value="1"' in body  # saving again replaces theirs
    again = checker_client.post(
        url("sentence-verdict", sentence.pk),
        {"verdict": "My long typed verdict", "note": "", "version": 1},
        **HX,
    )
    assert again.status_code == 200
    assert FactCheck.objects.get().verdict == "My long typed verdict"


# --- 8. Double submits --------------------------------------------------------------------------


def test_double_submit_of_a_claim_and_an_evidence_link_stores_one(checker_client, sentence):
    claim = {"claim-claimant": "X", "claim-claim_type": "other", "claim-note": ""}
    evidence = {"evidence-url": "https://e.example/", "evidence-stance": "context"}
    for _ in range(2):
        assert checker_client.post(url("claim-add", sentence.pk), claim, **HX).status_code == 200
        assert (
            checker_client.post(url("evidence-add", sentence.pk), evidence, **HX).status_code == 200
        )
    assert Claim.objects.count() == 1 and Claim.history.count() == 1
    assert Evidence.objects.count() == 1 and Evidence.history.count() == 1


def test_same_claim_by_another_user_or_another_span_is_stored(fact_checker, editor, sentence):
    services.add_claim(sentence=sentence, user=fact_checker)
    services.add_claim(sentence=sentence, user=editor)
    services.add_claim(
        sentence=sentence, user=fact_checker, start=sentence.start, end=sentence.start + 8
    )
    assert Claim.objects.count() == 3


# --- 10. Edit and delete claims and evidence -----------------------------------------------------


def test_author_edits_and_deletes_evidence_with_history(checker_client, fact_checker, sentence):
    ev = services.add_evidence(sentence=sentence, url="https://a.example/", user=fact_checker)
    prefix = f"evidence-{ev.pk}"
    data = {
        f"{prefix}-url": "https://b.example/",
        f"{prefix}-title": "Report",
        f"{prefix}-stance": "refutes",
        f"{prefix}-note": "",
        f"{prefix}-version": 1,
    }
    assert checker_client.post(url("evidence-edit", ev.pk), data, **HX).status_code == 200
    ev.refresh_from_db()
    assert (ev.url, ev.title, ev.stance, ev.version) == (
        "https://b.example/",
        "Report",
        "refutes",
        2,
    )
    panel = checker_client.get(
        url("sentence-panel", sentence.pk) + "?history=open", **HX
    ).content.decode()
    assert "Evidence url: <bdi>https://a.example/</bdi> → <bdi>https://b.example/</bdi>" in panel
    stale = checker_client.post(url("evidence-delete", ev.pk), {"version": 1}, **HX)
    assert stale.status_code == 409 and Evidence.objects.exists()
    assert (
        checker_client.post(url("evidence-delete", ev.pk), {"version": 2}, **HX).status_code == 200
    )
    assert not Evidence.objects.exists()
    assert [h.history_type for h in Evidence.history.order_by("history_id")] == ["+", "~", "-"]


def test_author_or_editor_deletes_a_claim_others_get_403(
    checker_client, editor_client, make_user, fact_checker, sentence
):
    from django.test import Client

    from annotations.roles import FACT_CHECKER

    other = Client()
    other.force_login(make_user(FACT_CHECKER, username="other"))
    mine = services.add_claim(sentence=sentence, user=fact_checker)
    assert other.post(url("claim-delete", mine.pk), {"version": 1}, **HX).status_code == 403
    edit = {
        f"claim-{mine.pk}-claimant": "x",
        f"claim-{mine.pk}-claim_type": "other",
        f"claim-{mine.pk}-version": 1,
    }
    assert other.post(url("claim-edit", mine.pk), edit, **HX).status_code == 403
    assert Claim.objects.filter(pk=mine.pk).exists()
    assert (
        checker_client.post(url("claim-delete", mine.pk), {"version": 1}, **HX).status_code == 200
    )
    theirs = services.add_claim(sentence=sentence, user=fact_checker, claimant="again")
    assert (
        editor_client.post(url("claim-delete", theirs.pk), {"version": 1}, **HX).status_code == 200
    )
    assert not Claim.objects.exists()
    panel = checker_client.get(
        url("sentence-panel", sentence.pk) + "?history=open", **HX
    ).content.decode()
    assert "Claim: <bdi>present</bdi> → <bdi>removed</bdi>" in panel


def test_undo_of_an_evidence_edit_restores_it(fact_checker, sentence):
    ev = services.add_evidence(sentence=sentence, url="https://a.example/", user=fact_checker)
    services.edit_evidence(
        evidence=ev, url="https://b.example/", user=fact_checker, expected_version=1
    )
    version = FactCheck.objects.get().version
    services.undo_last_change(sentence=sentence, user=fact_checker, expected_version=version)
    ev.refresh_from_db()
    assert ev.url == "https://a.example/"


# --- 5. The admin's workflow forms ---------------------------------------------------------------

CHANGELIST = reverse("admin:newsroom_article_changelist")


def admin_action(client, name, articles, **extra):
    data = {"action": name, "_selected_action": [a.pk for a in articles], **extra}
    return client.post(CHANGELIST, data, follow=True)


def test_override_on_a_new_article_is_refused_before_asking_a_reason(editor_client):
    article = article_with_sentences(2, title="Still new")
    response = admin_action(editor_client, "approve_with_override", [article])
    body = response.content.decode()
    assert "Reason (required)" not in body  # not asked: it could not be approved anyway
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["“Still new” refused: Cannot approve an article that is new."]
    assert not ArticleReview.objects.exists()


def test_override_asks_a_reason_only_for_the_articles_it_can_approve(editor_client):
    new = article_with_sentences(1, title="New one")
    waiting = article_with_sentences(1, title="In review one")
    ArticleReviewFactory(article=waiting)
    asked = admin_action(editor_client, "approve_with_override", [new, waiting])
    body = asked.content.decode()
    assert "Reason (required)" in body and "In review one" in body
    assert f'name="_selected_action" value="{new.pk}"' not in body
    done = admin_action(
        editor_client, "approve_with_override", [waiting], apply="1", override_reason="Phoned"
    )
    assert "1 article approved." in [str(m) for m in done.context["messages"]]
    assert ArticleReview.objects.get(article=waiting).reason == "Phoned"


def test_admin_request_changes_needs_a_reason(editor_client, editor):
    article = article_with_sentences(1, title="Back to you")
    ArticleReviewFactory(article=article)
    empty = admin_action(editor_client, "request_changes", [article], apply="1", reason=" ")
    assert "Give a reason" in empty.content.decode()
    assert ArticleReview.objects.get().state == State.IN_REVIEW
    admin_action(editor_client, "request_changes", [article], apply="1", reason="Source it")
    row = ArticleReview.objects.get()
    assert (row.state, row.reason, row.changed_by) == (State.CHANGES_REQUESTED, "Source it", editor)


def test_admin_has_no_add_article(editor_client, administrator_client):
    add = reverse("admin:newsroom_article_add")
    for client in (editor_client, administrator_client):
        assert client.get(add).status_code == 403
        assert add not in client.get(CHANGELIST).content.decode()


# --- 9. Flag decisions carry a version ---------------------------------------------------------


def test_second_editor_deciding_a_flag_from_a_stale_page_gets_409(editor_client, make_user):
    from django.test import Client

    from annotations import flagging
    from annotations.roles import EDITOR

    article = article_with_sentences(2)
    flag = ArtifactFlagFactory(article=article)
    other = Client()
    other.force_login(make_user(EDITOR, username="other_editor"))
    decide = url("flag-decide", flag.pk)
    first = other.post(decide, {"state": "confirmed", "version": 1}, **HX)
    assert first.status_code == 200
    second = editor_client.post(decide, {"state": "dismissed", "version": 1}, **HX)
    assert second.status_code == 409
    assert "other_editor decided this flag meanwhile" in second.content.decode()
    flag.refresh_from_db()
    assert (flag.state, flag.version, flag.history.count()) == ("confirmed", 2, 2)
    stale_undo = editor_client.post(url("flag-undo", flag.pk), {"version": 1}, **HX)
    assert stale_undo.status_code == 409
    assert editor_client.post(url("flag-undo", flag.pk), {"version": 2}, **HX).status_code == 200
    flagging.decide_kind(article=article, kind="advert", user=flag.decided_by, state="dismissed")
    flag.refresh_from_db()
    assert flag.version == 4  # bulk decisions bump it too


def test_flag_decisions_on_an_approved_article_are_refused(editor, editor_client):

    article = article_with_sentences(2)
    flag = ArtifactFlagFactory(article=article)
    approved(article, editor)
    response = editor_client.post(url("flag-decide", flag.pk), {"state": "confirmed"}, **HX)
    assert response.status_code == 403
    flag.refresh_from_db()
    assert flag.state == "suggested"


# --- 4. Workflow on the article page ------------------------------------------------------------


def test_article_page_shows_the_state_and_the_moves_the_role_allows(
    viewer_client, checker_client, editor_client, editor, sentence
):
    article = sentence.article
    page = url("article-detail", article.pk)
    viewer = viewer_client.get(page).content.decode()
    assert "data-workflow-badge>New<" in viewer and "data-move" not in viewer
    checker = checker_client.get(page).content.decode()
    assert 'data-move="send"' in checker and 'data-move="approve"' not in checker
    ArticleReviewFactory(article=article)
    html = editor_client.get(page).content.decode()
    assert "data-workflow-badge>In review<" in html
    # The guard's reasons show before anyone commits; approve over it asks for a reason.
    assert "Refused: 3 sentences are still open (3 unchecked)" in html
    assert 'data-move="approve-override"' in html and 'name="override_reason" required' in html
    assert 'data-move="request_changes"' in html and 'name="reason" required' in html
    review.approve(article=article, user=editor, override_reason="ok")
    approved_page = editor_client.get(page).content.decode()
    assert (
        'data-move="reopen"' in approved_page
        and "Read-only until an editor reopens it" in approved_page
    )
