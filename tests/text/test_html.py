"""newsroom.text.html: an HTML page -> text and metadata, bounded on hostile input."""

from __future__ import annotations

import logging
import socket
import time
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsroom.text.html import HtmlError, HtmlExtract, extract

WORDS = "with enough ordinary words in it to be taken for the article text by anyone"


def page(body: str, head: str = "", title: str = "Storm hits the coast - The Site") -> str:
    return (
        f"<!doctype html><html lang='en'><head><title>{title}</title>{head}</head>"
        f"<body>{body}</body></html>"
    )


ARTICLE = page(
    head=(
        '<meta property="og:site_name" content="The Site">'
        '<link rel="canonical" href="https://example.com/2024/storm">'
        '<meta name="author" content="Jane Roe">'
        '<meta property="article:published_time" content="2024-05-02T10:15:00+02:00">'
        "<style>p { color: red }</style><script>var stolen = document.cookie;</script>"
    ),
    body=(
        "<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a></nav>"
        "<article><h1>Storm hits the coast</h1>"
        f"<p>The first paragraph of the story, {WORDS}.</p>"
        "<h2>Roads closed</h2>"
        f"<p>The second paragraph<br>goes on after a line break, {WORDS}.</p>"
        "<ul><li>First item of the list</li><li>Second item of the list</li></ul>"
        f"<p>The third paragraph &amp; the last one, {WORDS}.</p>"
        "</article><footer>Copyright 2024 The Site</footer>"
    ),
)


def test_text_has_one_line_per_paragraph_heading_and_list_item() -> None:
    result = extract(ARTICLE)
    assert result.text.split("\n") == [
        "Storm hits the coast",
        f"The first paragraph of the story, {WORDS}.",
        "Roads closed",
        "The second paragraph",
        f"goes on after a line break, {WORDS}.",
        "- First item of the list",
        "- Second item of the list",
        f"The third paragraph & the last one, {WORDS}.",
    ]


def test_a_short_page_keeps_inline_formatting_on_its_line() -> None:
    # Short pages go to trafilatura's last resort, which puts every text node on a line.
    body = (
        "<h1>Short</h1><p>Some <b>bold</b> and <a href='/x'>linked</a> words.</p>"
        "<p>A <em>b</em>.</p>"
    )
    assert extract(page(body)).text == "Short\nSome bold and linked words.\nA b."


def test_metadata_comes_from_the_page() -> None:
    result = extract(ARTICLE)
    assert result == HtmlExtract(
        text=result.text,
        # The text begins with the <h1>: the title is exactly that line.
        title="Storm hits the coast",
        author="Jane Roe",
        published=datetime(2024, 5, 2, 10, 15, tzinfo=timezone(timedelta(hours=2))),
        sitename="The Site",
        url="https://example.com/2024/storm",
    )


@pytest.mark.parametrize(
    ("head", "published"),
    [
        ('<meta property="article:published_time" content="2024-05-02T08:15:00Z">',
         datetime(2024, 5, 2, 8, 15, tzinfo=UTC)),
        ('<meta property="article:published_time" content="2024-05-02T08:15:00">',
         datetime(2024, 5, 2, 8, 15)),
        # Out of any sensible range, but as the page says: the importer refuses it.
        ('<meta property="article:published_time" content="9999-12-31T23:59:59-12:00">',
         datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-12)))),
        # No meta tag: htmldate reads the JSON-LD (a date without a time is naive midnight).
        ('<script type="application/ld+json">{"@type": "NewsArticle", '
         '"datePublished": "2023-03-04"}</script>', datetime(2023, 3, 4)),
        ('<meta property="article:published_time" content="last Tuesday">', None),
        ("", None),
    ],
    ids=["utc", "naive", "far-future", "json-ld-date", "unparsable", "none"],
)  # fmt: skip
def test_published_keeps_the_time_and_offset_when_the_page_gives_them(
    head: str, published: datetime | None
) -> None:
    assert extract(page(f"<article><p>Body, {WORDS}.</p></article>", head)).published == published


def test_title_without_a_headline_in_the_text() -> None:
    result = extract(page(f"<article><p>Only a paragraph, {WORDS}.</p></article>", title="T"))
    assert (result.title, result.text) == ("T", f"Only a paragraph, {WORDS}.")


def test_headline_is_recognised_when_the_page_title_adds_the_site_name() -> None:
    body = f"<article><h2>Storm hits the coast</h2><p>Body, {WORDS}.</p></article>"
    result = extract(page(body, title="Storm hits the coast | The Site"))
    assert result.text.split("\n")[0] == result.title == "Storm hits the coast"


LEAKS = {
    "script": "<script>var leaked = 'script text';</script>",
    "style": "<style>.leaked { content: 'style text' }</style>",
    "noscript": "<noscript>Enable noscript text</noscript>",
    "svg": "<svg><text>svg text</text></svg>",
    "template": "<template><p>template text</p></template>",
    "iframe": "<iframe src='https://evil.example/'><p>iframe text</p></iframe>",
    "hidden": "<div hidden><p>hidden text that nobody sees on the page</p></div>",
    "display-none": "<p style='display: none'>display none text nobody sees</p>",
    "unclosed-script": "<script>unclosed = 'script text",
}


@pytest.mark.parametrize("name", list(LEAKS))
def test_code_styles_and_hidden_text_never_reach_the_text(name: str) -> None:
    body = f"<article><p>First, {WORDS}.</p>{LEAKS[name]}<p>Second, {WORDS}.</p></article>"
    if name == "unclosed-script":
        body = f"<article><p>First, {WORDS}.</p><p>Second, {WORDS}.</p></article>{LEAKS[name]}"
    text = extract(page(body)).text
    assert text == f"First, {WORDS}.\nSecond, {WORDS}."


def test_escaped_markup_is_kept_as_plain_text() -> None:
    body = f"<article><p>Write &lt;script&gt;alert(1)&lt;/script&gt; here, {WORDS}.</p></article>"
    assert extract(page(body)).text == f"Write <script>alert(1)</script> here, {WORDS}."


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   \n ",
        page(""),
        page("<script>x()</script><p> </p><p>\u00a0</p>"),
        page("<img src='a.png'><br><hr>"),
    ],
    ids=["empty", "whitespace", "empty-body", "script-and-blanks", "no-text-elements"],
)
def test_a_page_without_readable_text_is_an_error(html: str) -> None:
    with pytest.raises(HtmlError, match=r"^no readable text in the HTML$"):
        extract(html)


def test_a_page_given_up_on_logs_no_warning(caplog) -> None:
    # The importer prints the error; trafilatura's "discarding data" would come on top.
    with caplog.at_level(logging.WARNING), pytest.raises(HtmlError):
        extract(page("<script>x()</script>"))
    assert caplog.records == []


# --- hostile input ---------------------------------------------------------------------


def test_too_large_a_page_is_refused_before_parsing() -> None:
    huge = page("<p>" + "x" * 50_000_000 + "</p>")  # the importer's 50 MiB file limit
    started = time.process_time()
    with pytest.raises(HtmlError, match=r"^HTML page is 50000\d+ characters, over the limit"):
        extract(huge)
    assert time.process_time() - started < 1
    with pytest.raises(HtmlError, match=r"over the limit of 100$"):
        extract(ARTICLE, max_chars=100)


def test_nesting_beyond_the_parser_limit_is_refused_not_cut_short() -> None:
    deep = page("<div>" * 100_000 + f"<p>Deep, {WORDS}.</p>" + "</div>" * 100_000)
    with pytest.raises(HtmlError, match=r"^HTML is nested more than 255 elements deep"):
        extract(deep)


def test_nesting_beyond_max_depth_is_refused() -> None:
    deep = page("<div>" * 60 + f"<p>Deep, {WORDS}.</p>" + "</div>" * 60)
    assert extract(deep).text == f"Deep, {WORDS}."
    with pytest.raises(
        HtmlError, match=r"^HTML is nested 6\d elements deep, over the limit of 50$"
    ):
        extract(deep, max_depth=50)


def test_too_many_elements_are_refused() -> None:
    many = page("<article>" + "<p>Item.</p>" * 2_000 + "</article>")
    with pytest.raises(HtmlError, match=r"^HTML page has 200\d elements, over the limit of 1000$"):
        extract(many, max_elements=1_000)


@pytest.mark.parametrize(
    "body",
    [
        "<p>" + "".join(f"<span>w{i}</span> " for i in range(20_000)) + "</p>",
        "".join("<p>" + "".join(f"<b>w{i}</b> " for i in range(99)) + "</p>" for _ in range(200)),
    ],
    ids=["one-paragraph", "many-paragraphs"],
)
def test_masses_of_inline_elements_take_bounded_time(body: str) -> None:
    # Unbounded, trafilatura takes minutes on the first page (12,000 spans: 46 s).
    started = time.process_time()
    result = extract(page(f"<article>{body}<p>Last, {WORDS}.</p></article>"))
    assert time.process_time() - started < 15
    assert result.text.endswith(f"Last, {WORDS}.")


@pytest.mark.parametrize(
    "html",
    [
        "\x00\x01\x02<p>\x0b\x1f control characters \ufffe</p>",
        "<?xml version='1.0' encoding='latin-1'?><html><body><p>Caf\u00e9 \U0001f600</p>",
        "<p>lone \ud800 surrogate</p>",
        "<<<>>></p></div><!-- <p>comment</p> --><![CDATA[ x ]]>&#0;&#xD800;&bogus;",
        "\ufeff<html><body><p>BOM</p></body></html>",
    ],
    ids=["controls", "xml-declaration", "surrogate", "broken-markup", "bom"],
)
def test_garbage_gives_text_or_an_error_and_never_a_crash(html: str) -> None:
    try:
        result = extract(html)
    except HtmlError:
        return
    assert not any(ord(c) < 32 and c not in "\t\n" for c in result.text)
    assert "\ud800" not in result.text and "\ufffe" not in result.text


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("<>/&;p div")))
def test_any_string_gives_an_extract_or_an_html_error(html: str) -> None:
    try:
        result = extract(html)
    except HtmlError:
        return
    assert result.text and result.text == result.text.strip()
    assert "\n\n" not in result.text


def test_nothing_is_ever_fetched(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("network access")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    links = (
        '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
        '<meta property="og:url" content="http://127.0.0.1:9/page">'
    )
    body = (
        "<article><img src='http://127.0.0.1:9/a.png'><iframe src='http://127.0.0.1:9/'>"
        f"</iframe><p>Body, {WORDS}.</p></article>"
    )
    result = extract(page(body, links))
    assert (result.text, result.url) == (f"Body, {WORDS}.", "http://127.0.0.1:9/page")
    # A URL given as the page is text, never an address to download.
    assert extract("http://127.0.0.1:9/article.html").text == "http://127.0.0.1:9/article.html"
