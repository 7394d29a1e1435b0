"""Issue 10: input that used to crash the importer or half-write a file.

Every case goes through the real importer: ``call_command("import_articles", ...)`` and
the upload page through the test client, on whichever database the run uses (SQLite by
default, PostgreSQL with DATABASE_URL). The kill tests start ``manage.py
import_articles`` in a subprocess and look for its children in /proc.
"""

from __future__ import annotations

import html
import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from newsroom.models import Article, Block, Sentence

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
URL = reverse("newsroom:import")
DATE_SETTINGS = "(NEWSROOM_MIN_PUBLISHED_YEAR / NEWSROOM_MAX_PUBLISHED_YEARS_AHEAD)"


def counts() -> tuple[int, int, int]:
    return Article.objects.count(), Block.objects.count(), Sentence.objects.count()


def years_ahead(years: int) -> date:
    today = datetime.now(UTC).date()
    try:
        return today.replace(year=today.year + years)
    except ValueError:  # 29 February
        return today.replace(year=today.year + years, day=28)


def date_refusal(value: str, first: str = "1900-01-01", years: int = 10) -> str:
    return f"published {value} is outside {first}..{years_ahead(years)} {DATE_SETTINGS}"


def import_command(*args: str) -> tuple[str, list[str], bool]:
    """Run import_articles; its stdout, its stderr lines, and whether it failed."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_articles", *args, stdout=out, stderr=err)
    except CommandError as exc:
        err.write(f"CommandError: {exc}\n")
        failed = True
    else:
        failed = False
    return out.getvalue(), err.getvalue().splitlines(), failed


def good_line(n: int) -> str:
    return json.dumps({"title": f"Article {n}", "text": f"Body of article {n}. A second one."})


def feed(tmp_path: Path, bad: str, *, name: str = "feed.jsonl", bad_line: int = 121) -> Path:
    """150 JSON Lines, each a two-sentence article, with ``bad`` on line ``bad_line``."""
    lines = [good_line(n) for n in range(1, 151)]
    lines[bad_line - 1] = bad
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def record(**fields: object) -> str:
    return json.dumps({"title": "Bad one", "text": "Body of the bad one.", **fields})


# (bad JSON Lines record, message after "file:121: ")
BAD_RECORDS = {
    "surrogate-in-text": (
        r'{"title": "Bad one", "text": "Caf\ud800 au lait."}',
        r"'text' contains a lone surrogate \ud800 at offset 3, which cannot be stored as UTF-8",
    ),
    "surrogate-in-title": (
        r'{"title": "B\udfffd", "text": "Body."}',
        r"'title' contains a lone surrogate \udfff at offset 1, which cannot be stored as UTF-8",
    ),
    "surrogate-in-url": (
        r'{"text": "Body.", "url": "https://example.com/\udc80"}',
        r"'url' contains a lone surrogate \udc80 at offset 20, which cannot be stored as UTF-8",
    ),
    "surrogate-in-byline": (
        r'{"text": "Body.", "byline": "\ud83d"}',
        r"'byline' contains a lone surrogate \ud83d at offset 0, which cannot be stored as UTF-8",
    ),
    "surrogate-in-source": (
        r'{"text": "Body.", "source": "Post \ude00"}',
        r"'source' contains a lone surrogate \ude00 at offset 5, which cannot be stored as UTF-8",
    ),
    "surrogate-in-published": (
        r'{"text": "Body.", "published": "2020-01-01\udc80"}',
        r"'published' is not an ISO 8601 date or time: '2020-01-01\udc80'",
    ),
    "integer-of-5000-digits": (
        '{"text": "Body.", "views": ' + "9" * 5000 + "}",
        f"JSON number with more than {sys.get_int_max_str_digits()} digits",
    ),
    "nested-100000-deep": (
        '{"text": "Body.", "extra": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "JSON nested too deeply (more than about 1,000 levels of lists or objects)",
    ),
    "year-10000-in-utc": (
        record(published="9999-12-31T23:59:59-12:00"),
        date_refusal("9999-12-31T23:59:59-12:00"),
    ),
    "year-0-in-utc": (
        record(published="0001-01-01T00:00:00+14:00"),
        date_refusal("0001-01-01T00:00:00+14:00"),
    ),
    "before-1900": (
        record(published="1899-12-31T23:59:59+00:00"),
        date_refusal("1899-12-31T23:59:59+00:00"),
    ),
    "too-many-sentences": (
        record(text="Rain fell again. " * 5001),
        "article has 5001 sentences, over the limit of 5000 (NEWSROOM_MAX_SENTENCES_PER_ARTICLE)",
    ),
    "too-many-blocks": (
        record(text="\n".join(["A paragraph."] * 2001)),
        "article has 2001 blocks (paragraphs, captions, ...), over the limit of 2000 "
        "(NEWSROOM_MAX_BLOCKS_PER_ARTICLE)",
    ),
    "nul-character": (
        r'{"text": "Body \u0000 here."}',
        "NUL character in 'text'",
    ),
}


def assert_the_other_149_are_whole() -> None:
    """The good records of the feed, each with its block and both its sentences."""
    assert counts() == (149, 149, 298)
    titles = set(Article.objects.values_list("title", flat=True))
    assert titles == {f"Article {n}" for n in range(1, 151) if n != 121}
    assert not Article.objects.filter(sentences__isnull=True).exists()


# --- The command line ------------------------------------------------------------------


@pytest.mark.parametrize(("bad", "message"), BAD_RECORDS.values(), ids=BAD_RECORDS.keys())
def test_a_bad_record_on_line_121_fails_alone_on_the_command_line(
    tmp_path: Path, bad: str, message: str
) -> None:
    path = feed(tmp_path, bad)
    out, err, failed = import_command(str(path), "--jobs", "0")
    assert failed  # non-zero exit status
    assert f"{path}:121: {message}" in err
    assert not any("Traceback" in line for line in err)
    assert out == "Imported 149 articles (298 sentences), 0 already imported, 1 failed.\n"
    assert_the_other_149_are_whole()
    # Idempotent: the same file again adds nothing and reports the same record.
    out, err, failed = import_command(str(path), "--jobs", "0")
    assert failed and f"{path}:121: {message}" in err
    assert out == "Imported 0 articles (0 sentences), 149 already imported, 1 failed.\n"
    assert_the_other_149_are_whole()


@pytest.mark.parametrize(
    "case", ["surrogate-in-text", "year-10000-in-utc", "nested-100000-deep", "too-many-blocks"]
)
def test_the_analysis_worker_reports_bad_records_the_same_way(tmp_path: Path, case: str) -> None:
    """With --jobs 1 the second batch (lines 101-150) is analysed in a worker process."""
    bad, message = BAD_RECORDS[case]
    path = feed(tmp_path, bad)
    out, err, failed = import_command(str(path), "--jobs", "1")
    assert failed and f"{path}:121: {message}" in err
    assert out == "Imported 149 articles (298 sentences), 0 already imported, 1 failed.\n"
    assert_the_other_149_are_whole()


def test_caps_come_from_settings_and_reach_the_worker(tmp_path: Path, settings) -> None:
    settings.NEWSROOM_MAX_SENTENCES_PER_ARTICLE = 3
    settings.NEWSROOM_MAX_BLOCKS_PER_ARTICLE = 2
    path = feed(tmp_path, record(text="One. Two. Three. Four."))
    lines = path.read_text().splitlines()
    lines[9] = record(title="Three blocks", text="One.\nTwo.\nThree.")
    lines[129] = record(title="Exactly three", text="One. Two.\nThree.")  # at the caps: in
    path.write_text("\n".join(lines))
    out, err, failed = import_command(str(path), "--jobs", "1")
    assert failed
    assert [line for line in err if line.startswith(str(path))] == [
        f"{path}:10: article has 3 blocks (paragraphs, captions, ...), over the limit of 2 "
        "(NEWSROOM_MAX_BLOCKS_PER_ARTICLE)",
        f"{path}:121: article has 4 sentences, over the limit of 3 "
        "(NEWSROOM_MAX_SENTENCES_PER_ARTICLE)",
    ]
    assert out.startswith("Imported 148 articles")
    assert Article.objects.filter(title="Exactly three").get().sentences.count() == 3


def test_a_huge_article_of_short_sentences_is_refused(tmp_path: Path) -> None:
    """The issue's case: a 1.9 MB article with ~170,000 sentences used to import."""
    path = tmp_path / "huge.json"
    path.write_text(json.dumps({"title": "Huge", "text": "It rained. " * 172_000}))
    assert path.stat().st_size > 1_890_000
    _, err, failed = import_command(str(path))
    assert failed
    assert err[0] == (
        f"{path}: article has 172000 sentences, over the limit of 5000 "
        "(NEWSROOM_MAX_SENTENCES_PER_ARTICLE)"
    )
    assert counts() == (0, 0, 0)


def test_json_files_with_a_long_integer_or_deep_nesting_fail_as_a_file(tmp_path: Path) -> None:
    (tmp_path / "long.json").write_text('[{"text": "Body.", "n": ' + "1" * 4301 + "}]")
    (tmp_path / "deep.json").write_text('{"text": "Body.", "x": ' + '{"a": ' * 50_000)
    (tmp_path / "deeper.json").write_text("[" * 100_000 + "]" * 100_000)
    (tmp_path / "fine.json").write_text(
        '{"title": "Nested a little", "text": "Body.", "x": ' + "[" * 200 + "]" * 200 + "}"
    )
    out, err, failed = import_command(str(tmp_path))
    assert failed
    assert sorted(err[:3]) == [
        f"{tmp_path / 'deep.json'}: JSON nested too deeply (more than about 1,000 levels "
        "of lists or objects)",
        f"{tmp_path / 'deeper.json'}: JSON nested too deeply (more than about 1,000 levels "
        "of lists or objects)",
        f"{tmp_path / 'long.json'}: JSON number with more than 4300 digits",
    ]
    assert out.startswith("Imported 1 article (1 sentences), 0 already imported, 3 failed.")
    assert Article.objects.get().title == "Nested a little"


def test_a_surrogate_pair_is_a_character_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "emoji.jsonl"
    path.write_text(r'{"title": "Smile \ud83d\ude00", "text": "Body \ud83d\ude00 here."}')
    out, _, failed = import_command(str(path))
    assert not failed and out.startswith("Imported 1 article")
    article = Article.objects.get()
    assert (article.title, article.raw_text) == ("Smile \U0001f600", "Body \U0001f600 here.")


# --- Dates -------------------------------------------------------------------------------


def test_dates_at_the_edges_of_the_range(tmp_path: Path) -> None:
    last = years_ahead(10)
    path = tmp_path / "edges.jsonl"
    rows = [
        ("first", "1900-01-01T00:00:00+00:00"),
        ("last", f"{last}T00:00:00+00:00"),
        ("after", f"{years_ahead(11)}T00:00:00+00:00"),
        ("west", "1899-12-31T23:00:00-01:00"),  # 1900-01-01 00:00 UTC: in
    ]
    path.write_text(
        "\n".join(json.dumps({"title": t, "text": "B.", "published": p}) for t, p in rows)
    )
    _, err, failed = import_command(str(path))
    assert failed
    assert err[0] == f"{path}:3: {date_refusal(f'{years_ahead(11)}T00:00:00+00:00')}"
    published = dict(Article.objects.values_list("title", "published"))
    assert published == {
        "first": datetime(1900, 1, 1, tzinfo=UTC),
        "last": datetime(last.year, last.month, last.day, tzinfo=UTC),
        "west": datetime(1900, 1, 1, tzinfo=UTC),
    }


def test_the_range_comes_from_settings(tmp_path: Path, settings) -> None:
    settings.NEWSROOM_MIN_PUBLISHED_YEAR = 2000
    settings.NEWSROOM_MAX_PUBLISHED_YEARS_AHEAD = 0  # up to now
    today = years_ahead(0)
    tomorrow = date.fromordinal(today.toordinal() + 1)
    path = tmp_path / "range.jsonl"
    rows = [
        ("old", "1999-12-31T12:00:00Z"),
        ("first", "2000-01-01"),
        ("today", f"{today}T00:00:00+00:00"),
        ("tomorrow", f"{tomorrow}T00:00:00+00:00"),
    ]
    path.write_text(
        "\n".join(json.dumps({"title": t, "text": "B.", "published": p}) for t, p in rows)
    )
    _, err, failed = import_command(str(path))
    assert failed
    assert err[:2] == [
        f"{path}:1: {date_refusal('1999-12-31T12:00:00+00:00', '2000-01-01', 0)}",
        f"{path}:4: {date_refusal(f'{tomorrow}T00:00:00+00:00', '2000-01-01', 0)}",
    ]
    assert set(Article.objects.values_list("title", flat=True)) == {"first", "today"}


def test_a_naive_date_that_leaves_the_range_in_utc_is_refused(tmp_path: Path, settings) -> None:
    settings.TIME_ZONE = "America/New_York"  # 9999-12-31 23:00 there is year 10000 in UTC
    path = feed(tmp_path, record(published="9999-12-31T23:00:00"))
    _, err, failed = import_command(str(path))
    assert failed and f"{path}:121: {date_refusal('9999-12-31T23:00:00')}" in err
    assert_the_other_149_are_whole()


def test_a_dateline_out_of_range_leaves_published_unset(tmp_path: Path) -> None:
    """A dateline is read from the text, not given by the user: ignored, not refused."""
    (tmp_path / "far.txt").write_text("Far title\nJanuary 01 2099 10:00 AM\nThe body.")
    (tmp_path / "near.txt").write_text("Near title\nMarch 05 2030 10:00 AM\nThe body.")
    out, _, failed = import_command(str(tmp_path))
    assert not failed and out.startswith("Imported 2 articles")
    published = dict(Article.objects.values_list("title", "published"))
    assert published == {"Far title": None, "Near title": datetime(2030, 3, 5, 10, tzinfo=UTC)}
    far = Article.objects.get(title="Far title")
    assert list(far.blocks.values_list("role", flat=True)) == ["title", "dateline", "body"]


def test_an_html_date_out_of_range_is_refused(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(
        '<html><head><meta property="article:published_time" '
        'content="9999-12-31T23:59:59-12:00"><title>Page</title></head>'
        "<body><article><h1>Headline</h1><p>A paragraph of the page, long enough to be "
        "the article text.</p></article></body></html>"
    )
    _, err, failed = import_command(str(tmp_path / "page.html"))
    assert failed
    assert err[0] == f"{tmp_path / 'page.html'}: {date_refusal('9999-12-31T23:59:59-12:00')}"
    assert counts() == (0, 0, 0)


def test_analyze_refuses_the_same_dates() -> None:
    err = io.StringIO()
    data = record(published="9999-12-31T23:59:59-12:00").encode()
    with pytest.raises(CommandError, match=r"1 article\(s\) could not be read"):
        call_command(
            "analyze", "-", "--format", "jsonl", stdin=io.BytesIO(data), stdout=io.StringIO(),
            stderr=err,
        )  # fmt: skip
    assert err.getvalue() == f"<stdin>:1: {date_refusal('9999-12-31T23:59:59-12:00')}\n"


def test_an_undecodable_file_name_is_stored_escaped(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.txt")  # not UTF-8: a lone surrogate in Python
    (tmp_path / name).write_text("Odd name\nThe body.")
    out, _, failed = import_command(str(tmp_path))
    assert not failed and out.startswith("Imported 1 article")
    assert Article.objects.get().origin_name == str(tmp_path / "caf\\udce9.txt")


# --- The upload page ---------------------------------------------------------------------


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def page_text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.parametrize(
    "case",
    [
        "surrogate-in-text",
        "surrogate-in-published",
        "integer-of-5000-digits",
        "nested-100000-deep",
        "year-10000-in-utc",
        "year-0-in-utc",
        "too-many-sentences",
    ],
)
def test_a_bad_record_on_line_121_fails_alone_on_the_upload_page(
    editor_client, tmp_path: Path, case: str
) -> None:
    bad, message = BAD_RECORDS[case]
    path = feed(tmp_path, bad)
    response = editor_client.post(URL, {"files": [upload("feed.jsonl", path.read_bytes())]})
    assert response.status_code == 200  # the form again, with the failure listed
    content = page_text(response)
    # One alert for the file: its summary, then the failed line inside it.
    assert (
        "<strong>feed.jsonl</strong>: imported 149 (“Article 1”, “Article 2”, “Article 3” and "
        f'146 more), 1 failed. <ul class="mb-0 mt-1 small"> <li>line 121: {message}</li>'
    ) in " ".join(content.split())
    assert_the_other_149_are_whole()


def multipart(**fields: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body with the given raw bytes per field."""
    boundary = "hardening-boundary"
    parts: list[bytes] = []
    for name, value in fields.items():
        parts += [
            f"--{boundary}".encode(),
            f'Content-Disposition: form-data; name="{name}"'.encode(),
        ]
        parts += [b"", value]
    parts += [f"--{boundary}--".encode(), b""]
    return b"\r\n".join(parts), f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        (
            {"text": b"Title\nCaf\xe9 au lait."},
            "The text holds U+FFFD replacement characters (the first at character 10)",
        ),
        (
            {"text": "Title\nCafé.".encode(), "title": b"Bad \xff\xfe title"},
            "The title holds U+FFFD replacement characters (the first at character 5)",
        ),
        (
            {"text": "Title\nCafé.".encode(), "source": b"\xc3("},
            "The source holds U+FFFD replacement characters (the first at character 1)",
        ),
    ],
)
def test_pasted_text_with_invalid_utf8_is_refused(editor_client, fields: dict, error: str) -> None:
    body, content_type = multipart(**fields)
    response = editor_client.post(URL, body, content_type=content_type)
    assert response.status_code == 200
    assert error in page_text(response)
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"text=Title%0ACaf%E9+au+lait.", "The text holds U+FFFD replacement characters"),
        (b"text=Title%0ACaf\xe9+au+lait.", "The form data is not valid UTF-8"),
    ],
)
def test_urlencoded_text_with_invalid_utf8_is_refused(
    editor_client, body: bytes, error: str
) -> None:
    response = editor_client.post(URL, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert error in page_text(response)
    assert counts() == (0, 0, 0)


def named_upload(filename: bytes) -> tuple[bytes, str]:
    """A multipart body with one file part under the raw ``filename``."""
    body = b"\r\n".join(
        [
            b"--name-boundary",
            b'Content-Disposition: form-data; name="files"; filename="' + filename + b'"',
            b"Content-Type: text/plain",
            b"",
            b"Named title\nThe body.",
            b"--name-boundary--",
            b"",
        ]
    )
    return body, "multipart/form-data; boundary=name-boundary"


@pytest.mark.parametrize("filename", [b"../../../etc/evil.txt", b"..\\..\\windows\\evil.txt"])
def test_uploaded_file_names_are_reduced_to_a_plain_name(editor_client, filename: bytes) -> None:
    """Nothing is ever written to disk under an uploaded name; it is only shown and stored."""
    body, content_type = named_upload(filename)
    response = editor_client.post(URL, body, content_type=content_type)
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "evil.txt: imported 1 (“Named title”)."
    ]
    assert Article.objects.get().origin_name == "evil.txt"


def test_an_upload_whose_name_is_not_utf8_is_dropped_by_django(editor_client) -> None:
    """Django skips a part whose headers are not UTF-8; the form then has no file."""
    body, content_type = named_upload(b"caf\xe9.txt")
    response = editor_client.post(URL, body, content_type=content_type)
    assert response.status_code == 200
    assert "Choose at least one file or paste a text." in page_text(response)
    assert counts() == (0, 0, 0)


def test_pasted_utf8_text_still_imports(editor_client) -> None:
    body, content_type = multipart(text="Café title\nCafé au lait, naïve.".encode())
    response = editor_client.post(URL, body, content_type=content_type)
    assert response.status_code == 302
    assert Article.objects.get().raw_text == "Café title\nCafé au lait, naïve."
    response = editor_client.post(
        URL, b"text=Two%0ACaf%C3%A9.", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 302
    assert Article.objects.filter(raw_text="Two\nCafé.").exists()


# --- Killing the import ------------------------------------------------------------------


def _descendants(root: int) -> set[int]:
    """Live (not zombie) descendants of ``root``, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if state != "Z":
            parents[int(entry.name)] = int(ppid)
    found: set[int] = set()
    todo = [root]
    while todo:
        pid = todo.pop()
        children = {child for child, parent in parents.items() if parent == pid}
        todo.extend(children - found)
        found |= children
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture(scope="module")
def kill_setup(tmp_path_factory) -> tuple[Path, Path]:
    """A migrated SQLite file and a big input (20,000 articles, ~40 s to import)."""
    base = tmp_path_factory.mktemp("kill")
    db = base / "kill.sqlite3"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"],
        cwd=ROOT,
        env=_env(db),
        check=True,
        timeout=300,
    )
    big = base / "big.jsonl"
    paragraph = "The council met on Tuesday. It voted on the plan. Residents spoke for hours."
    with big.open("w") as out:
        for n in range(20_000):
            out.write(json.dumps({"title": f"Kill {n}", "text": f"{paragraph}\n{paragraph} {n}."}))
            out.write("\n")
    return db, big


def _env(db: Path) -> dict[str, str]:
    return {**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{db}"}


def _articles(db: Path) -> int:
    connection = sqlite3.connect(db, timeout=20)
    try:
        return connection.execute("SELECT COUNT(*) FROM newsroom_article").fetchone()[0]
    finally:
        connection.close()


def _restore_sigint() -> None:
    # A shell's background job ignores SIGINT, and Python then keeps it ignored.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_a_killed_worker_costs_nothing_but_time(kill_setup, tmp_path: Path) -> None:
    """The pool breaks; its batches are analysed in the importing process instead."""
    migrated, big = kill_setup
    db = tmp_path / "db.sqlite3"
    shutil.copy(migrated, db)
    small = tmp_path / "small.jsonl"
    with big.open() as source:
        small.write_text("".join(next(source) for _ in range(3000)))
    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_articles", str(small), "--jobs", "1"],
        cwd=ROOT,
        env=_env(db),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while _articles(db) < 200:
            assert process.poll() is None, "the import ended before its worker could be killed"
            assert time.monotonic() < deadline, "the import made no progress"
            time.sleep(0.1)
        workers = [
            pid
            for pid in _descendants(process.pid)
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
        ]
        assert len(workers) == 1
        os.kill(workers[0], signal.SIGKILL)
        out, err = process.communicate(timeout=300)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert "analysis worker failed" in err
    assert out == "Imported 3000 articles (21000 sentences), 0 already imported, 0 failed.\n"
    assert _articles(db) == 3000


@pytest.mark.parametrize("how", ["SIGTERM", "SIGKILL", "SIGINT to the group"])
def test_killing_the_import_ends_its_workers(kill_setup, tmp_path: Path, how: str) -> None:
    migrated, big = kill_setup
    db = tmp_path / "db.sqlite3"
    shutil.copy(migrated, db)
    err = (tmp_path / "stderr").open("w+")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_articles", str(big), "--jobs", "1"],
        cwd=ROOT,
        env=_env(db),
        stdout=subprocess.DEVNULL,
        stderr=err,
        start_new_session=True,  # its own process group, as a terminal would give it
        preexec_fn=_restore_sigint,
    )
    try:
        deadline = time.monotonic() + 120
        # Batch 2 was analysed by the worker once 200 articles are in: it runs for sure.
        while _articles(db) < 200:
            assert process.poll() is None, "the import ended before it could be killed"
            assert time.monotonic() < deadline, "the import made no progress"
            time.sleep(0.2)
        children = _descendants(process.pid)
        # The analysis worker and multiprocessing's resource tracker.
        assert len(children) == 2, children
        if how == "SIGINT to the group":
            os.killpg(process.pid, signal.SIGINT)
        else:
            process.send_signal(getattr(signal, how))
        returncode = process.wait(timeout=60)
        deadline = time.monotonic() + 10
        while (alive := {pid for pid in children if _alive(pid)}) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert alive == set(), f"children still running after {how}"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    err.seek(0)
    stderr = err.read()
    assert "Traceback" not in stderr
    if how == "SIGKILL":
        assert returncode == -signal.SIGKILL
    else:
        assert returncode == 130
        assert "interrupted after " in stderr and "run the same command again" in stderr
    # Whole batches only: every article that got in has its block and its sentences.
    articles = _articles(db)
    connection = sqlite3.connect(db)
    (bare,) = connection.execute(
        "SELECT COUNT(*) FROM newsroom_article a WHERE NOT EXISTS "
        "(SELECT 1 FROM newsroom_sentence s WHERE s.article_id = a.id)"
    ).fetchone()
    connection.close()
    assert articles % 100 == 0 and 200 <= articles < 20_000 and bare == 0
