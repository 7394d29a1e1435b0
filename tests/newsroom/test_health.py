"""``/healthz``: 200 when the database answers, 503 when it does not, open to probes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_answers_ok_without_login_in_one_query(django_assert_num_queries):
    client = Client()
    with django_assert_num_queries(1):  # SELECT 1; no session, no user
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    assert "sessionid" not in response.cookies
    assert "csrftoken" not in response.cookies


@pytest.mark.django_db
def test_healthz_answers_a_logged_in_user_too(viewer_client):
    assert viewer_client.get("/healthz").json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_healthz_only_reads(method):
    response = getattr(Client(), method)("/healthz")
    assert response.status_code == 405


@pytest.mark.django_db
def test_healthz_keeps_the_csrf_check_for_writes():
    assert Client(enforce_csrf_checks=True).post("/healthz").status_code == 403


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PROBE = """
import django, json
django.setup()
from django.test import Client
client = Client(headers={"host": "127.0.0.1"})
for path in ("/healthz", "/healthz"):
    response = client.get(path)
    print(json.dumps({"status": response.status_code, "body": response.content.decode(),
                      "location": response.get("Location")}))
"""


def probe(tmp_path: Path, **env: str) -> tuple[list[dict], str]:
    """GET /healthz twice in a fresh process with production settings and ``env``."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "NEWSROOM_")) and k != "DATABASE_URL"
    }
    production = {
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DJANGO_SECRET_KEY": "health-test-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**clean, **production, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()], done.stderr


def test_healthz_in_production_answers_over_plain_http(tmp_path):
    # SECURE_SSL_REDIRECT is on in production; a probe asks gunicorn directly over http.
    answers, log = probe(tmp_path, NEWSROOM_SQLITE_PATH=str(tmp_path / "db.sqlite3"))
    assert answers[0] == {
        "status": 200,
        "body": '{"status": "ok", "database": "ok"}',
        "location": None,
    }
    assert "INFO newsroom.request" in log
    assert "GET /healthz 200 " in log
    assert log.rstrip().endswith("user=-")


@pytest.mark.parametrize("broken", ["postgres", "sqlite"])
def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path, broken):
    port = closed_port()
    env = (
        {"DATABASE_URL": f"postgres://newsroom:s3cret-pw@127.0.0.1:{port}/newsroom"}
        if broken == "postgres"
        # A file in a directory that does not exist: SQLite cannot open it.
        else {"NEWSROOM_SQLITE_PATH": str(tmp_path / "missing" / "db.sqlite3")}
    )
    answers, log = probe(tmp_path, **env)
    # The second probe finds the database still down: no broken connection is kept.
    for answer in answers:
        assert answer["status"] == 503
        assert json.loads(answer["body"]) == {"status": "error", "database": "OperationalError"}
    # Details (address, password, message) stay in the server's log, out of the answer.
    for secret in (str(port), "s3cret", "127.0.0.1", "missing", "unable", "refused"):
        assert secret not in answers[0]["body"]
    assert "health check: database 'default' unreachable" in log
    assert "OperationalError" in log
    assert "ERROR newsroom.request" in log
    assert "GET /healthz 503 " in log
