"""``manage.py export`` (every format, stdout or --output) and ``manage.py import_lossless``."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from annotations.models import Claim
from tests.annotations.export_data import worked_article
from tests.annotations.test_exports_lossless import empty_database
from tests.factories import article_with_sentences

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("export", *args, stdout=out)
    return out.getvalue()


def test_json_export_import_export_through_the_commands_is_identical(
    tmp_path, editor, fact_checker
):
    worked_article(editor, fact_checker)
    article_with_sentences(2, title="Second")
    first = tmp_path / "first.json"
    call_command("export", "--format", "json", "--output", str(first))
    empty_database()
    out = io.StringIO()
    call_command("import_lossless", str(first), stdout=out)
    assert "2 articles created, 0 merged" in out.getvalue()
    second = tmp_path / "second.json"
    call_command("export", "--output", str(second))
    assert second.read_bytes() == first.read_bytes()

    Claim.objects.all().delete()
    out = io.StringIO()
    call_command("import_lossless", str(first), stdout=out)
    assert "0 articles created, 2 merged" in out.getvalue()
    assert "approved articles here, left as they are" in out.getvalue()


def test_every_format_on_stdout_and_article_selection(editor, fact_checker):
    article = worked_article(editor, fact_checker)
    other = article_with_sentences(2, title="Other")
    rows = list(csv.DictReader(io.StringIO(run("--format", "csv", "--article", str(other.pk)))))
    assert {r["article_title"] for r in rows} == {"Other"} and len(rows) == 2
    reviews = json.loads(run("--format", "claimreview", "--base-url", "https://x.example"))
    assert len(reviews["@graph"]) == 3
    assert reviews["@graph"][0]["url"].startswith(f"https://x.example/articles/{article.pk}/")
    annotations = json.loads(run("--format", "w3c", "--article", str(article.pk)))
    assert annotations["type"] == "AnnotationCollection" and annotations["total"] > 0
    document = json.loads(run("--article", str(other.pk), "--article", str(article.pk)))
    assert [a["title"] for a in document["articles"]] == [article.title, "Other"]


def test_claimreview_leaves_out_drafts_unless_asked(editor, fact_checker):
    worked_article(editor, fact_checker, approve=False)
    assert json.loads(run("--format", "claimreview"))["@graph"] == []
    assert len(json.loads(run("--format", "claimreview", "--drafts"))["@graph"]) == 3


def test_unknown_article_is_an_error():
    with pytest.raises(CommandError, match="no article with id 999"):
        run("--article", "999")


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "not valid JSON"), ('{"format": "x"}', "Not a newsroom-lossless document")],
)
def test_import_refuses_what_is_not_a_lossless_export(tmp_path, content, message):
    path = tmp_path / "in.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("import_lossless", str(path))


def test_import_of_a_missing_file_or_user_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_lossless", str(tmp_path / "none.json"))
    with pytest.raises(CommandError, match="no user named 'ghost'"):
        call_command("import_lossless", str(tmp_path / "none.json"), "--user", "ghost")
