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
            build(args.articles, args.sentences)
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


def _create_if_missing(url: str) -> None:
    import psycopg
    from psycopg import sql

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


if __name__ == "__main__":
    main()
