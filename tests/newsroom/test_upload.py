"""The upload page (newsroom:import) through the test client."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from newsroom.models import Article, Sentence

pytestmark = pytest.mark.django_db

URL = reverse("newsroom:import")


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_anonymous_is_sent_to_login(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["viewer_client", "checker_client"])
def test_viewers_and_fact_checkers_are_forbidden(request, who: str) -> None:
    client = request.getfixturevalue(who)
    assert client.get(URL).status_code == 403
    response = client.post(URL, {"text": "Title\nBody.", "files": [upload("a.txt", b"T\nB.")]})
    assert response.status_code == 403
    assert Article.objects.count() == 0


@pytest.mark.parametrize("who", ["editor_client", "administrator_client"])
def test_editors_see_the_form(request, who: str, django_assert_max_num_queries) -> None:
    client = request.getfixturevalue(who)
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'enctype="multipart/form-data"' in content
    assert '<input type="file" name="files" class="form-control" multiple' in content


def test_editor_uploads_several_files_and_gets_a_message_per_file(editor_client, editor) -> None:
    files = [
        upload("one.txt", b"Uploaded title\nThe body. Two sentences."),
        upload("two.jsonl", b'{"title": "A", "text": "One."}\n{"title": "B", "text": "Two."}\n'),
    ]
    response = editor_client.post(URL, {"files": files})
    assert response.status_code == 302 and response["Location"] == "/"
    assert Article.objects.count() == 3
    assert set(Article.objects.values_list("imported_by", flat=True)) == {editor.pk}
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == [
        "one.txt: imported 1 (“Uploaded title”).",
        "two.jsonl: imported 2 (“A”, “B”).",
    ]
    again = editor_client.post(
        URL, {"files": [upload("one.txt", b"Uploaded title\nThe body. Two sentences.")]}
    )
    # The first post's messages were not displayed (redirect not followed): they come first.
    assert [str(m) for m in get_messages(again.wsgi_request)][2:] == [
        "one.txt: imported 0, 1 already imported (“Uploaded title”)."
    ]
    assert Article.objects.count() == 3


def test_editor_pastes_text_with_title(editor_client) -> None:
    response = editor_client.post(
        URL, {"text": "Body only. Second sentence.", "title": "Pasted", "source": "Desk"}
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.title, article.source.name, article.title_in_text) == ("Pasted", "Desk", False)
    assert article.sentences.count() == 2


def test_failures_show_the_form_with_escaped_messages(editor_client) -> None:
    files = [
        upload("evil.txt", b"<script>alert('title')</script>\nBody with <script>x()</script>."),
        upload("broken.json", b'[{"text": "ok"},\n {"text": }]'),
    ]
    response = editor_client.post(URL, {"files": files})
    assert response.status_code == 200
    content = response.content.decode()
    assert "<script>alert" not in content
    assert (
        "evil.txt: imported 1 (“&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;”)." in content
    )
    assert "broken.json:2: malformed JSON: Expecting value (column 11)" in content
    assert list(Article.objects.values_list("title", flat=True)) == [
        "<script>alert('title')</script>"
    ]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "Choose at least one file or paste a text."),
        ({"text": "   "}, "Choose at least one file or paste a text."),
        ({"files": [upload("notes.md", b"# x")]}, "notes.md: unknown file type"),
        ({"files": [upload("big.txt", b"T\n" + b"x" * 200)]}, "big.txt is larger than 100"),
        ({"text": "T\n" + "x" * 60}, "The text is longer than 50 characters."),
        ({"text": "T\nNUL \x00 here"}, "Null characters are not allowed."),
    ],
)
def test_bad_submissions_are_refused_and_nothing_is_written(
    editor_client, settings, data: dict, error: str
) -> None:
    settings.NEWSROOM_MAX_FILE_BYTES = 100
    settings.NEWSROOM_MAX_ARTICLE_CHARS = 50
    response = editor_client.post(URL, data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert Article.objects.count() == 0 and Sentence.objects.count() == 0


def test_bad_file_content_is_reported_with_nothing_written(editor_client) -> None:
    response = editor_client.post(URL, {"files": [upload("bin.txt", b"\x00\x01\x02binary")]})
    assert response.status_code == 200
    assert "bin.txt:1: binary file: NUL byte at byte 0" in response.content.decode()
    assert Article.objects.count() == 0


def test_csrf_is_enforced(editor) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(URL, {"text": "Title\nBody."})
    assert response.status_code == 403
    assert Article.objects.count() == 0
    client.get(URL)
    token = client.cookies["csrftoken"].value
    response = client.post(URL, {"text": "Title\nBody.", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Article.objects.count() == 1
