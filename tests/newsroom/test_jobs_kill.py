"""A job whose worker is killed with SIGKILL mid-import is retried by the next worker and
ends with every article imported once: none lost, none doubled, the counts right.

Real processes: ``manage.py run_jobs`` on the test database (on SQLite a file copy of it,
as the test database lives in memory), fed through a named pipe so that the kill falls at
a known point: after the first batch was committed and before the last was read.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from newsroom.importing import BATCH_ARTICLES
from newsroom.jobs import services, tasks
from newsroom.jobs.models import Job

ROOT = Path(__file__).resolve().parents[2]
# What the pipe holds when the worker is killed: the importer reads two batches ahead
# before it writes the first, then waits for the third.
FIRST = 2 * BATCH_ARTICLES + 20
TOTAL = 3 * BATCH_ARTICLES + 30

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")


def record(n: int) -> bytes:
    line = {"title": f"Killed story {n}", "text": f"Body of story {n}. It goes on a little."}
    return (json.dumps(line) + "\n").encode()


class WorkerDatabase:
    """The database the worker processes use, and raw queries on it from the test."""

    def __init__(self, tmp_path: Path) -> None:
        self.env = {
            **os.environ,
            "DJANGO_DEBUG": "1",
            "NEWSROOM_TASKS_BACKEND": "database",
            # Rules only: the workers start faster, and the test is about the job.
            "NEWSROOM_DETECTOR_MODEL": "off",
        }
        self.sqlite: Path | None = None
        self.log = tmp_path / "workers.log"
        db = connection.settings_dict
        if connection.vendor == "sqlite":
            self.sqlite = tmp_path / "worker.sqlite3"
            self.env.pop("DATABASE_URL", None)
            self.env["NEWSROOM_SQLITE_PATH"] = str(self.sqlite)
        else:
            user = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
            self.env["DATABASE_URL"] = (
                f"postgres://{user}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
            )

    def publish(self) -> None:
        """Make what the test wrote visible to the workers (SQLite: copy it to the file)."""
        if self.sqlite is not None:
            connection.ensure_connection()
            with sqlite3.connect(self.sqlite) as target:
                connection.connection.backup(target)

    def one(self, sql: str, *params: object) -> tuple:
        if self.sqlite is not None:
            with sqlite3.connect(self.sqlite) as db:
                return db.execute(sql, params).fetchone()
        with connection.cursor() as cursor:
            cursor.execute(sql.replace("?", "%s"), params)
            return cursor.fetchone()

    def worker(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "manage.py", "run_jobs", *args],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("ab"),
        )


def wait_for(condition, what: str, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}: {log.read_text()}"
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_a_job_killed_mid_import_is_retried_without_losing_or_doubling(tmp_path):
    feed = tmp_path / "feed.jsonl"
    os.mkfifo(feed)
    job = services.start_job(
        kind=Job.Kind.IMPORT_FILES,
        title="feed.jsonl",
        task=tasks.import_files,
        payload={"files": [{"path": str(feed), "name": "feed.jsonl"}]},
    )
    db = WorkerDatabase(tmp_path)
    db.publish()

    first = db.worker("--interval", "0.1")
    killed = threading.Event()

    def feed_the_pipe() -> None:
        with feed.open("wb") as pipe:  # blocks until the worker opens the file
            pipe.write(b"".join(record(n) for n in range(FIRST)))
            pipe.flush()
            killed.wait(300)  # no end of file: the worker waits for more records

    writer = threading.Thread(target=feed_the_pipe, daemon=True)
    writer.start()
    try:
        processed = "SELECT processed FROM newsroom_job WHERE id = ?"
        wait_for(
            lambda: first.poll() is not None or db.one(processed, job.pk)[0] >= 1,
            "the first batch",
            db.log,
        )
        assert first.poll() is None, db.log.read_text()[-3000:]
        # The first batch is committed and counted; the second is being read.
        first.send_signal(signal.SIGKILL)
        first.wait(30)
    finally:
        killed.set()
        if first.poll() is None:
            first.kill()
    writer.join(30)

    state, worker = db.one("SELECT state, worker FROM newsroom_job WHERE id = ?", job.pk)
    assert state == "running" and worker.endswith(f":{first.pid}")
    # One batch committed, or two (the kill may also fall inside the second's transaction).
    assert db.one("SELECT COUNT(*) FROM newsroom_article")[0] in (
        BATCH_ARTICLES,
        2 * BATCH_ARTICLES,
    ), db.one("SELECT processed, imported, duplicates, failed, errors FROM newsroom_job")

    # The whole file is there now (the records already sent, then the rest).
    feed.unlink()
    feed.write_bytes(b"".join(record(n) for n in range(TOTAL)))
    second = db.worker("--once")
    assert second.wait(300) == 0, db.log.read_text()[-3000:]

    row = db.one(
        "SELECT state, attempts, processed, imported, duplicates, failed, message "
        "FROM newsroom_job WHERE id = ?",
        job.pk,
    )
    assert row[:6] == ("done", 2, TOTAL, TOTAL, 0, 0), row
    articles = db.one(
        "SELECT COUNT(*), COUNT(DISTINCT content_hash), COUNT(DISTINCT title) FROM newsroom_article"
    )
    assert articles == (TOTAL, TOTAL, TOTAL)
    # The killed attempt's task row is closed, the retry's succeeded.
    statuses = (
        db.one("SELECT COUNT(*) FROM django_tasks_database_dbtaskresult WHERE status = 'FAILED'"),
        db.one(
            "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult WHERE status = 'SUCCESSFUL'"
        ),
    )
    assert statuses == ((1,), (1,))
