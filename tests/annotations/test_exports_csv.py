"""The sentence CSV: columns, formula-safe cells, the list page's filters, streaming."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from annotations.exports.base import selected_articles
from annotations.exports.sentences_csv import HEADER, export_csv, safe_cell
from annotations.models import ArtifactFlag, Claim
from tests.annotations.export_data import worked_article
from tests.factories import article_with_sentences
from tests.factories import fact_check as check

pytestmark = pytest.mark.django_db
URL = reverse("annotations:sentences-csv")


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def download(client, query: str = "") -> str:
    response = client.get(URL + query)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="sentences.csv"'
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("a=1", "a=1"),
        ("", ""),
        (-5, -5),
    ],
)
def test_cells_that_a_spreadsheet_would_run_are_neutralised(value, expected):
    assert safe_cell(value) == expected


def test_every_text_cell_of_the_download_is_formula_safe(viewer_client, editor):
    article = article_with_sentences(2, title="=cmd|' /C calc'!A0", byline="x")
    first = article.sentence_list[0]
    fc = check(first, "false", assignee=editor)
    fc.verdict, fc.note = "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3"
    fc.save()
    Claim.objects.create(
        sentence=first,
        article=article,
        start=first.start,
        end=first.end,
        quote="+quote",
        claimant="",
    )
    rows = rows_of(download(viewer_client))
    row = rows[0]
    assert row["article_title"] == "'=cmd|' /C calc'!A0"
    assert row["verdict"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert row["note"] == "'-2+3"
    assert row["claims"] == "'+quote"
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_columns_status_verdict_claims_assignee_flags(editor, fact_checker, viewer_client):
    article = worked_article(editor, fact_checker)
    rows = rows_of(download(viewer_client))
    assert list(rows[0]) == list(HEADER)
    assert len(rows) == article.sentences.count()
    false = next(r for r in rows if r["status"] == "false")
    assert false["verdict"] == "No: the ministry said six, not seven."
    assert false["assignee"] == "fact_checker"
    assert false["claims"].startswith("Cavusoglu: ")
    assert "advert (confirmed)" in false["flags"]
    assert false["workflow_state"] == "approved"
    assert {r["status"] for r in rows} >= {"false", "accurate", "opinion", "unchecked"}
    assert all(r["text"] for r in rows)


def test_flags_are_listed_on_every_sentence_they_overlap():
    article = article_with_sentences(4)
    s = article.sentence_list
    ArtifactFlag.objects.create(
        article=article, kind="advert", start=s[1].end - 2, end=s[2].start + 1
    )
    text = "".join(export_csv(selected_articles()))
    flags = [r["flags"] for r in rows_of(text)]
    assert flags == ["", "advert (suggested)", "advert (suggested)", ""]


def test_the_list_filters_choose_the_articles(viewer_client):
    article_with_sentences(2, title="Harbour flood")
    article_with_sentences(3, title="Rail strike")
    assert {r["article_title"] for r in rows_of(download(viewer_client, "?q=harbour"))} == {
        "Harbour flood"
    }
    assert len(rows_of(download(viewer_client))) == 5
    assert viewer_client.get(URL + "?state=bogus").status_code == 400
    assert viewer_client.get(URL + "?q=" + "a" * 2001).status_code == 400


def test_the_list_page_links_to_the_csv_of_its_filter(viewer_client):
    article_with_sentences(1)
    page = viewer_client.get(reverse("annotations:article-list") + "?q=art")
    assert f'href="{URL}?q=art"' in page.content.decode()


def test_login_is_needed(client):
    response = client.get(URL)
    assert response.status_code == 302


def test_batches_split_one_article_and_queries_do_not_grow(django_assert_max_num_queries):
    article_with_sentences(7)
    article_with_sentences(5)
    with django_assert_max_num_queries(12):
        text = "".join(export_csv(selected_articles(), batch=3))
    assert [int(r["position"]) for r in rows_of(text)] == [*range(7), *range(5)]


@pytest.mark.parametrize("n", [2, 10])
def test_download_queries_are_constant(viewer_client, n, django_assert_max_num_queries):
    for _ in range(n):
        article_with_sentences(3)
    with django_assert_max_num_queries(14):
        assert len(rows_of(download(viewer_client))) == 3 * n
