"""Article identity and revisions on re-import (issue 13), on the real database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsroom.identity import identity_hash, identity_key, normalise_url
from newsroom.importing import Status, import_paths, import_record
from newsroom.models import Article, ArticleRevision, Block, Sentence
from newsroom.readers import Record
from newsroom.signals import RETIRED_POSITION, article_revised
from tests.factories import UserFactory

BODY = (
    "The council approved the budget on Monday.\n"
    "Spending on schools rises 5% next year, the mayor said.\n"
    "Opposition members voted against it.\n"
)
EDITED = (
    "The council approved the budget on Monday.\n"
    "Spending on schools rises 7% next year, the mayor said.\n"
    "Opposition members voted against it.\n"
)
URL = "https://www.example.org/news/budget/"


def record(text: str = BODY, *, url: str = URL, title: str = "Budget passes", **fields) -> Record:
    return Record(
        origin="feed.jsonl",
        format="jsonl",
        text=text,
        title=title,
        title_in_text=False,
        url=url,
        **fields,
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("HTTP://WWW.Example.ORG:80/a/", "https://example.org/a"),
        ("https://example.org:443/a?utm_source=x&utm_medium=y", "https://example.org/a"),
        ("https://example.org/a?b=2&fbclid=abc&a=1&gclid=z", "https://example.org/a?a=1&b=2"),
        ("https://example.org/a#comments", "https://example.org/a"),
        ("https://user:pw@example.org./a", "https://example.org/a"),
        ("https://example.org:8080/a", "https://example.org:8080/a"),
        ("https://example.org/", "https://example.org"),
        ("https://example.org/A/b", "https://example.org/A/b"),  # paths are case-sensitive
        ("ftp://example.org/a", ""),
        ("https:///nohost", ""),
        ("https://example.org:99999/a", ""),
        ("", ""),
    ],
)
def test_normalise_url(url: str, expected: str) -> None:
    assert normalise_url(url) == expected


def test_identity_prefers_the_external_id_scoped_by_source() -> None:
    assert identity_key(url=URL) == "url:https://example.org/news/budget"
    assert identity_key(url=URL, external_id="42", source="Daily") == "id:Daily\x1f42"
    assert identity_hash(external_id="42", source="Daily") != identity_hash(
        external_id="42", source="Weekly"
    )
    assert identity_hash() is None and identity_hash(url="mailto:x@example.org") is None


pytestmark = pytest.mark.django_db


def test_same_url_and_text_is_already_imported() -> None:
    first = import_record(record())
    again = import_record(record(url="http://example.org/news/budget?utm_campaign=rss"))
    assert (first.status, again.status) == (Status.IMPORTED, Status.DUPLICATE)
    assert again.article == first.article
    assert Article.objects.count() == 1 and ArticleRevision.objects.count() == 0


def test_same_url_and_edited_text_is_a_new_revision_keeping_the_old_one() -> None:
    user = UserFactory(username="importer")
    first = import_record(record())
    article = first.article
    old_sentences = list(article.sentences.values_list("id", "start", "end"))
    result = import_record(
        record(EDITED, url="http://EXAMPLE.org/news/budget/?fbclid=1"), user=user
    )

    assert result.status == Status.REVISED and result.article.pk == article.pk
    assert "revision 2" in str(result.message)
    article.refresh_from_db()
    assert (Article.objects.count(), article.revision, article.raw_text) == (1, 2, EDITED)
    assert article.revised_by == user and article.revised_at is not None
    # The new text has its own blocks and sentences; none of the old rows is left.
    sentences = list(article.sentences.all())
    assert [s.position for s in sentences] == [0, 1, 2]
    assert [EDITED[s.start : s.end] for s in sentences][1].startswith(
        "Spending on schools rises 7%"
    )
    assert not Sentence.objects.filter(position__gte=RETIRED_POSITION).exists()
    assert not Block.objects.filter(position__gte=RETIRED_POSITION).exists()
    assert not {pk for pk, *_ in old_sentences} & {s.pk for s in sentences}
    # The old text and offsets are kept, read-only.
    [previous] = article.revisions.all()
    assert (previous.number, previous.raw_text, previous.title) == (1, BODY, "Budget passes")
    assert [s[:2] for s in previous.sentences] == [[start, end] for _, start, end in old_sentences]
    assert [s[3] for s in previous.sentences] == [pk for pk, *_ in old_sentences]
    assert previous.sentence_texts()[1] == "Spending on schools rises 5% next year, the mayor said."
    assert previous.superseded_by == user and previous.blocks[0][0] == "body"


def test_an_old_text_arriving_late_is_already_imported_not_a_revert() -> None:
    import_record(record())
    import_record(record(EDITED))
    stale = import_record(record(BODY))
    assert stale.status == Status.DUPLICATE
    article = Article.objects.get()
    assert (article.revision, article.raw_text) == (2, EDITED)


def test_a_third_revision_keeps_both_earlier_ones() -> None:
    import_record(record())
    import_record(record(EDITED))
    third = import_record(record(EDITED + "A late paragraph was added.\n"))
    assert third.status == Status.REVISED
    article = Article.objects.get()
    assert article.revision == 3
    assert list(article.revisions.values_list("number", "raw_text")) == [(1, BODY), (2, EDITED)]


def test_other_url_same_text_stays_already_imported_and_other_url_new_text_is_new() -> None:
    import_record(record())
    assert import_record(record(url="https://other.example/x")).status == Status.DUPLICATE
    assert import_record(record(EDITED, url="https://other.example/x")).status == Status.IMPORTED
    assert Article.objects.count() == 2


def test_records_without_url_or_id_never_become_revisions() -> None:
    import_record(record(url=""))
    assert import_record(record(EDITED, url="")).status == Status.IMPORTED
    assert Article.objects.count() == 2 and set(
        Article.objects.values_list("identity", flat=True)
    ) == {None}


def test_external_id_in_json_lines_identifies_the_article(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    lines = [
        {
            "id": 1,
            "external_id": 981,
            "source": "Daily",
            "title": "T",
            "text": BODY,
            "url": "https://daily.example/2026/budget-5-percent",
        },
        # The slug changed with the correction: the external id still says it is the same.
        {
            "external_id": "981",
            "source": "Daily",
            "title": "T",
            "text": EDITED,
            "url": "https://daily.example/2026/budget-7-percent",
        },
        # Another feed's 981 is another article.
        {"external_id": 981, "source": "Weekly", "title": "T", "text": EDITED + "Weekly.\n"},
    ]
    feed.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    summary = import_paths([feed])
    assert (summary.imported, summary.revised, summary.duplicates, summary.failed) == (2, 1, 0, 0)
    assert "1 revised (text changed)" in str(summary)
    daily = Article.objects.get(source__name="Daily")
    assert (daily.external_id, daily.revision, daily.raw_text) == ("981", 2, EDITED)
    assert daily.url == "https://daily.example/2026/budget-7-percent"


def test_json_external_id_must_be_a_string_or_an_integer(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"external_id": [1], "text": BODY}) + "\n", encoding="utf-8")
    summary = import_paths([feed])
    assert summary.failed == 1
    assert "'external_id' must be a string" in summary.failures[0].message


def test_both_versions_in_one_batch_give_one_article_with_two_revisions(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        "\n".join(json.dumps({"title": "T", "text": t, "url": URL}) for t in (BODY, EDITED, BODY))
        + "\n",
        encoding="utf-8",
    )
    summary = import_paths([feed])
    assert (summary.imported, summary.revised, summary.duplicates) == (1, 1, 1)
    article = Article.objects.get()
    assert (article.revision, article.raw_text) == (2, EDITED)


def test_a_failing_receiver_rolls_the_revision_back() -> None:
    first = import_record(record()).article
    sentences = list(first.sentences.values_list("id", "start", "end"))

    def refuse(sender, **kwargs):
        raise RuntimeError("receiver says no")

    article_revised.connect(refuse, dispatch_uid="test-refuse")
    try:
        result = import_record(record(EDITED))
    finally:
        article_revised.disconnect(dispatch_uid="test-refuse")
    assert result.status == Status.FAILED
    assert "new revision not saved (RuntimeError: receiver says no)" in result.message
    article = Article.objects.get()
    assert (article.revision, article.raw_text) == (1, BODY)
    assert list(article.sentences.values_list("id", "start", "end")) == sentences
    assert not ArticleRevision.objects.exists()


def test_new_articles_cost_the_same_queries_with_identities(
    tmp_path: Path, django_assert_max_num_queries
) -> None:
    """The batch path for new articles: a fixed number of queries for 2 or 30 articles (one
    query looks up duplicates, earlier revisions and identities together)."""

    def feed(n: int, name: str) -> Path:
        path = tmp_path / name
        rows = [
            {
                "title": f"T{i}",
                "text": f"Body {name} number {i}.\n",
                "url": f"https://x.test/{name}/{i}",
            }
            for i in range(n)
        ]
        path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
        return path

    import_paths([feed(1, "warm.jsonl")])  # the source row exists from here on
    with django_assert_max_num_queries(17) as one:  # 11 + the batch's counters refresh (6)
        import_paths([feed(2, "a.jsonl")])
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert import_paths([feed(30, "b.jsonl")]).imported == 30


def test_an_identity_saved_by_a_concurrent_import_makes_a_revision(monkeypatch) -> None:
    """Another import saved the same url between our lookup and our insert: the unique
    identity refuses the insert, and the record becomes that article's new revision."""
    from newsroom import importing

    first = import_record(record()).article
    lookup = importing.lookup.lookup
    calls = []

    def stale_lookup(digests, identities):
        calls.append(identities)
        return ({}, {}) if len(calls) == 1 else lookup(digests, identities)

    monkeypatch.setattr(importing.lookup, "lookup", stale_lookup)
    result = import_record(record(EDITED))
    assert result.status == Status.REVISED and result.article.pk == first.pk
    assert Article.objects.get().revision == 2


def test_a_dry_run_says_which_records_would_be_revisions(tmp_path: Path) -> None:
    import_record(record())
    feed = tmp_path / "feed.jsonl"
    rows = [{"title": "Budget passes", "text": EDITED, "url": URL}, {"text": "New one.", "url": ""}]
    feed.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    summary = import_paths([feed], dry_run=True)
    assert (summary.imported, summary.revised) == (1, 1)
    assert str(summary).startswith("Would import 1 article (1 sentences), 1 revised (text changed)")
    article = Article.objects.get()
    assert (article.revision, article.raw_text) == (1, BODY)
