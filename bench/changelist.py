"""Time the Article admin changelist and the article list over a large newsroom.

Builds, with bulk_create (not the importer), ARTICLES articles of SENTENCES sentences
each, with fact-check statuses, assignees, artifact flags (suggested and confirmed) and
workflow states, in a temporary SQLite database (or a temporary PostgreSQL database
created next to --database-url and dropped afterwards). Then requests pages with the
test client as an editor and prints median and p95 server time and the query count.

    .venv/bin/python bench/changelist.py                  # 10,000 x 25 on SQLite
    .venv/bin/python bench/changelist.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/changelist.py --articles 1000 --requests 10
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--sentences", type=int, default=25, help="sentences per article")
    parser.add_argument("--requests", type=int, default=30, help="requests per page")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server URL; a temporary database is created there and dropped",
    )
    return parser.parse_args()


def temporary_postgres(url: str) -> tuple[str, callable]:
    import psycopg
    from psycopg import sql

    name = f"nr_bench_{os.getpid()}"
    base = url.rsplit("/", 1)[0]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))

    return f"{base}/{name}", drop


def build(n_articles: int, n_sentences: int) -> object:
    """Fill the database; returns the editor user."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from annotations.models import ArticleReview, ArtifactFlag, FactCheck
    from annotations.roles import EDITOR, FACT_CHECKER
    from newsroom.models import Article, Block, Sentence, Source

    rng = random.Random(42)
    users = get_user_model()
    editor = users.objects.create_user("bench_editor", password="x", is_staff=True)  # noqa: S106
    editor.groups.add(Group.objects.get(name=EDITOR))
    checkers = []
    for i in range(8):
        user = users.objects.create_user(f"checker{i}", password="x")  # noqa: S106
        user.groups.add(Group.objects.get(name=FACT_CHECKER))
        checkers.append(user)
    sources = Source.objects.bulk_create([Source(name=f"Source {i}") for i in range(20)])

    sentence_text = "Officials said on Tuesday that the figures were {} percent higher."
    head = "Headline of the article\n\nFebruary 04 2020 02:32 PM\n\n"
    statuses = [s.value for s in FactCheck.Status]
    weights = [30, 15, 8, 7, 20, 4, 3, 5, 8]
    states = [s.value for s in ArticleReview.State]
    batch = 500
    for first in range(0, n_articles, batch):
        count = min(batch, n_articles - first)
        articles = []
        texts = []
        for i in range(first, first + count):
            body = " ".join(sentence_text.format(k) for k in range(n_sentences))
            text = head + body + "\n\nThere are no comments.\n"
            texts.append(text)
            articles.append(
                Article(
                    title=f"Article {i}: officials report figures",
                    url=f"https://example.org/news/{i}",
                    source=sources[i % len(sources)],
                    published=None,
                    raw_text=text,
                    content_hash=f"{i:064x}",
                )
            )
        articles = Article.objects.bulk_create(articles)
        # published dates spread over a year (bulk_create keeps auto_now_add for imported_at)
        from datetime import UTC, datetime, timedelta

        for k, article in enumerate(articles):
            article.published = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(hours=first + k)
        Article.objects.bulk_update(articles, ["published"])
        blocks = Block.objects.bulk_create(
            [
                Block(
                    article=a,
                    position=0,
                    role=Block.Role.BODY,
                    start=len(head),
                    end=len(t) - len("\n\nThere are no comments.\n"),
                )
                for a, t in zip(articles, texts, strict=True)
            ]
        )
        sentences = []
        for article, block in zip(articles, blocks, strict=True):
            offset = len(head)
            for k in range(n_sentences):
                length = len(sentence_text.format(k))
                sentences.append(
                    Sentence(
                        article=article,
                        block=block,
                        position=k,
                        start=offset,
                        end=offset + length,
                    )
                )
                offset += length + 1
        sentences = Sentence.objects.bulk_create(sentences, batch_size=5000)
        checks = []
        for sentence in sentences:
            status = rng.choices(statuses, weights)[0]
            if status == "unchecked" and rng.random() < 0.8:
                continue  # most unchecked sentences have no row at all
            checks.append(
                FactCheck(
                    sentence=sentence,
                    article_id=sentence.article_id,
                    status=status,
                    assignee=rng.choice(checkers) if rng.random() < 0.4 else None,
                )
            )
        FactCheck.objects.bulk_create(checks, batch_size=5000)
        flags = []
        for article, text in zip(articles, texts, strict=True):
            dateline = text.index("February")
            flags.append(
                ArtifactFlag(
                    article=article,
                    kind="dateline",
                    start=dateline,
                    end=dateline + 25,
                    state=rng.choice(["suggested", "confirmed"]),
                )
            )
            tail = text.index("There are no comments.")
            flags.append(
                ArtifactFlag(
                    article=article,
                    kind="dead_comments",
                    start=tail,
                    end=tail + 22,
                    state=rng.choice(["suggested", "confirmed", "dismissed"]),
                )
            )
        ArtifactFlag.objects.bulk_create(flags)
        ArticleReview.objects.bulk_create(
            [
                ArticleReview(article=a, state=rng.choice(states))
                for a in articles
                if rng.random() < 0.6
            ]
        )
        print(f"\r  built {first + count:,} articles", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return editor


def measure(client, url: str, n: int) -> tuple[float, float, int, float]:
    """Median and p95 wall time (ms), query count, median CPU time of this process (ms).

    On SQLite the database work runs in this process, so the CPU time is the page's
    whole cost and hardly moves when other processes share the cores; on PostgreSQL
    it leaves out the server's share.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm-up: templates, caches
    times = []
    cpu = []
    queries = 0
    for _ in range(n):
        with CaptureQueriesContext(connection) as captured:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times) * 1000, p95 * 1000, queries, statistics.median(cpu) * 1000


def main() -> None:
    args = parse_args()
    drop = None
    tmp = None
    if args.database_url:
        url, drop = temporary_postgres(args.database_url)
        os.environ["DATABASE_URL"] = url
        label = "PostgreSQL"
    else:
        os.environ.pop("DATABASE_URL", None)
        tmp = tempfile.TemporaryDirectory()
        os.environ["NEWSROOM_SQLITE_PATH"] = str(Path(tmp.name) / "bench.sqlite3")
        label = "SQLite"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")  # development settings (the default is off)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    try:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        editor = build(args.articles, args.sentences)
        built = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # planner statistics after the bulk load
        client = Client()
        client.force_login(editor)
        n_sentences = args.articles * args.sentences
        print(
            f"{label}: {args.articles:,} articles, {n_sentences:,} sentences "
            f"(built in {built:.0f} s); {args.requests} requests per page, as an editor"
        )
        pages = [
            ("admin changelist", "/admin/newsroom/article/"),
            ("admin changelist, filtered", "/admin/newsroom/article/?false=yes&workflow=in_review"),
            ("admin changelist, page 10", "/admin/newsroom/article/?p=10"),
            ("article list /", "/"),
            ("article list /, filtered", "/?false=on&unchecked=on"),
            ("dashboard", "/dashboard/"),
        ]
        print(f"{'page':32} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'CPU ms':>7}")
        for name, url in pages:
            median, p95, queries, cpu = measure(client, url, args.requests)
            print(f"{name:32} {median:10.1f} {p95:8.1f} {queries:8d} {cpu:7.1f}")
    finally:
        if drop:
            drop()
        if tmp:
            tmp.cleanup()


if __name__ == "__main__":
    main()
