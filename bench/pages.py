"""Server time and query count of the newsroom's pages over a large newsroom.

One command for issue 6's page figures: median and p95 server time over --requests
requests (test client, as an editor) and the query count of

- the annotation page of a 1,000-sentence article (built and measured by
  ``bench/annotation_page.py``, imported and run inside a rolled-back transaction here),
- the article list ``/`` (plain and filtered), the dashboard,
- the Article admin changelist (plain, filtered, page 10),

over ARTICLES articles of SENTENCES sentences built by ``bench/changelist.py``'s
``build``. Prints a table and writes JSON to ``bench/results/pages-<database>.json``.

    .venv/bin/python bench/pages.py                       # 10,000 x 25 on SQLite
    .venv/bin/python bench/pages.py --database-url postgres://postgres@127.0.0.1:5432/nr_pages_bench
    .venv/bin/python bench/pages.py --keep /tmp/pages.sqlite3    # build once, reuse after
    .venv/bin/python bench/pages.py --keep /tmp/pages.sqlite3 --profile "admin changelist"

With --database-url a temporary database is created next to the URL's and dropped
afterwards, unless --keep is given (then the URL's database itself is used, built if
empty and kept). --profile NAME prints a cProfile of that page and the EXPLAIN of its
slowest queries instead of the table.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import platform
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from changelist import build, measure, temporary_postgres  # noqa: E402

PAGES = [
    ("article list /", "/"),
    ("article list /, filtered", "/?false=on&unchecked=on"),
    ("dashboard", "/dashboard/"),
    ("admin changelist", "/admin/newsroom/article/"),
    ("admin changelist, filtered", "/admin/newsroom/article/?false=yes&workflow=in_review"),
    ("admin changelist, page 10", "/admin/newsroom/article/?p=10"),
]
ANNOTATION_PAGE = "annotation page (1,000 sentences)"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--sentences", type=int, default=25, help="sentences per article")
    parser.add_argument("--requests", type=int, default=30, help="requests per page")
    parser.add_argument("--database-url", help="a PostgreSQL server URL")
    parser.add_argument(
        "--keep",
        nargs="?",
        const="",
        help="keep the data: a SQLite file path (or, with --database-url, use that database)",
    )
    parser.add_argument(
        "--sql",
        action="store_true",
        help="PostgreSQL: generate the rows in the database (INSERT … SELECT), for 1,000,000",
    )
    parser.add_argument(
        "--profile", metavar="PAGE", help="profile one page (a name from the table)"
    )
    return parser.parse_args()


def annotation_page(requests: int) -> tuple[float, float, int, float | None]:
    """Run bench/annotation_page.py in this process's database, then roll it back."""
    import annotation_page as page_bench
    from django.db import transaction

    out = io.StringIO()
    argv = sys.argv
    sys.argv = ["annotation_page.py", "--requests", str(requests)]
    try:
        with contextlib.suppress(_RolledBack), transaction.atomic():
            with contextlib.redirect_stdout(out):
                page_bench.main()
            raise _RolledBack
    finally:
        sys.argv = argv
    found = re.search(r"median ([\d.]+) ms, p95 ([\d.]+) ms, (\d+) queries", out.getvalue())
    if not found:
        raise RuntimeError(f"unexpected output of annotation_page.py: {out.getvalue()!r}")
    cpu = re.search(r"CPU time median ([\d.]+) ms", out.getvalue())
    return float(found[1]), float(found[2]), int(found[3]), float(cpu[1]) if cpu else None


class _RolledBack(Exception):
    pass


def profile(client, url: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    profiler = cProfile.Profile()
    with CaptureQueriesContext(connection) as captured:
        profiler.enable()
        client.get(url)
        profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    for query in captured.captured_queries:
        print(f"{float(query['time']) * 1000:7.1f} ms  {query['sql'][:160]}")
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
    for query in sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:3]:
        print(f"\n-- {query['time']} s\n{query['sql'][:3000]}")
        if query["sql"].startswith("SELECT"):
            with connection.cursor() as cursor:
                cursor.execute(prefix + query["sql"])
                for row in cursor.fetchall():
                    print("   ", " | ".join(str(c) for c in row))


def main() -> None:
    args = parse_args()
    drop = None
    if args.database_url:
        label = "PostgreSQL"
        if args.keep is not None:
            url = args.database_url
            _create_if_missing(url)
        else:
            url, drop = temporary_postgres(args.database_url)
        os.environ["DATABASE_URL"] = url
    else:
        label = "SQLite"
        os.environ.pop("DATABASE_URL", None)
        path = args.keep or str(Path(tempfile.gettempdir()) / f"pages-{os.getpid()}.db")
        os.environ["NEWSROOM_SQLITE_PATH"] = path
        if not args.keep:
            drop = lambda: [Path(path + s).unlink(missing_ok=True) for s in ("", "-wal", "-shm")]  # noqa: E731
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")  # development settings (the default is off)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from newsroom.models import Article, Sentence

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    try:
        call_command("migrate", verbosity=0)
        built = None
        if not Article.objects.exists():
            started = time.perf_counter()
            if args.sql:
                build_sql(args.articles, args.sentences)
            else:
                build(args.articles, args.sentences)
                from annotations import counters

                counters.recount_all()  # the importer keeps them; build writes raw rows
            built = time.perf_counter() - started
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # planner statistics after the bulk load
        editor = get_user_model().objects.get(username="bench_editor")
        client = Client()
        client.force_login(editor)
        pages = dict(PAGES)
        if args.profile:
            profile(client, pages[args.profile])
            return
        n_articles, n_sentences = Article.objects.count(), Sentence.objects.count()
        print(
            f"{label}: {n_articles:,} articles, {n_sentences:,} sentences"
            + (f" (built in {built:.0f} s)" if built else "")
            + f"; {args.requests} requests per page, as an editor; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
        )
        print(f"{'page':36} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'CPU ms':>7}")
        rows = []

        def report(name: str, figures: tuple) -> None:
            median, p95, queries, cpu = figures
            cpu_text = f"{cpu:7.1f}" if cpu is not None else f"{'':>7}"
            print(f"{name:36} {median:10.1f} {p95:8.1f} {queries:8d} {cpu_text}", flush=True)
            rows.append(
                {
                    "page": name,
                    "median_ms": median,
                    "p95_ms": p95,
                    "queries": queries,
                    "cpu_median_ms": cpu,
                }
            )

        report(ANNOTATION_PAGE, annotation_page(args.requests))
        for name, url in PAGES:
            report(name, measure(client, url, args.requests))
        results = ROOT / "bench" / "results"
        results.mkdir(exist_ok=True)
        target = results / f"pages-{label.lower()}.json"
        target.write_text(
            json.dumps(
                {
                    "database": label,
                    "articles": n_articles,
                    "sentences": n_sentences,
                    "requests": args.requests,
                    "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, "
                    f"Python {platform.python_version()}",
                    "median_of": "server time through django.test.Client",
                    "load_average": os.getloadavg(),
                    "pages": rows,
                    "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
                },
                indent=1,
            )
        )
        print(f"wrote {target.relative_to(ROOT)}")
    finally:
        if drop:
            connection.close()
            drop()


def build_sql(n_articles: int, n_sentences: int) -> None:
    """PostgreSQL only: the same layout as ``changelist.build`` generated by the database
    itself (``INSERT … SELECT generate_series``: no Python object per row), so a million
    articles load in minutes; then the counters through ``counters.recount_all`` (timed).

    Every article has the same text (the sentences differ by their number only), so the
    offsets are computed once here. Statuses, assignees, flags and review states come from
    a multiplicative hash of the row id: the same weights as ``build``, reproducible.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection, transaction

    from annotations.roles import EDITOR, FACT_CHECKER

    users = get_user_model()
    editor = users.objects.create_user("bench_editor", password="x", is_staff=True)  # noqa: S106
    editor.groups.add(Group.objects.get(name=EDITOR))
    checkers = []
    for i in range(8):
        user = users.objects.create_user(f"checker{i}", password="x")  # noqa: S106
        user.groups.add(Group.objects.get(name=FACT_CHECKER))
        checkers.append(user.pk)
    sentence_text = "Officials said on Tuesday that the figures were {} percent higher."
    head = "Headline of the article\n\nFebruary 04 2020 02:32 PM\n\n"
    tail = "\n\nThere are no comments.\n"
    body = " ".join(sentence_text.format(k) for k in range(n_sentences))
    text = head + body + tail
    starts, ends, offset = [], [], len(head)
    for k in range(n_sentences):
        starts.append(offset)
        ends.append(offset + len(sentence_text.format(k)))
        offset = ends[-1] + 1
    dateline, dead = text.index("February"), text.index("There are no comments.")
    n, s = n_articles, n_sentences
    # A well-spread hash of an id into 0..99 (Knuth's multiplicative constant).
    h = "(({x}::bigint * 2654435761) %% 4294967296) %% 100"
    status = (
        "CASE WHEN {h} < 30 THEN 'unchecked' WHEN {h} < 45 THEN 'no_claim' "
        "WHEN {h} < 53 THEN 'to_check' WHEN {h} < 60 THEN 'in_progress' "
        "WHEN {h} < 80 THEN 'accurate' WHEN {h} < 84 THEN 'misleading' "
        "WHEN {h} < 87 THEN 'false' WHEN {h} < 92 THEN 'unverifiable' ELSE 'opinion' END"
    ).format(h=h.format(x="sid"))
    statements = [
        (
            "articles",
            "INSERT INTO newsroom_article (id, title, url, source_id, published, byline, "
            "raw_text, title_in_text, content_hash, external_id, revision, imported_at, "
            "origin_name, origin_format, origin_index) "
            "SELECT a, 'Article ' || a || ': officials report figures', "
            "'https://example.org/news/' || a, (SELECT min(id) FROM newsroom_source) + a %% 20, "
            "timestamptz '2020-01-01' + a * interval '1 hour', '', %s, true, "
            "lpad(to_hex(a), 64, '0'), '', 1, now() - (%s - a) * interval '1 second', "
            "'bench', 'text', 0 FROM generate_series(1, %s) a",
            [text, n, n],
        ),
        (
            "blocks",
            'INSERT INTO newsroom_block (id, article_id, position, role, start, "end") '
            "SELECT a, a, 0, 'body', %s, %s FROM generate_series(1, %s) a",
            [len(head), len(text) - len(tail), n],
        ),
        (
            "sentences",
            'INSERT INTO newsroom_sentence (id, article_id, block_id, position, start, "end") '
            "SELECT (a - 1) * %s + k + 1, a, a, k, (%s::int[])[k + 1], (%s::int[])[k + 1] "
            "FROM generate_series(1, %s) a, generate_series(0, %s) k",
            [s, starts, ends, n, s - 1],
        ),
        (
            "fact checks",
            "INSERT INTO annotations_factcheck (sentence_id, article_id, status, assignee_id, "
            "verdict, note, version, updated_at) "
            f"SELECT sid, (sid - 1) / %s + 1, {status}, "
            f"CASE WHEN {h.format(x='sid + 7')} < 40 THEN (%s::int[])[sid %% 8 + 1] END, "
            "'', '', 1, now() FROM generate_series(1, %s) sid "
            f"WHERE {status} <> 'unchecked' OR {h.format(x='sid + 3')} < 20",
            [s, checkers, n * s],
        ),
        (
            "flags",
            'INSERT INTO annotations_artifactflag (article_id, kind, start, "end", state, '
            "previous_state, origin, reason, confidence, version, created_at) "
            "SELECT a, 'dateline', %s, %s, CASE a %% 2 WHEN 0 THEN 'suggested' "
            "ELSE 'confirmed' END, '', 'detector', '', 1, 1, now() FROM generate_series(1, %s) a "
            "UNION ALL SELECT a, 'dead_comments', %s, %s, (ARRAY['suggested', 'confirmed', "
            "'dismissed'])[a %% 3 + 1], '', 'detector', '', 1, 1, now() "
            "FROM generate_series(1, %s) a",
            [dateline, dateline + 25, n, dead, dead + 22, n],
        ),
        (
            "reviews",
            "INSERT INTO annotations_articlereview (article_id, state, override_reason, reason, "
            "changed_at) SELECT a, (ARRAY['new', 'in_review', 'changes_requested', "
            "'approved'])[(a / 10) %% 4 + 1], '', '', now() FROM generate_series(1, %s) a "
            "WHERE a %% 10 < 6",
            [n],
        ),
    ]
    from annotations import counters
    from newsroom.models import Source

    Source.objects.bulk_create([Source(name=f"Source {i}") for i in range(20)])
    from newsroom.search import INDEX_NAME, TEXT_SEARCH_CONFIG

    index_sql = (
        f"CREATE INDEX {INDEX_NAME} ON newsroom_article "
        f"USING gin (to_tsvector('{TEXT_SEARCH_CONFIG}'::regconfig, raw_text))"
    )
    statements.append(("text search index", index_sql, []))
    with connection.cursor() as cursor:
        # Built once after the load, as a bulk load does (migration 0003's index).
        cursor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")
        for name, sql, params in statements:
            began = time.perf_counter()
            with transaction.atomic():
                cursor.execute(sql, params)
            print(f"  {name}: {time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)
        for table in ("newsroom_article", "newsroom_block", "newsroom_sentence"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        cursor.execute("ANALYZE")
    began = time.perf_counter()
    recounted = counters.recount_all()
    print(
        f"  counters (manage.py recount): {recounted:,} articles in "
        f"{time.perf_counter() - began:.0f} s",
        file=sys.stderr,
        flush=True,
    )


def _create_if_missing(url: str) -> None:
    import psycopg
    from psycopg import sql

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


if __name__ == "__main__":
    main()
