"""Import throughput and memory against the floor, on SQLite and PostgreSQL.

    .venv/bin/python bench/import_perf.py [--sizes 1000,10000,100000] [--dbs sqlite,postgres]
        [--pg-url postgres://postgres@127.0.0.1:5432/nr_bench] [--json bench/results/x.json]

For each N: ``bench/gen_articles.py`` writes N seed-layout articles to a JSON Lines file
(kept in bench/results/ and reused). For each database, a fresh one (a temporary SQLite
file; on PostgreSQL the database named in --pg-url, dropped and created again) is
migrated, then ``manage.py import_articles FILE`` runs as a subprocess with
DJANGO_DEBUG=0: wall time, articles/s, sentences/s and the command's peak RSS (its own
rusage via os.wait4).

The floor, in the same run: the same rows (articles, blocks, sentences, suggested flags
and their history rows), computed by the same parse step (readers.analyse) outside the
timing, written into another fresh migrated database with raw ``sqlite3.executemany``
(one transaction per 1,000 articles, the same WAL/synchronous pragmas) or psycopg's
``COPY``. Only the writes are timed. ``ratio`` = import time / floor time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RESULTS = ROOT / "bench" / "results"
FLOOR_CHUNK = 1000

sys.path.insert(0, str(ROOT))


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only-not-secret",  # noqa: S106
    )
    env.update(extra)
    return env


def _manage(args: list[str], env: dict[str, str]) -> None:
    proc = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if proc.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{proc.stderr[-3000:]}")


def _run_import(path: Path, env: dict[str, str]) -> tuple[float, int, float]:
    """Run import_articles: wall seconds, peak RSS (KiB) and CPU seconds of this child.

    os.wait4 gives the command's own rusage; CPU time is the figure that holds when
    other work shares the machine (it leaves out the analysis worker and the server).
    """
    started = time.perf_counter()
    proc = subprocess.Popen(
        [PYTHON, str(ROOT / "manage.py"), "import_articles", str(path)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"import_articles {path} exited with {proc.returncode}")
    return elapsed, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


# --- Rows of the parse step, for the floor -----------------------------------------------


def _rows(path: Path, now: datetime) -> Iterator[tuple[list, list, list, list, list]]:
    """Chunks of (sources, articles, blocks, sentences, flags) rows with explicit ids."""
    from newsroom.readers import Limits, Record, analyse, content_hash, read_paths

    sources: dict[str, int] = {}
    ids = {"article": 0, "block": 0, "sentence": 0, "flag": 0}
    chunk: tuple[list, list, list, list, list] = ([], [], [], [], [])
    for record in read_paths([path], limits=Limits()):
        assert isinstance(record, Record), record
        analysis = analyse(record, tz="UTC")
        new_sources, articles, blocks, sentences, flags = chunk
        name = record.source or (urlsplit(record.url).hostname or "").removeprefix("www.")
        source_id = None
        if name:
            if name not in sources:
                sources[name] = len(sources) + 1
                new_sources.append((sources[name], name, "", now))
            source_id = sources[name]
        ids["article"] += 1
        article_id = ids["article"]
        articles.append(
            (
                article_id,
                analysis.title,
                record.url,
                source_id,
                analysis.published,
                record.byline,
                record.text,
                record.title_in_text,
                content_hash(analysis.title, record.text),
                None,
                now,
                str(path),
                record.format,
                record.index,
                record.external_id,
                1,
            )
        )
        first_block = ids["block"] + 1
        for position, block in enumerate(analysis.layout.blocks):
            ids["block"] += 1
            blocks.append(
                (ids["block"], article_id, position, str(block.role), block.start, block.end)
            )
        for position, span in enumerate(analysis.sentences):
            ids["sentence"] += 1
            sentences.append(
                (
                    ids["sentence"],
                    article_id,
                    first_block + span.block,
                    position,
                    span.start,
                    span.end,
                )
            )
        for finding in {(f.kind, f.start, f.end): f for f in analysis.findings}.values():
            ids["flag"] += 1
            flags.append(
                (ids["flag"], article_id, finding.kind, finding.start, finding.end, "suggested", "",
                 "detector", finding.reason[:300], finding.confidence, now, None, None, None, 1)
            )  # fmt: skip
        if len(articles) >= FLOOR_CHUNK:
            yield chunk
            chunk = ([], [], [], [], [])
    if chunk[1]:
        yield chunk


ARTICLE_COLUMNS = (
    "id, title, url, source_id, published, byline, raw_text, title_in_text, content_hash, "
    "imported_by_id, imported_at, origin_name, origin_format, origin_index, external_id, revision"
)
FLAG_COLUMNS = (
    'id, article_id, kind, start, "end", state, previous_state, origin, reason, confidence, '
    "created_at, created_by_id, decided_by_id, decided_at, version"
)
TABLES = [
    ("newsroom_source", "id, name, domain, created_at"),
    ("newsroom_article", ARTICLE_COLUMNS),
    ("newsroom_block", 'id, article_id, position, role, start, "end"'),
    ("newsroom_sentence", 'id, article_id, block_id, position, start, "end"'),
    ("annotations_artifactflag", FLAG_COLUMNS),
]
HISTORY = (
    "annotations_historicalartifactflag",
    FLAG_COLUMNS + ", history_date, history_change_reason, history_type, history_user_id",
)


def _history(flags: list[tuple], now: datetime) -> list[tuple]:
    return [(*flag, now, None, "+", None) for flag in flags]


def floor_sqlite(path: Path, db: Path) -> tuple[float, dict[str, int]]:
    """Seconds spent in executemany + commit for all rows of ``path``; row counts."""
    now = datetime.now(UTC)
    # Stored as Django stores them on SQLite (UTC text); the default adapter is deprecated.
    sqlite3.register_adapter(
        datetime, lambda d: d.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    )
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    counts = dict.fromkeys([t for t, _ in TABLES] + [HISTORY[0]], 0)
    timed = 0.0
    for chunk in _rows(path, now):
        chunk_rows = [*chunk, _history(chunk[4], now)]
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        for (table, columns), rows in zip([*TABLES, HISTORY], chunk_rows, strict=True):
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                conn.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
            counts[table] += len(rows)
        conn.execute("COMMIT")
        timed += time.perf_counter() - started
    conn.close()
    return timed, counts


def floor_postgres(path: Path, url: str) -> tuple[float, dict[str, int]]:
    """Seconds spent in COPY + commit for all rows of ``path``; row counts."""
    import psycopg

    now = datetime.now(UTC)
    counts = dict.fromkeys([t for t, _ in TABLES] + [HISTORY[0]], 0)
    timed = 0.0
    with psycopg.connect(url) as conn:
        for chunk in _rows(path, now):
            chunk_rows = [*chunk, _history(chunk[4], now)]
            started = time.perf_counter()
            with conn.transaction(), conn.cursor() as cur:
                for (table, columns), rows in zip([*TABLES, HISTORY], chunk_rows, strict=True):
                    if rows:
                        with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                            for row in rows:
                                copy.write_row(row)
                    counts[table] += len(rows)
            timed += time.perf_counter() - started
    return timed, counts


# --- Databases ----------------------------------------------------------------------------


def _pg_admin_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def _pg_recreate(url: str) -> None:
    import psycopg

    admin, name = _pg_admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _pg_drop(url: str) -> None:
    import psycopg

    admin, name = _pg_admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _counts_sqlite(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    tables = [t for t, _ in TABLES] + [HISTORY[0]]
    result = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    conn.close()
    return result


def _counts_pg(url: str) -> dict[str, int]:
    import psycopg

    tables = [t for t, _ in TABLES] + [HISTORY[0]]
    with psycopg.connect(url) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def run(size: int, db: str, pg_url: str, articles: Path) -> dict:
    """One measurement: import + floor of ``articles`` (``size`` articles) on ``db``."""
    tmp = Path(tempfile.mkdtemp(prefix="newsroom-perf-"))
    try:
        if db == "sqlite":
            template = tmp / "template.sqlite3"
            _manage(["migrate", "-v0"], _env(NEWSROOM_SQLITE_PATH=str(template)))
            shutil.copy(template, tmp / "import.sqlite3")
            shutil.copy(template, tmp / "floor.sqlite3")
            env = _env(NEWSROOM_SQLITE_PATH=str(tmp / "import.sqlite3"))
            elapsed, rss, cpu = _run_import(articles, env)
            counts = _counts_sqlite(tmp / "import.sqlite3")
            floor, floor_counts = floor_sqlite(articles, tmp / "floor.sqlite3")
        else:
            floor_url = pg_url + "_floor"
            for url in (pg_url, floor_url):
                _pg_recreate(url)
                _manage(["migrate", "-v0"], _env(DATABASE_URL=url))
            elapsed, rss, cpu = _run_import(articles, _env(DATABASE_URL=pg_url))
            counts = _counts_pg(pg_url)
            floor, floor_counts = floor_postgres(articles, floor_url)
            for url in (pg_url, floor_url):
                _pg_drop(url)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if counts != floor_counts:
        print(f"  note: import rows {counts} != floor rows {floor_counts}", file=sys.stderr)
    assert counts["newsroom_article"] == size, counts
    sentences = counts["newsroom_sentence"]
    return {
        "n": size,
        "db": db,
        "seconds": round(elapsed, 2),
        "cpu_seconds": round(cpu, 2),
        "articles_per_s": round(size / elapsed),
        "sentences_per_s": round(sentences / elapsed),
        "peak_rss_mib": round(rss / 1024, 1),
        "floor_seconds": round(floor, 2),
        "floor_articles_per_s": round(size / floor),
        "ratio": round(elapsed / floor, 1),
        "rows": counts,
    }


def _machine() -> dict[str, str | int]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import django

    return {
        "cpus": os.cpu_count() or 0,
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_model": model,
        "python": platform.python_version(),
        "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--dbs", default="sqlite,postgres")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/nr_bench")
    parser.add_argument("--json", type=Path, default=RESULTS / "import_perf.json")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    from bench.gen_articles import write

    sizes = [int(s) for s in args.sizes.split(",")]
    dbs = args.dbs.split(",")
    machine = _machine()
    print(
        f"{machine['nproc']} CPUs ({machine['cpu_model']}), Python {machine['python']}, "
        f"Django {machine['django']}, SQLite {machine['sqlite']}"
    )
    header = (
        f"{'N':>7} {'db':<8} {'s':>7} {'cpu s':>7} {'art/s':>6} {'sent/s':>7} {'RSS MiB':>7} "
        f"{'floor s':>7} {'floor a/s':>9} {'ratio':>5}"
    )
    print(header)
    results = []
    for size in sizes:
        articles = RESULTS / f"articles-{size}-seed{args.seed}.jsonl"
        if not articles.exists():
            write(articles, size, seed=args.seed)
        for db in dbs:
            r = run(size, db, args.pg_url, articles)
            results.append(r)
            print(
                f"{r['n']:>7} {r['db']:<8} {r['seconds']:>7} {r['cpu_seconds']:>7} "
                f"{r['articles_per_s']:>6} "
                f"{r['sentences_per_s']:>7} {r['peak_rss_mib']:>7} {r['floor_seconds']:>7} "
                f"{r['floor_articles_per_s']:>9} {r['ratio']:>5}",
                flush=True,
            )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {"machine": machine, "when": datetime.now(UTC).isoformat(), "results": results},
            indent=2,
        )
    )
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
