"""The RQ backend (NEWSROOM_TASKS_BACKEND=rq, django-tasks-rq) against a local Redis.

Real processes, as in production: one enqueues an upload's import job on Redis, then
``manage.py run_jobs --once`` runs RQ's worker on it. Each run has a queue of its own, so
runs side by side (SQLite and PostgreSQL in CI) never take each other's jobs. Skipped,
with the reason, when no Redis answers at REDIS_URL (default redis://127.0.0.1:6379/0);
scripts/test starts redis-server when it is installed and not running.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest

from tests.newsroom.test_jobs import jsonl
from tests.newsroom.test_jobs_kill import ROOT, WorkerDatabase

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_reason() -> str | None:
    try:
        import redis
    except ImportError:
        return "the redis client is not installed (pip install -e '.[rq]')"
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.5).ping()
    except redis.RedisError as exc:
        return f"no Redis answering at {REDIS_URL} ({exc}); start redis-server to run it"
    return None


pytestmark = pytest.mark.skipif((reason := _redis_reason()) is not None, reason=reason or "")

ENQUEUE = """
from pathlib import Path
from newsroom.jobs import services
class Upload:
    name = "rq.jsonl"
    def __init__(self, data): self.data = data
    def read(self): return self.data
job = services.start_file_import(files=[Upload(Path({path!r}).read_bytes())])
print(job.pk, job.state, job.task_result_id)
"""


@pytest.mark.django_db(transaction=True)
def test_a_job_runs_on_rq_with_redis(tmp_path):
    db = WorkerDatabase(tmp_path)
    db.env.update(
        NEWSROOM_TASKS_BACKEND="rq",
        REDIS_URL=REDIS_URL,
        NEWSROOM_JOB_QUEUE=f"newsroom-test-{uuid.uuid4().hex}",
        NEWSROOM_JOB_DIR=str(tmp_path / "jobs"),
    )
    db.publish()
    data = tmp_path / "rq.jsonl"
    data.write_bytes(jsonl(3))

    def manage(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=db.env,
            capture_output=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr.decode()[-3000:]
        return done.stdout.decode()

    output = manage("shell", "-c", ENQUEUE.format(path=str(data)))
    pk, state, task_id = output.strip().splitlines()[-1].split()
    assert state == "queued" and len(task_id) == 32  # an RQ job id, not a database row
    manage("run_jobs", "--once")
    row = db.one("SELECT state, imported, failed, message FROM newsroom_job WHERE id = ?", int(pk))
    assert row[:3] == ("done", 3, 0), row
    assert db.one("SELECT COUNT(*) FROM newsroom_article")[0] == 3
