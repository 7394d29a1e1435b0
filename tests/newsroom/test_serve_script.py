"""scripts/serve: refuses unsafe settings before doing anything, else migrates, collects
static files and execs gunicorn with persistent database connections."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVE = ROOT / "scripts" / "serve"
KEY = "serve-test-" + "k" * 50


def clean_env(tmp_path: Path, **env: str) -> dict[str, str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "NEWSROOM_", "GUNICORN_")) and k != "DATABASE_URL"
    }
    return {
        **base,
        "NEWSROOM_SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "NEWSROOM_SERVE_NO_INSTALL": "1",  # the test run's .venv, as it is
        **env,
    }


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_DEBUG": "1"}, "DJANGO_DEBUG is on"),
        ({"DJANGO_DEBUG": "True"}, "DJANGO_DEBUG is on"),
        ({"DJANGO_DEBUG": "on"}, "DJANGO_DEBUG is on"),
        ({"DJANGO_ALLOWED_HOSTS": "news.example.org"}, "DJANGO_SECRET_KEY is not set"),
        ({"DJANGO_SECRET_KEY": "", "DJANGO_ALLOWED_HOSTS": "x"}, "DJANGO_SECRET_KEY is not set"),
        ({"DJANGO_SECRET_KEY": KEY}, "DJANGO_ALLOWED_HOSTS is not set"),
    ],
)
def test_serve_refuses_unsafe_settings_before_touching_anything(tmp_path, env, message):
    # The install step too: without NEWSROOM_SERVE_NO_INSTALL the refusal comes first.
    environ = clean_env(tmp_path, **env)
    del environ["NEWSROOM_SERVE_NO_INSTALL"]
    done = subprocess.run(
        [str(SERVE)], env=environ, capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 2
    assert done.stderr.startswith(f"scripts/serve: refusing to start: {message}")
    assert 'README.md, "Production setup"' in done.stderr
    assert done.stdout == ""
    assert not (tmp_path / "db.sqlite3").exists()  # nothing migrated
    assert not (tmp_path / "static").exists()  # nothing collected


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1", **headers})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


@pytest.fixture
def database_url(tmp_path):
    """A scratch PostgreSQL database on the test run's server, or None for SQLite."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        yield None
        return
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'newsroom'}_serve_{os.getpid()}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def backends(url: str) -> int:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(url, autocommit=True) as conn:
        query = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> %s"
        return conn.execute(query, [name, conn.info.backend_pid]).fetchone()[0]


def test_serve_migrates_collects_and_runs_gunicorn(tmp_path, database_url):
    port = free_port()
    env = clean_env(
        tmp_path,
        DJANGO_SECRET_KEY=KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        GUNICORN_WORKERS="1",
        GUNICORN_THREADS="2",
        **({"DATABASE_URL": database_url} if database_url else {}),
    )
    log = (tmp_path / "serve.log").open("w+")
    server = subprocess.Popen(
        [str(SERVE), "--bind", f"127.0.0.1:{port}"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the workers go with it
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            try:
                status, _, body = get(port, "/healthz")
                break
            except OSError:
                time.sleep(0.5)
        assert (status, json.loads(body)) == (200, {"status": "ok", "database": "ok"})

        # scripts/serve became gunicorn (exec): the pid we started is the arbiter.
        assert b"gunicorn" in Path(f"/proc/{server.pid}/cmdline").read_bytes()
        # Static files collected with whitenoise's manifest; the database migrated.
        assert (tmp_path / "static" / "staticfiles.json").exists()
        if database_url is None:
            with sqlite3.connect(tmp_path / "db.sqlite3") as db:
                assert db.execute("SELECT count(*) FROM django_migrations").fetchone()[0] > 10
        # Production settings: every other page redirects plain http to https.
        status, headers, _ = get(port, "/login/")
        assert status == 301 and headers["Location"] == "https://127.0.0.1/login/"
        # Behind the TLS proxy (README): its X-Forwarded-Proto says the request was https.
        status, headers, body = get(port, "/login/", **{"X-Forwarded-Proto": "https"})
        assert status == 200 and b'name="password"' in body
        assert "Strict-Transport-Security" in headers

        if database_url:
            for _ in range(6):
                assert get(port, "/healthz")[0] == 200
            # Persistent connections: each thread kept its own after its requests.
            assert 1 <= backends(database_url) <= 2

        text = (tmp_path / "serve.log").read_text()
        assert "Booting worker" in text
        assert "GET /healthz 200 " in text  # the request log, on stderr
        assert '"GET /healthz HTTP/1.1"' not in text  # gunicorn's access log is off
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
        log.close()
