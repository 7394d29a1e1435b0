"""Readers and the shared analyse step: no database involved."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from newsroom.readers import (
    Limits,
    Record,
    RecordError,
    Skipped,
    analyse,
    content_hash,
    decode,
    format_for,
    read_paths,
    read_stream,
)

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_cfff4d70fc50ad02.txt"
LIMITS = Limits(max_article_chars=10_000, max_file_bytes=50_000)


def read(data: bytes, format: str, limits: Limits = LIMITS) -> list[Record | RecordError]:
    return list(read_stream(io.BytesIO(data), origin="in.x", format=format, limits=limits))


def only_error(items: list) -> RecordError:
    assert len(items) == 1
    assert isinstance(items[0], RecordError), items[0]
    return items[0]


# --- decoding ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"Title\nBody.", "Title\nBody."),
        ("\ufeffTitle\nCaf\u00e9.".encode(), "Title\nCaf\u00e9."),
        ("\ufeffTitle\nCaf\u00e9.".encode("utf-16-le"), "Title\nCaf\u00e9."),
        ("\ufeffTitle\nCaf\u00e9.".encode("utf-16-be"), "Title\nCaf\u00e9."),
        ("\ufeffTitle\n\U0001f600.".encode("utf-32-le"), "Title\n\U0001f600."),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf32-bom"],
)
def test_decode_accepts_utf8_and_boms_and_strips_the_bom(data: bytes, text: str) -> None:
    assert decode(data, origin="f") == text


@pytest.mark.parametrize(
    ("data", "message", "line"),
    [
        (b"", "empty file", None),
        (b"  \n\t\n", "empty file", None),
        ("\ufeff".encode(), "empty file", None),
        # A binary file has no lines: no line number, and one short message.
        (b"Title\n\x89PNG\x00\x01\x02", "binary file, not text (NUL byte at byte 10)", None),
        ("Title\nBody".encode("utf-16-le"), "binary file, not text (NUL byte at byte 1)", None),
        (b"Title\nline two\nCaf\xe9 au lait", "not valid UTF-8", 3),
        # Lines are counted as the text core counts them (newsroom.text.lines).
        (b"Title\rline two\r\nCaf\xe9 au lait", "not valid UTF-8", 3),
        ("\ufeffTitle\n\x00Body".encode("utf-16-le"), "NUL character", 2),
        ("\ufeffTitle\u2028Two\r\x00Body".encode("utf-16-le"), "NUL character", 3),
    ],
    ids=[
        "empty",
        "blank",
        "bom-only",
        "binary",
        "utf16-no-bom",
        "latin1",
        "latin1-cr",
        "nul-in-utf16",
        "nul-in-utf16-ls-cr",
    ],
)
def test_decode_rejects_bad_bytes_naming_the_line(
    data: bytes, message: str, line: int | None
) -> None:
    with pytest.raises(RecordError) as caught:
        decode(data, origin="dir/a.txt", format="text")
    assert message in caught.value.message
    assert caught.value.line == line
    assert str(caught.value).startswith("dir/a.txt" + (f":{line}" if line else "") + ": ")


# --- formats -------------------------------------------------------------------------


def test_plain_text_record_keeps_the_text_exactly() -> None:
    data = SEED.read_bytes()
    [record] = read(data, "text")
    assert isinstance(record, Record)
    assert record.text == data.decode("utf-8")
    assert record.title is None and record.title_in_text


def test_json_object_and_list_with_documented_fields() -> None:
    one = {
        "title": "A",
        "text": "Body one.",
        "url": "https://example.com/a",
        "published": "2024-01-15T08:30:00+01:00",
        "source": "Ledger",
        "byline": "Ann",
        "extra": [1, 2],
    }
    [record] = read(json.dumps(one).encode(), "json")
    assert record == Record(
        origin="in.x",
        format="json",
        text="Body one.",
        title="A",
        title_in_text=False,
        url="https://example.com/a",
        published=datetime(2024, 1, 15, 7, 30, tzinfo=UTC),
        source="Ledger",
        byline="Ann",
    )
    two = [{"body": "Only a body.\nSecond line."}, {"title": "B", "text": "x"}]
    first, second = read(json.dumps(two).encode(), "json")
    assert first.text == "Only a body.\nSecond line." and first.title_in_text
    assert (second.index, second.location) == (1, "in.x record 2")


def test_jsonl_records_carry_their_line_and_skip_blank_lines() -> None:
    data = b'{"text": "One."}\n\n{"text": "Two.", "title": "T"}\r\n{"text": "Three."}'
    records = read(data, "jsonl")
    assert [(r.index, r.line, r.text) for r in records] == [
        (0, 1, "One."),
        (1, 3, "Two."),
        (2, 4, "Three."),
    ]
    assert records[1].location == "in.x:3"


def test_jsonl_utf16_with_bom() -> None:
    data = '\ufeff{"text": "Caf\u00e9."}\n{"text": "Two."}\n'.encode("utf-16-le")
    assert [r.text for r in read(data, "jsonl")] == ["Caf\u00e9.", "Two."]


def test_jsonl_bad_lines_are_reported_and_good_lines_still_read() -> None:
    data = b"".join(
        [
            b'\xef\xbb\xbf{"text": "Good one."}\n',
            b'{"text": "broken\n',
            b'{"title": "No text"}\n',
            b'{"text": "bad \\u0000 nul"}\n',
            b'{"text": "Caf\xe9"}\n',
            b'{"te\x00xt": "x"}\n',
            b"[1, 2]\n",
            b'{"text": "Good two.", "published": "yesterday"}\n',
            b'{"text": "Good three.", "url": "javascript:alert(1)"}\n',
            b'{"text": "Good four."}\n',
        ]
    )
    items = read(data, "jsonl")
    assert [i.text for i in items if isinstance(i, Record)] == ["Good one.", "Good four."]
    errors = [str(i) for i in items if isinstance(i, RecordError)]
    assert errors == [
        "in.x:2: malformed JSON: Unterminated string starting at (column 10)",
        "in.x:3: missing text: the record needs a 'text' or 'body' field",
        "in.x:4: NUL character in 'text'",
        "in.x:5: not valid UTF-8 (byte 14 of the line)",
        "in.x:6: binary data: NUL byte in the line",
        "in.x:7: expected a JSON object, got list",
        "in.x:8: 'published' is not an ISO 8601 date or time: 'yesterday'",
        "in.x:9: 'url' must be an http:// or https:// address",
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'{"title": "x",\n "text": }', "in.x:2: malformed JSON: Expecting value (column 10)"),
        (b"[]", "in.x: empty JSON list"),
        (b'[{"text": 5}]', "in.x record 1: 'text' must be a string"),
        (b'{"text": "   "}', "in.x: missing text: 'text' is empty"),
        (b'{"text": "x", "title": ["a"]}', "in.x: 'title' must be a string"),
        (b'{"text": "x", "title": "' + b"t" * 501 + b'"}', "in.x: 'title' is longer than 500"),
    ],
)
def test_json_errors_name_file_and_place(data: bytes, expected: str) -> None:
    assert str(only_error(read(data, "json"))).startswith(expected)


def test_oversized_article_and_file_are_rejected_with_the_setting_name() -> None:
    small = Limits(max_article_chars=20, max_file_bytes=100)
    error = only_error(read(b"Title\n" + b"word " * 10, "text", small))
    assert "over the limit of 20 (NEWSROOM_MAX_ARTICLE_CHARS)" in str(error)
    error = only_error(read(b"x" * 101, "text", small))
    assert "larger than 100 bytes (NEWSROOM_MAX_FILE_BYTES)" in str(error)
    items = read(b'{"text": "short"}\n{"text": "' + b"y" * 30 + b'"}\n', "jsonl", small)
    assert isinstance(items[0], Record)
    assert "in.x:2: article is 30 characters" in str(items[1])
    items = read(b'{"text": "short"}\n{"text": "' + b"y" * 200 + b'"}\n', "jsonl", small)
    assert isinstance(items[0], Record)
    assert str(items[1]).startswith("in.x:2: line longer than 100 bytes")


# --- HTML ----------------------------------------------------------------------------

HOSTILE_HTML = """<!doctype html><html><head>
<title>Page title - Site</title>
<meta property="og:site_name" content="The Site">
<meta property="og:url" content="https://example.com/story">
<meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2024-05-02T10:15:00Z">
<style>body { color: red } .secret { }</style>
<script>var stolen = document.cookie;</script>
</head><body>
<nav>Home | World | Sport</nav>
<header><h1>Storm &amp; <em>floods</em> hit the coast</h1></header>
<article>
<p>First paragraph with a <a href="javascript:alert(1)">link</a>.</p>
<script>alert("inline")</script><noscript>Enable JS</noscript>
<p>Second &lt;script&gt;alert(1)&lt;/script&gt; paragraph<br>after a break.</p>
<iframe src="https://evil.example/"><p>frame text</p></iframe>
<svg><text>svg text</text></svg>
<p onclick="steal()">Third <img src=x onerror=alert(1)> paragraph.</p>
</article>
<footer>Copyright footer</footer>
<script>unclosed = "script
"""


def test_html_keeps_readable_text_and_drops_scripts_styles_and_furniture() -> None:
    [record] = read(HOSTILE_HTML.encode(), "html")
    assert isinstance(record, Record)
    assert record.title == "Storm & floods hit the coast"
    assert record.text.split("\n") == [
        "First paragraph with a link.",
        "Second <script>alert(1)</script> paragraph",
        "after a break.",
        "Third paragraph.",
    ]
    for leaked in ("cookie", "inline", "Enable JS", "frame text", "svg text", "color", "unclosed"):
        assert leaked not in record.text
    assert (record.url, record.source, record.byline) == (
        "https://example.com/story",
        "The Site",
        "Jane Roe",
    )
    assert record.published == datetime(2024, 5, 2, 10, 15, tzinfo=UTC)
    assert not record.title_in_text


def test_html_title_falls_back_to_the_title_element_and_empty_pages_fail() -> None:
    [record] = read(b"<title>Only &quot;title&quot;</title><p>Body text.</p>", "html")
    assert (record.title, record.text) == ('Only "title"', "Body text.")
    error = only_error(read(b"<html><script>x()</script><p> </p></html>", "html"))
    assert str(error) == "in.x: no readable text in the HTML"


# --- paths ---------------------------------------------------------------------------


def test_read_paths_walks_directories_sorted_skipping_hidden_and_unknown(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "b" / "two.TXT").write_text("Two\nBody two.")
    (tmp_path / "a.txt").write_text("One\nBody one.")
    (tmp_path / ".secret.txt").write_text("Hidden\nBody.")
    (tmp_path / ".hidden" / "x.txt").write_text("Hidden\nBody.")
    (tmp_path / "notes.md").write_text("# not an article")
    items = list(read_paths([tmp_path], limits=LIMITS))
    assert [type(i).__name__ for i in items] == ["Record", "Skipped", "Record"]
    assert items[0].origin == str(tmp_path / "a.txt")
    assert items[1] == Skipped(str(tmp_path / "notes.md"), items[1].reason)
    assert items[2].origin == str(tmp_path / "b" / "two.TXT")
    # An explicit format applies to files named on the command line.
    [forced] = read_paths([tmp_path / "notes.md"], format="text", limits=LIMITS)
    assert isinstance(forced, Record) and forced.text == "# not an article"
    [missing] = read_paths([tmp_path / "nope.txt"], limits=LIMITS)
    assert isinstance(missing, RecordError) and "cannot open" in str(missing)


@pytest.mark.parametrize(
    ("name", "format"),
    [("a.txt", "text"), ("a.JSON", "json"), ("a.jsonl", "jsonl"), ("a.htm", "html"), ("a", None)],
)
def test_format_for(name: str, format: str | None) -> None:
    assert format_for(name) == format


# --- analyse -------------------------------------------------------------------------


def test_analyse_seed_title_dateline_and_ten_body_sentences() -> None:
    [record] = read(SEED.read_bytes(), "text")
    analysis = analyse(record, tz="Europe/Istanbul")
    assert analysis.title == "Turkey calls on Russia to help stop Syrian 'aggression' in Idlib"
    assert analysis.published == datetime(2020, 2, 4, 14, 32, tzinfo=ZoneInfo("Europe/Istanbul"))
    body = [s for s in analysis.sentences if analysis.layout.blocks[s.block].role.value == "body"]
    assert len(body) == 10
    as_json = analysis.as_json()
    assert as_json["published"] == "2020-02-04T14:32:00+03:00"
    assert {"source", "index", "title", "published", "text", "blocks", "sentences"} <= set(as_json)
    assert {a["kind"] for a in as_json["artifacts"]} >= {"dateline"}


def test_analyse_title_falls_back_to_first_words_and_keeps_record_dates() -> None:
    text = " ".join(f"word{i}" for i in range(30)) + "."
    record = Record(origin="x", format="json", text=text, title_in_text=False)
    analysis = analyse(record)
    assert analysis.title == " ".join(f"word{i}" for i in range(12)) + "…"
    aware = datetime(2020, 1, 1, 12, tzinfo=UTC)
    assert analyse(Record(origin="x", format="json", text="A.", published=aware)).published == (
        aware
    )


def test_content_hash_is_canonical_but_tells_different_content_apart() -> None:
    base = content_hash("Title", "Line one.\nLine two.")
    assert content_hash(" Title ", "Line one.\r\nLine two.\n") == base
    assert content_hash("Title", "Line one.\nLine two!") != base
    assert content_hash("Title 2", "Line one.\nLine two.") != base
    assert content_hash("Cafe\u0301", "x") == content_hash("Caf\u00e9", "x")
