"""The flag endpoints and the clean text pages, through the test client."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from annotations import flagging
from annotations.models import ArtifactFlag
from newsroom.models import Article
from newsroom.text.spans import Finding
from tests.annotations.test_flagging import SEED, flag_of, imported

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
XSS = "<script>alert('x')</script>"


@pytest.fixture
def seed() -> Article:
    return imported(SEED.read_text(encoding="utf-8"))


def snapshot(article: Article) -> tuple:
    """Everything a forbidden request must leave as it was."""
    return (
        list(article.artifact_flags.order_by("pk").values_list("pk", "state", "decided_by")),
        ArtifactFlag.history.count(),
    )


def decide_url(flag: ArtifactFlag) -> str:
    return reverse("annotations:flag-decide", args=[flag.pk])


def writes(article: Article) -> list[tuple[str, dict, str]]:
    """One valid request per write endpoint: (url, data, expected change)."""
    flag = flag_of(article, "dateline")
    return [
        (decide_url(flag), {"state": "confirmed"}, "decide"),
        (
            reverse("annotations:flag-decide-kind", args=[article.pk]),
            {"kind": "stray_whitespace", "state": "dismissed"},
            "bulk",
        ),
        (reverse("annotations:flag-undo", args=[flag.pk]), {}, "undo"),
        (
            reverse("annotations:flag-add", args=[article.pk]),
            {"start": 0, "end": 10, "kind": "advert"},
            "add",
        ),
    ]


def test_confirm_without_javascript_redirects_to_the_article(seed, editor_client, editor):
    flag = flag_of(seed, "dateline")
    response = editor_client.post(decide_url(flag), {"state": "confirmed"})
    assert response.status_code == 302
    assert response["Location"] == seed.get_absolute_url() + "#flag-panel"
    flag.refresh_from_db()
    assert (flag.state, flag.decided_by) == ("confirmed", editor)
    assert ArtifactFlag.history.filter(id=flag.pk).latest("history_id").history_user == editor


def test_dismiss_with_htmx_returns_the_flag_and_its_counts_in_place(seed, editor_client):
    flag = flag_of(seed, "dead_comments")
    response = editor_client.post(decide_url(flag), {"state": "dismissed"}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#flag-{flag.pk}"
    html = response.content.decode()
    assert 'id="flag-panel"' not in html  # not the whole panel: the flag and what it changed
    assert html.count('class="flag-item') == 1
    badge = 'id="flag-pending-count" class="badge text-bg-warning" hx-swap-oob="true">8 pending'
    assert badge in html
    assert reverse("annotations:flag-undo", args=[flag.pk]) in html
    flag.refresh_from_db()
    assert flag.state == "dismissed"


def test_undo_through_the_view(seed, editor_client):
    flag = flag_of(seed, "photo_credit")
    editor_client.post(decide_url(flag), {"state": "dismissed"})
    response = editor_client.post(reverse("annotations:flag-undo", args=[flag.pk]), **HTMX)
    assert response.status_code == 200
    flag.refresh_from_db()
    assert (flag.state, flag.previous_state) == ("suggested", "")


def test_undo_with_nothing_to_undo_says_so(seed, editor_client):
    flag = flag_of(seed, "photo_credit")
    response = editor_client.post(reverse("annotations:flag-undo", args=[flag.pk]), **HTMX)
    assert response.status_code == 422
    assert "no decision to undo" in response.content.decode()


def test_bulk_confirm_per_kind(seed, editor_client):
    url = reverse("annotations:flag-decide-kind", args=[seed.pk])
    response = editor_client.post(url, {"kind": "stray_whitespace", "state": "confirmed"}, **HTMX)
    assert response.status_code == 200
    states = set(
        seed.artifact_flags.filter(kind="stray_whitespace").values_list("state", flat=True)
    )
    assert states == {"confirmed"}
    assert seed.artifact_flags.pending().count() == 6
    assert "6 pending" in response.content.decode()


def test_invalid_decision_changes_nothing(seed, editor_client):
    before = snapshot(seed)
    flag = flag_of(seed, "dateline")
    response = editor_client.post(decide_url(flag), {"state": "suggested"}, **HTMX)
    assert response.status_code == 422
    bulk = reverse("annotations:flag-decide-kind", args=[seed.pk])
    response = editor_client.post(bulk, {"kind": "nope", "state": "confirmed"})
    assert response.status_code == 302
    assert snapshot(seed) == before


def test_add_by_offsets(seed, editor_client, editor):
    start = seed.raw_text.index("The Astana")
    response = editor_client.post(
        reverse("annotations:flag-add", args=[seed.pk]),
        {"start": start, "end": start + 10, "kind": "related_links"},
        **HTMX,
    )
    assert response.status_code == 200
    flag = seed.artifact_flags.get(kind="related_links")
    assert (flag.text, flag.origin, flag.state, flag.created_by) == (
        "The Astana",
        "editor",
        "confirmed",
        editor,
    )
    assert "The Astana" in response.content.decode()


def test_add_by_quote_without_javascript(seed, editor_client):
    quote = "Russia backs Syrian President Bashar al-Assad"
    response = editor_client.post(
        reverse("annotations:flag-add", args=[seed.pk]), {"quote": quote, "kind": "advert"}
    )
    assert response.status_code == 302
    assert seed.artifact_flags.get(kind="advert").text == quote


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"quote": "Cavusoglu", "kind": "advert"}, "appears 6 times"),
        ({"quote": "not in the text", "kind": "advert"}, "appears 0 times"),
        ({"start": 0, "end": 5, "kind": "bogus"}, "Select a valid choice"),
        ({"start": 5, "end": 999_999, "kind": "advert"}, "inside the article"),
        ({"kind": "advert"}, "Give the start and end offsets"),
    ],
)
def test_invalid_add_changes_nothing(seed, editor_client, data, message):
    before = snapshot(seed)
    response = editor_client.post(reverse("annotations:flag-add", args=[seed.pk]), data, **HTMX)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert snapshot(seed) == before


def test_invalid_add_without_javascript_shows_a_message(seed, editor_client):
    response = editor_client.post(
        reverse("annotations:flag-add", args=[seed.pk]),
        {"quote": "Cavusoglu", "kind": "advert"},
        follow=False,
    )
    assert response.status_code == 302
    messages = [m.message for m in response.wsgi_request._messages]
    assert any("appears 6 times" in m for m in messages)


@pytest.mark.parametrize("client_fixture", ["viewer_client", "checker_client"])
def test_only_editors_decide(seed, request, client_fixture):
    client = request.getfixturevalue(client_fixture)
    before = snapshot(seed)
    for url, data, _ in writes(seed):
        assert client.post(url, data).status_code == 403, url
        assert client.post(url, data, **HTMX).status_code == 403, url
    assert snapshot(seed) == before


def test_every_write_works_for_an_editor(seed, editor_client):
    for url, data, name in writes(seed):
        before = snapshot(seed)
        response = editor_client.post(url, data, **HTMX)
        assert response.status_code == 200, name
        assert snapshot(seed) != before, name


def test_anonymous_users_are_sent_to_login(seed):
    before = snapshot(seed)
    for url, data, _ in writes(seed):
        response = Client().post(url, data)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert snapshot(seed) == before


def test_writes_are_post_only(seed, editor_client):
    for url, _, _ in writes(seed):
        assert editor_client.get(url).status_code == 405


def test_csrf_is_enforced(seed, editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    before = snapshot(seed)
    flag = flag_of(seed, "dateline")
    assert client.post(decide_url(flag), {"state": "confirmed"}).status_code == 403
    assert snapshot(seed) == before
    # With the token from a page, the same request goes through.
    page = client.get(reverse("annotations:article-clean", args=[seed.pk]))
    token = page.cookies["csrftoken"].value
    response = client.post(decide_url(flag), {"state": "confirmed"}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.state == "confirmed"


def test_unknown_flag_or_article_is_404(editor_client):
    assert editor_client.post(reverse("annotations:flag-decide", args=[999]), {}).status_code == 404
    assert editor_client.post(reverse("annotations:flag-undo", args=[999])).status_code == 404
    add = reverse("annotations:flag-add", args=[999])
    assert editor_client.post(add, {"start": 0, "end": 1, "kind": "advert"}).status_code == 404
    assert editor_client.get(reverse("annotations:article-clean", args=[999])).status_code == 404


def test_flagged_text_is_escaped_in_the_panel_and_the_clean_view(editor_client, editor):
    article = imported(f"A title\n\nBody before {XSS} and after.\n\nSecond {XSS} paragraph.")
    start = article.raw_text.index(XSS)
    flag = flagging.add_flag(
        article=article, start=start, end=start + len(XSS), kind="html_markup", user=editor
    )
    assert flag.text == XSS and flag.state == "confirmed"
    panel = editor_client.post(decide_url(flag), {"state": "confirmed"}, **HTMX).content.decode()
    clean = editor_client.get(reverse("annotations:article-clean", args=[article.pk]))
    clean_html = clean.content.decode()
    escaped = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"
    for html in (panel, clean_html):
        assert "<script>alert" not in html
    assert f'<q class="flag-text">{escaped}</q>' in panel
    # The confirmed one is gone; the second occurrence (not confirmed) stays, escaped.
    assert "Body before and after." in clean_html
    assert f"Second {escaped} paragraph." in clean_html


def test_clean_view_leaves_confirmed_artifacts_out(seed, viewer_client, editor):
    flagging.decide_kind(article=seed, kind="dead_comments", user=editor, state="confirmed")
    flagging.decide_kind(article=seed, kind="comment_form", user=editor, state="dismissed")
    response = viewer_client.get(reverse("annotations:article-clean", args=[seed.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There are no comments." not in html
    assert "LEAVE A COMMENT" in html  # dismissed: stays
    assert "February 04 2020" in html  # still only suggested


def test_clean_text_download(seed, checker_client, editor):
    for flag in seed.artifact_flags.all():
        flagging.decide_flag(flag=flag, user=editor, state="confirmed")
    response = checker_client.get(reverse("annotations:article-clean-txt", args=[seed.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="turkey-calls-on-russia-to-help-stop-syrian-aggression-in-idlib.txt"'
    )
    body = response.content.decode("utf-8")
    assert body == flagging.article_clean_text(seed) + "\n"
    assert body.startswith("Turkey calls on Russia")
    assert "AFP/" not in body and "\u00a0" not in body and "comments" not in body


def test_download_name_falls_back_for_titles_without_latin_letters(editor_client):
    article = imported("Σύνοδος κορυφής στην Αθήνα\n\nΚείμενο του άρθρου εδώ.")  # noqa: RUF001
    response = editor_client.get(reverse("annotations:article-clean-txt", args=[article.pk]))
    assert f'filename="article-{article.pk}.txt"' in response["Content-Disposition"]
    assert response.content.decode("utf-8").startswith("Σύνοδος κορυφής")


def _grow(article: Article, n: int) -> None:
    """Add ``n`` one-character suggestions (distinct offsets) to the article."""
    flagging.store_suggestions(
        article=article,
        findings=[Finding(i, i + 1, kind="separator", reason="r") for i in range(400, 400 + n)],
    )


@pytest.mark.parametrize("extra", [0, 60])
def test_panel_query_count_is_constant(seed, editor_client, django_assert_max_num_queries, extra):
    _grow(seed, extra)
    flag = flag_of(seed, "dateline")
    # The flag, its kind's counts, the pending badge, the text around it and the progress.
    # + 1: the approved-article check on the locked review row (issue 11.2)
    # + 6: the article's counters refreshed in the decision's transaction.
    with django_assert_max_num_queries(25):
        response = editor_client.post(decide_url(flag), {"state": "confirmed"}, **HTMX)
    assert response.status_code == 200
    assert response.content.decode().count('class="flag-item') == 1


@pytest.mark.parametrize("extra", [0, 60])
def test_clean_views_query_count_is_constant(
    seed, editor_client, editor, django_assert_max_num_queries, extra
):
    _grow(seed, extra)
    flagging.decide_kind(article=seed, kind="separator", user=editor, state="confirmed")
    with django_assert_max_num_queries(7):
        response = editor_client.get(reverse("annotations:article-clean", args=[seed.pk]))
    assert response.status_code == 200
    with django_assert_max_num_queries(6):
        response = editor_client.get(reverse("annotations:article-clean-txt", args=[seed.pk]))
    assert response.status_code == 200


def test_panel_on_the_article_page_is_read_only_for_viewers(seed, viewer_client, editor_client):
    url = reverse("annotations:article-detail", args=[seed.pk])
    viewer_html = viewer_client.get(url).content.decode()
    assert 'id="flag-panel"' in viewer_html and "9 pending" in viewer_html
    assert "There are no comments." in viewer_html
    for write_url, _, _ in writes(seed):
        assert write_url not in viewer_html
    assert 'name="csrfmiddlewaretoken"' not in viewer_html.split('id="flag-panel"')[1]
    editor_html = editor_client.get(url).content.decode()
    assert decide_url(flag_of(seed, "dateline")) in editor_html
    # Bulk buttons only where a kind has more than one pending flag.
    assert "Confirm all 3 pending" in editor_html
    assert "Confirm all 1 pending" not in editor_html
