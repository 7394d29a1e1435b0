"""The import service on the real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from newsroom import importing
from newsroom.importing import Status, import_paths, import_record, import_upload
from newsroom.models import Article, Block, Sentence, Source
from newsroom.readers import Record
from newsroom.signals import articles_imported
from tests.factories import UserFactory, imported_article

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED = SEEDS / "000_cfff4d70fc50ad02.txt"
SEED_TITLE = "Turkey calls on Russia to help stop Syrian 'aggression' in Idlib"


def counts() -> tuple[int, int, int]:
    return Article.objects.count(), Block.objects.count(), Sentence.objects.count()


def assert_offsets_hold(article: Article) -> None:
    """Every sentence lies in its block, trimmed, and the sentences cover the block's words."""
    text = article.raw_text
    blocks = list(article.blocks.all())
    sentences = list(article.sentences.select_related("block"))
    assert [s.position for s in sentences] == list(range(len(sentences)))
    previous_end = 0
    for sentence in sentences:
        piece = text[sentence.start : sentence.end]
        assert piece and piece == piece.strip()
        assert sentence.block.start <= sentence.start < sentence.end <= sentence.block.end
        assert sentence.start >= previous_end
        previous_end = sentence.end
    for block in blocks:
        inside = "".join(text[s.start : s.end] for s in sentences if s.block_id == block.pk)
        assert "".join(inside.split()) == "".join(text[block.start : block.end].split())


def test_seed_imports_with_title_date_blocks_and_ten_body_sentences(settings) -> None:
    settings.TIME_ZONE = "Europe/Istanbul"
    summary = import_paths([SEED])
    assert (summary.imported, summary.duplicates, summary.failed) == (1, 0, 0)
    article = Article.objects.get()
    assert article.title == SEED_TITLE
    assert article.published == datetime(2020, 2, 4, 14, 32, tzinfo=ZoneInfo("Europe/Istanbul"))
    assert article.raw_text == SEED.read_text(encoding="utf-8")
    assert (article.origin_name, article.origin_format, article.origin_index) == (
        str(SEED),
        "text",
        0,
    )
    assert article.title_in_text and article.source is None
    assert list(article.blocks.values_list("role", flat=True)) == [
        "title",
        "dateline",
        "caption",
        "caption",
        *["body"] * 7,
        "trailer",
        "trailer",
    ]
    body = [
        article.raw_text[s.start : s.end]
        for s in article.sentences.filter(block__role=Block.Role.BODY)
    ]
    assert len(body) == 10
    assert body[1].startswith('"The [Syrian] regime needs to stop its aggression')
    assert body[1].endswith("his Russian counterpart Sergei Lavrov.")
    assert body[-1].startswith("The Astana and Sochi processes")
    assert_offsets_hold(article)


def test_every_seed_imports_once_and_offsets_hold() -> None:
    first = import_paths([SEEDS])
    assert first.failed == 0 and first.imported == Article.objects.count() >= 9
    before = counts()
    second = import_paths([SEEDS])
    assert (second.imported, second.duplicates, second.failed) == (0, first.imported, 0)
    assert counts() == before
    for article in Article.objects.all():
        assert_offsets_hold(article)
    ledger = Article.objects.get(title="City library to open on Sundays from next month")
    assert ledger.source.name == "Eastern Ledger"
    assert (ledger.byline, ledger.url) == (
        "Anna Kovacs",
        "https://example.com/news/library-sundays",
    )
    assert (ledger.origin_format, ledger.title_in_text) == ("json", False)
    assert Source.objects.filter(name="Valley Post").count() == 1
    # A JSON date without an offset is taken in the configured zone (UTC here).
    bus = Article.objects.get(title="Council delays vote on new bus lanes")
    assert bus.published == datetime(2024, 3, 6, 19, 40, tzinfo=UTC)


def test_reimport_reports_the_existing_article() -> None:
    record = Record(origin="a.txt", format="text", text=SEED.read_text())
    first = import_record(record)
    again = import_record(Record(origin="elsewhere.txt", format="text", text=SEED.read_text()))
    assert first.status == Status.IMPORTED
    assert again.status == Status.DUPLICATE and again.article == first.article
    assert str(again) == f"elsewhere.txt: duplicate {SEED_TITLE!r}"


def test_race_on_the_unique_hash_reports_duplicate(monkeypatch) -> None:
    text = "Race title\nThe body of a raced article."
    winner = import_record(Record(origin="a", format="text", text=text)).article
    before = counts()
    # The pre-check misses (as if the other import committed just after it ran).
    real_existing = importing.lookup.existing
    calls = iter([{}])
    monkeypatch.setattr(
        importing.lookup, "existing", lambda digests: next(calls, None) or real_existing(digests)
    )
    result = import_record(Record(origin="b", format="text", text=text))
    assert result.status == Status.DUPLICATE and result.article == winner
    assert counts() == before


def test_user_and_url_source_are_recorded() -> None:
    user = UserFactory()
    result = import_record(
        Record(
            origin="x.json",
            format="json",
            text="Body.",
            title="T",
            title_in_text=False,
            url="https://www.example.net/a",
        ),
        user=user,
    )
    article = result.article
    assert article.imported_by == user
    assert (article.source.name, article.source.domain) == ("example.net", "example.net")


@pytest.fixture
def failing_receiver() -> Iterator[list[list[str]]]:
    """An ``articles_imported`` receiver that raises when a title contains BOOM; it
    records the titles of every call (a batch, or one article after a rollback)."""
    calls: list[list[str]] = []

    def receiver(sender, *, items, **kwargs) -> None:
        calls.append([article.title for article, _ in items])
        for article, _ in items:
            assert Sentence.objects.filter(article=article).exists()  # saved before the signal
            if "BOOM" in article.title:
                raise RuntimeError("receiver exploded")

    articles_imported.connect(receiver, dispatch_uid="test-failing-receiver")
    yield calls
    articles_imported.disconnect(dispatch_uid="test-failing-receiver")


def test_receiver_that_raises_rolls_back_only_its_article(tmp_path: Path, failing_receiver) -> None:
    records = [
        {"title": "Good one", "text": "First good article."},
        {"title": "BOOM article", "text": "This one makes the receiver raise."},
        {"title": "Good two", "text": "Second good article."},
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records))
    summary = import_paths([path])
    assert (summary.imported, summary.failed) == (2, 1)
    assert str(summary.failures[0]) == (f"{path}:2: not imported (RuntimeError: receiver exploded)")
    # The batch first, rolled back; then each article in its own savepoint.
    assert failing_receiver == [
        ["Good one", "BOOM article", "Good two"],
        ["Good one"],
        ["BOOM article"],
        ["Good two"],
    ]
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Good one", "Good two"]
    assert Block.objects.count() == 2 and Sentence.objects.count() == 2


def test_dry_run_validates_and_writes_nothing(tmp_path: Path, failing_receiver) -> None:
    (tmp_path / "bad.json").write_text("{")
    summary = import_paths([SEEDS, tmp_path], dry_run=True)
    assert summary.imported >= 9 and summary.failed == 1 and summary.sentences > 0
    assert str(summary).startswith(f"Would import {summary.imported} articles")
    assert counts() == (0, 0, 0)
    assert failing_receiver == []


BAD_INPUTS = [
    ("empty.txt", b"", "empty.txt: empty file"),
    ("blank.txt", b"\n \n", "blank.txt: empty file"),
    ("binary.txt", b"GIF89a\x01\x00\x00\xff", "binary.txt: binary file, not text (NUL byte"),
    ("latin1.txt", b"Title\nCaf\xe9 au lait.", "latin1.txt:2: not valid UTF-8"),
    ("nul.json", b'{"text": "a\\u0000b"}', "nul.json: NUL character in 'text'"),
    ("nul.jsonl", b'\n{"text": "a\\u0000b"}', "nul.jsonl:2: NUL character"),
    ("broken.json", b'[{"text": "a"},\n {"text": }]', "broken.json:2: malformed JSON"),
    ("broken.jsonl", b'{"text": "a"\n', "broken.jsonl:1: malformed JSON"),
    ("notext.json", b'[{"title": "x"}]', "notext.json record 1: missing text"),
    ("notext.jsonl", b'{"title": "x", "text": ""}', "notext.jsonl:1: missing text"),
    ("empty.html", b"<script>alert(1)</script>", "empty.html: no readable text"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_is_reported_by_file_and_line_and_nothing_is_written(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    summary = import_paths([path])
    assert summary.imported == 0
    assert summary.failed == 1
    assert str(summary.failures[0]).startswith(str(tmp_path / message))
    assert counts() == (0, 0, 0)


def test_oversized_article_and_file(tmp_path: Path, settings) -> None:
    settings.NEWSROOM_MAX_ARTICLE_CHARS = 100
    settings.NEWSROOM_MAX_FILE_BYTES = 1000
    (tmp_path / "long.txt").write_text("Title\n" + "word " * 40)
    (tmp_path / "huge.txt").write_text("x" * 1001)
    (tmp_path / "ok.txt").write_text("Short title\nA short body.")
    summary = import_paths([tmp_path])
    messages = sorted(str(f) for f in summary.failures)
    assert messages == [
        f"{tmp_path / 'huge.txt'}: file is larger than 1000 bytes (NEWSROOM_MAX_FILE_BYTES)",
        f"{tmp_path / 'long.txt'}: article is 206 characters, over the limit of 100 "
        "(NEWSROOM_MAX_ARTICLE_CHARS)",
    ]
    assert list(Article.objects.values_list("title", flat=True)) == ["Short title"]


def test_boms_are_accepted_and_stripped(tmp_path: Path) -> None:
    (tmp_path / "u8.txt").write_bytes("\ufeffBOM eight\nCaf\u00e9 body.".encode())
    (tmp_path / "u16.txt").write_bytes("BOM sixteen\nCaf\u00e9 body.".encode("utf-16"))
    summary = import_paths([tmp_path])
    assert summary.imported == 2
    texts = dict(Article.objects.values_list("title", "raw_text"))
    assert texts == {
        "BOM eight": "BOM eight\nCaf\u00e9 body.",
        "BOM sixteen": "BOM sixteen\nCaf\u00e9 body.",
    }


def test_html_import_stores_readable_text_only(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(
        "<html><head><title>T</title><script>document.cookie</script></head><body>"
        "<h1>Headline &lt;script&gt;</h1><p>Body <b>text</b>.</p><style>p{}</style>"
        "<p>More &lt;script&gt;alert(1)&lt;/script&gt;.</p></body></html>"
    )
    import_paths([tmp_path])
    article = Article.objects.get()
    assert article.title == "Headline <script>"
    # The headline stays in the text as its title line (trafilatura keeps it).
    assert article.raw_text == "Headline <script>\nBody text.\nMore <script>alert(1)</script>."
    assert (article.origin_format, article.title_in_text) == ("html", True)
    assert list(article.blocks.values_list("role", flat=True)) == ["title", "body", "body"]
    assert_offsets_hold(article)


def test_pasted_text_with_title_is_body_only() -> None:
    [(name, summary)] = import_upload(
        text="First line of the body.\nSecond.", title="Pasted", source="Desk"
    )
    assert name == "pasted text" and summary.imported == 1
    article = Article.objects.get()
    assert (article.title, article.title_in_text, article.source.name) == ("Pasted", False, "Desk")
    assert set(article.blocks.values_list("role", flat=True)) == {"body"}


def test_imported_article_helper_gives_real_sentences() -> None:
    article = imported_article("Helper title\nOne sentence. Another one.", byline="B")
    assert article.title == "Helper title" and article.byline == "B"
    assert article.sentences.count() == 3
    assert imported_article("Helper title\nOne sentence. Another one.") == article
    body_only = imported_article("Just a body. With two.", title="Given", source="S")
    assert body_only.sentences.count() == 2 and body_only.source.name == "S"


LINES = st.lists(
    st.one_of(
        st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00")),
        st.sampled_from(
            ["", '\u00a0 Quote: "Yes." he said. Next one!', "February 04 2020 02:32 PM"]
        ),
    ),
    max_size=8,
)


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=LINES, newline=st.sampled_from(["\n", "\r\n"]))
def test_any_text_imports_with_offsets_into_the_raw_text(lines: list[str], newline: str) -> None:
    text = newline.join(lines)
    result = import_record(Record(origin="h", format="text", text=text))
    if not text.strip():
        assert result.status == Status.FAILED
        return
    assert result.status in (Status.IMPORTED, Status.DUPLICATE), result
    article = result.article
    if result.status == Status.IMPORTED:
        assert article.raw_text == text
    else:  # the same content up to line ends and outer whitespace was imported before
        canonical = "".join(text.split())
        assert "".join(article.raw_text.split()) == canonical
    assert_offsets_hold(article)


@pytest.mark.parametrize("workers", [0, 1])
def test_long_import_in_batches_matches_one_by_one(tmp_path: Path, workers: int) -> None:
    """Several batches (with a worker analysing ahead, or not): input order, duplicates
    within and across batches, a bad record, and each article's rows all kept."""
    lines = [
        json.dumps({"title": f"Article {n % 230}", "text": f"Body {n % 230}. Second line."})
        for n in range(250)  # 20 re-sent articles, in a later batch than their first copy
    ]
    lines[120] = json.dumps({"title": "No text"})
    lines[5] = lines[4]  # a duplicate inside the first batch ("Article 5" comes back at 235)
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(lines))
    seen: list[str] = []
    summary = importing.import_paths(
        [path], workers=workers, progress=lambda result: seen.append(result.location)
    )
    assert seen == [f"{path}:{n}" for n in range(1, 251)]
    assert (summary.imported, summary.duplicates, summary.failed) == (229, 20, 1)
    assert (
        str(summary.failures[0])
        == f"{path}:121: missing text: the record needs a 'text' or 'body' field"
    )
    assert counts() == (229, 229, 458)
    assert Article.objects.filter(title="Article 4").get().origin_index == 4


def batch_file(tmp_path: Path, titles: list[str], *, source: str = "Batch Post") -> Path:
    """A JSON Lines file of articles whose text carries findings (a dateline, a trailer)."""
    path = tmp_path / f"batch-{len(titles)}.jsonl"
    path.write_text(
        "\n".join(
            json.dumps(
                {
                    "title": title,
                    "source": source,
                    "text": f"{title}\nFebruary 04 2020 02:32 PM\nBody of {title}. "
                    "Another sentence.\n\nThere are no comments.",
                }
            )
            for title in titles
        )
    )
    return path


def test_a_batch_costs_the_same_queries_whatever_its_size(tmp_path: Path) -> None:
    """Articles, blocks, sentences, flags and flag history: one INSERT each per batch; the
    batch's counters: one refresh (five reads and one upsert) whatever its size."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from annotations.models import ArtifactFlag

    used = []
    for n in (5, 60):
        path = batch_file(tmp_path, [f"Size {n} article {i}" for i in range(n)], source=f"S{n}")
        with CaptureQueriesContext(connection) as queries:
            summary = import_paths([path])
        assert (summary.imported, summary.failed) == (n, 0)
        used.append(len(queries))
    assert used[0] == used[1] <= 22
    flags = ArtifactFlag.objects.count()
    assert flags >= 2 * 65  # the dateline and the trailer of every article at least
    assert ArtifactFlag.history.filter(history_type="+").count() == flags
    assert counts()[0] == 65 and Source.objects.count() == 2
    for article in Article.objects.all():
        assert_offsets_hold(article)


@pytest.fixture
def refusing_batch_receiver() -> Iterator[list[int]]:
    """An ``articles_imported`` receiver refusing any item titled BOOM; records sizes."""
    from newsroom.signals import articles_imported

    sizes: list[int] = []

    def receiver(sender, *, items, **kwargs) -> None:
        sizes.append(len(items))
        for article, _findings in items:
            assert Sentence.objects.filter(article=article).exists()  # saved before the signal
            if "BOOM" in article.title:
                raise RuntimeError("receiver exploded")

    articles_imported.connect(receiver, dispatch_uid="test-refusing-batch-receiver")
    yield sizes
    articles_imported.disconnect(dispatch_uid="test-refusing-batch-receiver")


def test_a_refused_batch_is_saved_again_one_by_one(tmp_path: Path, refusing_batch_receiver) -> None:
    from annotations.models import ArtifactFlag

    path = batch_file(tmp_path, ["Good one", "Good two", "BOOM three", "Good four"])
    summary = import_paths([path])
    assert (summary.imported, summary.failed) == (3, 1)
    assert str(summary.failures[0]) == f"{path}:3: not imported (RuntimeError: receiver exploded)"
    # The whole batch first (rolled back), then each article in its own savepoint.
    assert refusing_batch_receiver == [4, 1, 1, 1, 1]
    titles = ["Good four", "Good one", "Good two"]
    assert sorted(Article.objects.values_list("title", flat=True)) == titles
    assert Block.objects.exclude(article__title__in=titles).count() == 0
    assert Source.objects.get().name == "Batch Post"
    flags = ArtifactFlag.objects.count()
    assert flags and not ArtifactFlag.objects.exclude(article__title__in=titles).exists()
    assert ArtifactFlag.history.count() == flags
    # The three good ones, one by one, give the same rows as a batch of them would.
    assert sorted(Article.objects.values_list("origin_index", flat=True)) == [0, 1, 3]


def test_a_race_inside_a_batch_fails_over_to_one_by_one(tmp_path: Path, monkeypatch) -> None:
    from annotations.models import ArtifactFlag

    first = import_paths([batch_file(tmp_path, ["Raced"])])
    winner = Article.objects.get()
    assert first.imported == 1
    flags_before = ArtifactFlag.objects.count()
    real_existing = importing.lookup.existing
    calls = iter([{}])  # the batch's duplicate check misses the winner
    monkeypatch.setattr(
        importing.lookup, "existing", lambda digests: next(calls, None) or real_existing(digests)
    )
    summary = import_paths([batch_file(tmp_path, ["Fresh one", "Raced", "Fresh two"])])
    assert (summary.imported, summary.duplicates, summary.failed) == (2, 1, 0)
    assert Article.objects.filter(title="Raced").get() == winner
    assert Article.objects.count() == 3
    assert ArtifactFlag.objects.count() == 3 * flags_before
    assert ArtifactFlag.history.count() == ArtifactFlag.objects.count()


# --- Suggested flags as plain rows --------------------------------------------------------


def _flag_rows(model, article_id: int) -> list[dict]:
    """A table's rows of one article, without ids and timestamps, in a stable order."""
    skip = {"id", "history_id", "history_date", "created_at"}
    names = [f.attname for f in model._meta.concrete_fields if f.name not in skip]
    return sorted(
        (row for row in model.objects.filter(article_id=article_id).values(*names)),
        key=lambda row: (row["start"], row["end"], row["kind"]),
    )


@pytest.mark.parametrize("with_user", [True, False])
def test_flag_and_history_rows_equal_what_simple_history_writes(with_user: bool) -> None:
    """``store_suggestions_many`` writes plain rows: the same columns and values (ids and
    timestamps apart) as ``bulk_create_with_history`` writes for the same flags."""
    from simple_history.utils import bulk_create_with_history

    from annotations import flagging
    from annotations.models import ArtifactFlag
    from newsroom.text.spans import Finding

    user = UserFactory() if with_user else None
    text = "A title\n\nA body sentence that is long enough. Another one follows here."
    ours = imported_article(text, user=user)
    theirs = imported_article(text + " Changed.", user=user)
    ArtifactFlag.objects.filter(article__in=[ours, theirs]).delete()
    ArtifactFlag.history.filter(article_id__in=[ours.pk, theirs.pk]).delete()
    findings = [
        Finding(0, 7, kind="separator", reason="a reason", confidence=0.25),
        Finding(9, 13, kind="advert", reason="x" * 400, confidence=1.0),
        Finding(9, 13, kind="advert", reason="repeated, stored once"),
    ]
    flags = flagging.store_suggestions_many([(ours, findings)])
    unique = flagging._check_findings(theirs, findings)
    bulk_create_with_history(
        [flagging._flag_from_finding(theirs, f) for f in unique],
        ArtifactFlag,
        default_user=theirs.imported_by,
    )
    history = ArtifactFlag.history.model
    mine, reference = _flag_rows(ArtifactFlag, ours.pk), _flag_rows(ArtifactFlag, theirs.pk)
    assert len(mine) == 2 and [row["reason"] for row in mine][1] == "x" * 300
    for row in (*mine, *reference):
        row.pop("article_id")
    assert mine == reference
    mine, reference = _flag_rows(history, ours.pk), _flag_rows(history, theirs.pk)
    for row in (*mine, *reference):
        row.pop("article_id")
    assert mine == reference and len(mine) == 2
    assert {row["history_user_id"] for row in mine} == {user.pk if user else None}
    # Ids and timestamps: every history row points to its flag, dated as it was created.
    stored = {flag.pk: flag for flag in ArtifactFlag.objects.filter(article=ours)}
    assert sorted(stored) == sorted(flag.pk for flag in flags)
    for row in history.objects.filter(article_id=ours.pk):
        assert row.created_at == row.history_date == stored[row.id].created_at
    # The returned flags are the stored ones, field for field.
    for flag in flags:
        saved = stored[flag.pk]
        assert [getattr(flag, f.attname) for f in ArtifactFlag._meta.concrete_fields] == [
            getattr(saved, f.attname) for f in ArtifactFlag._meta.concrete_fields
        ]
