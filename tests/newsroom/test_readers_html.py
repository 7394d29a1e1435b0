"""HTML files through the readers, the importer, the upload page and ``analyze --json``."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from newsroom.models import Article
from newsroom.readers import Limits, Record, RecordError, analyse, read_stream

LIMITS = Limits(max_article_chars=100_000, max_file_bytes=60_000_000)
WORDS = "with enough ordinary words in it to be taken for the article text by anyone"


def page(body: str, head: str = "", title: str = "Café talks \u2013 The Site") -> str:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>{head}"
        f"</head><body>{body}</body></html>"
    )


HEAD = (
    '<meta property="og:site_name" content="The Site">'
    '<meta property="og:url" content="https://example.com/cafe">'
    '<meta name="author" content="Zoë Roe">'
    '<meta property="article:published_time" content="2024-05-02T10:15:00Z">'
)
ARTICLE = page(
    head=HEAD,
    body=(
        "<nav><a href='/'>Home</a> <a href='/w'>World</a></nav><article><h1>Café talks</h1>"
        f"<p>Naïve diners 😀 met at the café, {WORDS}. A second sentence follows here.</p>"
        f"<p>Another paragraph of the story, {WORDS}.</p></article>"
        "<footer>Copyright 2024 The Site</footer>"
    ),
)


def read(html: str, origin: str = "page.html") -> Record | RecordError:
    [item] = read_stream(io.BytesIO(html.encode()), origin=origin, format="html", limits=LIMITS)
    return item


def test_metadata_maps_to_the_record_fields() -> None:
    record = read(ARTICLE)
    assert isinstance(record, Record)
    assert (record.title, record.byline, record.source, record.url) == (
        "Café talks",
        "Zoë Roe",
        "The Site",
        "https://example.com/cafe",
    )
    assert record.published == datetime(2024, 5, 2, 10, 15, tzinfo=UTC)
    assert record.text.split("\n") == [
        "Café talks",
        f"Naïve diners 😀 met at the café, {WORDS}. A second sentence follows here.",
        f"Another paragraph of the story, {WORDS}.",
    ]


def test_a_headline_at_the_top_of_the_text_becomes_the_title_block() -> None:
    record = read(ARTICLE)
    assert record.title_in_text
    analysis = analyse(record)
    assert analysis.title == "Café talks"
    assert [str(block.role) for block in analysis.layout.blocks] == ["title", "body", "body"]


def test_without_the_headline_in_the_text_the_text_is_all_body() -> None:
    record = read(page(f"<article><p>Only the body, {WORDS}.</p></article>", title="Page"))
    assert (record.title, record.title_in_text) == ("Page", False)
    assert [str(b.role) for b in analyse(record).layout.blocks] == ["body"]


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://example.com/a", "https://example.com/a"),
        ("http://example.com/a", "http://example.com/a"),
        ("javascript:alert(1)", ""),
        ("ftp://example.com/a", ""),
        ("/relative/path", ""),
        ("https://example.com/" + "a" * 2_000, ""),
    ],
    ids=["https", "http", "javascript", "ftp", "relative", "too-long"],
)
def test_only_http_urls_within_the_column_length_are_kept(url: str, kept: str) -> None:
    head = f'<link rel="canonical" href="{url}">'
    record = read(page(f"<article><p>Body, {WORDS}.</p></article>", head))
    assert record.url == kept


def test_long_metadata_is_cut_to_the_column_lengths() -> None:
    head = (
        f'<meta name="author" content="{"A" * 400}">'
        f'<meta property="og:site_name" content="{"S" * 300}">'
    )
    record = read(page(f"<article><p>Body, {WORDS}.</p></article>", head, title="T" * 600))
    assert (len(record.source), len(record.title)) == (200, 500)
    assert len(record.byline) <= 300  # trafilatura drops implausibly long authors itself


@pytest.mark.parametrize(
    ("html", "message"),
    [
        (page("<script>x()</script><p> </p>"), "no readable text in the HTML"),
        (page("<div>" * 100_000 + "<p>Deep.</p>"), "HTML is nested more than 255 elements deep"),
        (page("<p>" + "x" * 5_000_001 + "</p>"), "HTML page is 5000"),
    ],
    ids=["no-text", "deep", "huge"],
)
def test_unreadable_pages_are_errors_naming_the_file(html: str, message: str) -> None:
    error = read(html, origin="bad.html")
    assert isinstance(error, RecordError)
    assert str(error).startswith(f"bad.html: {message}")


# --- through the importer, the upload page and analyze -------------------------------


@pytest.mark.django_db
def test_import_articles_command_imports_an_html_file(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(ARTICLE, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_articles", str(tmp_path), stdout=out, stderr=err)
    assert out.getvalue().startswith("Imported 1 article"), (out.getvalue(), err.getvalue())
    article = Article.objects.get()
    assert (article.title, article.origin_format, article.title_in_text) == (
        "Café talks",
        "html",
        True,
    )
    assert (article.byline, article.url, article.source.name) == (
        "Zoë Roe",
        "https://example.com/cafe",
        "The Site",
    )
    assert article.raw_text == read(ARTICLE).text
    assert "Copyright" not in article.raw_text and "Home" not in article.raw_text
    assert list(article.blocks.values_list("role", flat=True)) == ["title", "body", "body"]
    for sentence in article.sentences.all():
        assert article.raw_text[sentence.start : sentence.end] == sentence.text


@pytest.mark.django_db
def test_an_unreadable_html_file_fails_alone(tmp_path: Path) -> None:
    (tmp_path / "a_good.html").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b_empty.html").write_text(page("<script>x()</script>"), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match=r"^1 article\(s\) failed"):
        call_command("import_articles", str(tmp_path), stdout=out, stderr=err)
    assert f"{tmp_path / 'b_empty.html'}: no readable text in the HTML" in err.getvalue()
    assert Article.objects.get().title == "Café talks"


@pytest.mark.django_db
def test_upload_page_imports_an_html_file(editor_client) -> None:
    upload = SimpleUploadedFile("page.html", ARTICLE.encode(), content_type="text/html")
    response = editor_client.post(reverse("newsroom:import"), {"files": [upload]})
    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.title, article.origin_name, article.title_in_text) == (
        "Café talks",
        "page.html",
        True,
    )
    assert article.raw_text.startswith("Café talks\nNaïve diners 😀")


def test_analyze_json_on_an_html_file_keeps_its_contract(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(ARTICLE, encoding="utf-8")
    out = io.StringIO()
    call_command("analyze", "--json", str(path), stdout=out, stderr=io.StringIO())
    [obj] = [json.loads(line) for line in out.getvalue().splitlines()]
    assert list(obj) == [
        "source",
        "index",
        "title",
        "published",
        "text",
        "blocks",
        "sentences",
        "artifacts",
    ]
    assert (obj["source"], obj["index"], obj["title"]) == (str(path), 0, "Café talks")
    assert obj["published"] == "2024-05-02T10:15:00+00:00"
    text = obj["text"]
    assert text == read(ARTICLE).text
    # Offsets count code points: the emoji is one character, not two UTF-16 units.
    assert [(b["role"], text[b["start"] : b["end"]]) for b in obj["blocks"]] == [
        ("title", "Café talks"),
        ("body", f"Naïve diners 😀 met at the café, {WORDS}. A second sentence follows here."),
        ("body", f"Another paragraph of the story, {WORDS}."),
    ]
    sentences = [text[s["start"] : s["end"]] for s in obj["sentences"]]
    assert sentences[1] == f"Naïve diners 😀 met at the café, {WORDS}."
    assert sentences[2] == "A second sentence follows here."
    for artifact in obj["artifacts"]:
        assert 0 <= artifact["start"] < artifact["end"] <= len(text)
