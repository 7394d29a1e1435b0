"""The import_articles and analyze commands, through call_command."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from newsroom.models import Article, Block, Sentence

ROOT = Path(__file__).resolve().parents[2]
SEED = "seeds/000_cfff4d70fc50ad02.txt"
SEED_TITLE = "Turkey calls on Russia to help stop Syrian 'aggression' in Idlib"


def run(*args: str, stdin: bytes | None = None) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    options = {"stdout": out, "stderr": err}
    if stdin is not None:
        options["stdin"] = io.BytesIO(stdin)
    call_command(*args, **options)
    return out.getvalue(), err.getvalue()


def counts() -> tuple[int, int, int]:
    return Article.objects.count(), Block.objects.count(), Sentence.objects.count()


@pytest.fixture(autouse=True)
def _in_repo_root(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.mark.django_db
def test_import_seeds_twice_imports_each_once() -> None:
    out, err = run("import_articles", "seeds/")
    imported = Article.objects.count()
    assert (
        imported == len([p for p in (ROOT / "seeds").iterdir() if p.suffix == ".txt"]) + 2 + 3
    )  # the text seeds, the JSON list of 2, the JSONL of 3
    assert out.startswith(f"Imported {imported} articles (")
    assert ", 0 already imported, 0 failed." in out
    assert "\r" not in err  # no progress bar when stderr is not a terminal
    before = counts()
    out, _ = run("import_articles", "seeds/")
    assert out == f"Imported 0 articles (0 sentences), {imported} already imported, 0 failed.\n"
    assert counts() == before
    seed = Article.objects.get(origin_name=SEED)
    assert seed.title == SEED_TITLE
    assert seed.sentences.filter(block__role="body").count() == 10


@pytest.mark.django_db
def test_failures_exit_non_zero_after_importing_the_good_ones(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Good title\nA good body.")
    (tmp_path / "bad.jsonl").write_bytes(b'{"text": "fine"}\n{"text": \n{"body": "also fine"}\n')
    (tmp_path / "notes.md").write_text("not an article")
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"1 article\(s\) failed"):
        call_command("import_articles", str(tmp_path), stdout=io.StringIO(), stderr=err)
    assert Article.objects.count() == 3
    lines = err.getvalue().splitlines()
    assert f"{tmp_path / 'bad.jsonl'}:2: malformed JSON: Expecting value (column 10)" in lines
    assert any(line.startswith(f"{tmp_path / 'notes.md'}: skipped") for line in lines)


class TerminalIO(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.django_db
def test_progress_bar_only_on_a_terminal() -> None:
    err = TerminalIO()
    call_command("import_articles", "seeds/", stdout=io.StringIO(), stderr=err)
    assert " articles" in err.getvalue() and "\r" in err.getvalue()


@pytest.mark.django_db
def test_stdin_text_and_jsonl() -> None:
    out, _ = run("import_articles", "-", stdin=b"Piped title\nPiped body.")
    article = Article.objects.get()
    assert (article.title, article.origin_name, article.origin_format) == (
        "Piped title",
        "<stdin>",
        "text",
    )
    data = b'{"title": "A", "text": "One."}\n{"title": "B", "text": "Two."}\n'
    out, _ = run("import_articles", "-", "--format", "jsonl", stdin=data)
    assert out.startswith("Imported 2 articles")
    assert list(Article.objects.filter(origin_format="jsonl").values_list("origin_index")) == [
        (1,),
        (0,),
    ]


@pytest.mark.django_db
def test_dry_run_and_user(django_user_model) -> None:
    out, _ = run("import_articles", "--dry-run", "seeds/")
    assert out.startswith("Would import ") and counts() == (0, 0, 0)
    with pytest.raises(CommandError, match="no user named 'ghost'"):
        run("import_articles", "--user", "ghost", SEED)
    user = django_user_model.objects.create_user("importer")
    run("import_articles", "--user", "importer", SEED)
    assert Article.objects.get().imported_by == user


# analyze: no django_db mark, so pytest-django fails any database access.


def test_analyze_json_prints_one_object_per_article_with_offsets() -> None:
    out, _ = run("analyze", "--json", "seeds/")
    objects = [json.loads(line) for line in out.splitlines()]
    assert len(objects) >= 9
    for obj in objects:
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
        text = obj["text"]
        for sentence in obj["sentences"]:
            block = obj["blocks"][sentence["block"]]
            assert block["start"] <= sentence["start"] < sentence["end"] <= block["end"]
            piece = text[sentence["start"] : sentence["end"]]
            assert piece == piece.strip() and piece
        for artifact in obj["artifacts"]:
            assert 0 <= artifact["start"] < artifact["end"] <= len(text)
    seed = next(o for o in objects if o["source"] == SEED)
    assert seed["title"] == SEED_TITLE
    assert seed["published"] == "2020-02-04T14:32:00+00:00"
    assert seed["text"] == (ROOT / SEED).read_text()
    body = [s for s in seed["sentences"] if seed["blocks"][s["block"]]["role"] == "body"]
    assert len(body) == 10
    jsonl = [o for o in objects if o["source"].endswith(".jsonl")]
    assert [o["index"] for o in jsonl] == [0, 1, 2]


def test_analyze_summary_stdin_and_errors() -> None:
    out, _ = run("analyze", "-", stdin=b"Stdin title\nOne. Two.")
    assert out.startswith("<stdin>: 'Stdin title' (no date); blocks: 1 title, 1 body; 3 sentences")
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"1 article\(s\) could not be read"):
        call_command(
            "analyze",
            "-",
            "--format",
            "json",
            stdin=io.BytesIO(b"[{}]"),
            stdout=io.StringIO(),
            stderr=err,
        )
    assert (
        err.getvalue()
        == "<stdin> record 1: missing text: the record needs a 'text' or 'body' field\n"
    )


def test_analyze_runs_without_any_database() -> None:
    env = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:9/no_such_database"}
    done = subprocess.run(
        [sys.executable, "manage.py", "analyze", "--json", SEED],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["title"] == SEED_TITLE
