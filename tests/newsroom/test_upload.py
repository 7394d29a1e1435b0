"""The upload page (newsroom:import) through the test client."""

from __future__ import annotations

import lxml.html
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


def alerts(response) -> list[str]:
    """The text of every alert on the page (messages and file reports), spaces squeezed."""
    page = lxml.html.fromstring(response.content.decode())
    return [" ".join(node.text_content().split()) for node in page.find_class("alert")]


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
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in content
    assert alerts(response) == [
        "evil.txt: imported 1 (“<script>alert('title')</script>”).",
        "broken.json: not imported: line 2: malformed JSON: Expecting value (column 11).",
    ]
    assert list(Article.objects.values_list("title", flat=True)) == [
        "<script>alert('title')</script>"
    ]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "Choose at least one file or paste a text."),
        ({"text": "   "}, "Choose at least one file or paste a text."),
        (
            {"text": "T\n" + "x" * 60},
            "Article is 62 characters, over the limit of 50 (NEWSROOM_MAX_ARTICLE_CHARS).",
        ),
        ({"text": "T\nNUL \x00 here"}, "NUL character in the text"),
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
    assert alerts(response) == [
        "bin.txt: not imported: binary file, not text (NUL byte at byte 0); save it as UTF-8 text."
    ]
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


# --- each file on its own (issue 11, items 25-26) -------------------------------------

GOOD_TXT = b"Good title\nThe body of the good file. It has two sentences."
# A binary file with line breaks in it: its "line" means nothing, so none is given.
BINARY = b"GIF89a\n\n" + bytes(range(1, 10)) * 44 + b"\x00" + b"\x01\n" * 10


def test_one_bad_file_does_not_stop_the_others(editor_client, settings) -> None:
    settings.NEWSROOM_MAX_FILE_BYTES = 1000
    assert BINARY.index(b"\x00") == 404
    files = [
        upload("good.txt", GOOD_TXT),
        upload("empty.txt", b""),
        upload("report.pdf", b"%PDF-1.7 ..."),
        upload("random_binary.txt", BINARY),
        upload("big.txt", b"Big\n" + b"word " * 250),
        upload(
            "feed.jsonl",
            b'{"title": "A", "text": "One."}\n{"text": }\n{"title": "B", "text": "Two."}\n',
        ),
    ]
    response = editor_client.post(URL, {"files": files})
    assert response.status_code == 200
    assert sorted(Article.objects.values_list("title", flat=True)) == ["A", "B", "Good title"]
    # One alert per file, in the order chosen, each naming its file.
    assert alerts(response) == [
        "good.txt: imported 1 (“Good title”).",
        "empty.txt: not imported: empty file.",
        "report.pdf: not imported: unknown file type; use one of .htm, .html, .json, .jsonl,"
        " .ndjson, .text, .txt.",
        "random_binary.txt: not imported: binary file, not text (NUL byte at byte 404);"
        " save it as UTF-8 text.",
        "big.txt: not imported: file is larger than 1000 bytes (NEWSROOM_MAX_FILE_BYTES).",
        "feed.jsonl: imported 2 (“A”, “B”), 1 failed. line 2: malformed JSON: Expecting value"
        " (column 10)",
    ]
    page = lxml.html.fromstring(response.content.decode())
    levels = [node.get("class").split()[1] for node in page.find_class("alert")]
    assert levels == [
        "alert-success",
        *["alert-danger"] * 4,
        "alert-warning",
    ]
    assert "choose only those files" in response.content.decode()
    assert not get_messages(response.wsgi_request)  # the reports are not messages too


def test_an_empty_file_is_named_and_the_others_are_imported(editor_client) -> None:
    files = [upload("empty.txt", b""), upload("good.txt", GOOD_TXT)]
    response = editor_client.post(URL, {"files": files})
    assert alerts(response) == [
        "empty.txt: not imported: empty file.",
        "good.txt: imported 1 (“Good title”).",
    ]
    assert "The submitted file is empty." not in response.content.decode()
    assert Article.objects.get().title == "Good title"


def test_only_files_that_are_all_good_redirect_with_a_message_each(editor_client) -> None:
    response = editor_client.post(URL, {"files": [upload("good.txt", GOOD_TXT)]})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "good.txt: imported 1 (“Good title”)."
    ]


def test_uploaded_text_files_take_the_source(editor_client) -> None:
    files = [
        upload("wire.txt", GOOD_TXT),
        upload("own.json", b'{"title": "Own", "text": "Body.", "source": "Own Paper"}'),
        upload("none.json", b'{"title": "None", "text": "Other body."}'),
    ]
    response = editor_client.post(URL, {"files": files, "source": "  Wire Desk "})
    assert response.status_code == 302
    sources = dict(Article.objects.values_list("title", "source__name"))
    # JSON records name their own source (or none): the field is for text without one.
    assert sources == {"Good title": "Wire Desk", "Own": "Own Paper", "None": None}


def test_a_form_error_imports_nothing_and_names_the_files_to_choose_again(editor_client) -> None:
    files = [upload("one.txt", GOOD_TXT), upload("<i>two.txt", b"Two\nBody.")]
    response = editor_client.post(URL, {"files": files, "source": "x" * 201})
    assert response.status_code == 200
    assert Article.objects.count() == 0
    content = response.content.decode()
    assert "Ensure this value has at most 200 characters" in content
    assert alerts(response) == [
        "Nothing was imported. Correct the form below, then choose these files again"
        " (browsers do not keep chosen files): one.txt, <i>two.txt."
    ]
    assert "&lt;i&gt;two.txt" in content


def test_a_failed_pasted_text_is_kept_and_the_files_are_imported(editor_client, settings) -> None:
    settings.NEWSROOM_MAX_BLOCKS_PER_ARTICLE = 2
    pasted = "Pasted title\nOne.\nTwo.\nThree."
    response = editor_client.post(
        URL, {"files": [upload("good.txt", GOOD_TXT)], "text": pasted, "source": "Desk"}
    )
    assert response.status_code == 200
    assert alerts(response) == [
        "good.txt: imported 1 (“Good title”).",
        "pasted text: not imported: article has 4 blocks (paragraphs, captions, ...), over"
        " the limit of 2 (NEWSROOM_MAX_BLOCKS_PER_ARTICLE).",
    ]
    page = lxml.html.fromstring(response.content.decode())
    # (Django writes a newline after <textarea>, which browsers drop and lxml keeps.)
    assert page.get_element_by_id("id_text").text_content().removeprefix("\n") == pasted
    assert page.get_element_by_id("id_source").get("value") == "Desk"
    assert Article.objects.get().source.name == "Desk"


def test_a_cr_only_text_file_imports_with_its_byline_flagged(editor_client) -> None:
    body = (
        "The council approved the new budget on Monday after a long debate about schools.\r"
        "Officials said the plan would add teachers and repair buildings across the district.\r"
    )
    data = ("Budget passes\rBy Jane Doe\r" + body).encode()
    response = editor_client.post(URL, {"files": [upload("mac.txt", data)]})
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.raw_text == data.decode()  # stored as sent, CR and all
    flags = [(f.kind, article.raw_text[f.start : f.end]) for f in article.artifact_flags.all()]
    assert flags == [("byline", "By Jane Doe")]
    texts = [article.raw_text[s.start : s.end] for s in article.sentences.order_by("position")]
    assert texts[0] == "Budget passes" and texts[-1].startswith("Officials said")
