"""Idle memory per gunicorn worker, as scripts/serve runs it.

    .venv/bin/python bench/rss.py                      # temporary SQLite, cores + 1 workers
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom .venv/bin/python bench/rss.py
    .venv/bin/python bench/rss.py --workers 2 --threads 4 --articles 500 --json out.json

What it does (everything on 127.0.0.1, every wait bounded):

1. A database: a temporary SQLite file, or with DATABASE_URL a scratch database
   ``<name>_rss`` on that server (dropped and recreated, dropped at the end). ``migrate``,
   the seeds and ``--articles`` generated articles (``bench/gen_articles.py``) imported, one
   editor.
2. ``scripts/serve`` itself (production settings: DEBUG off, persistent connections;
   ``NEWSROOM_SERVE_NO_INSTALL=1``, this interpreter's .venv) on a free port, so the
   figure is that of the deployed server: check, migrate, collectstatic, exec gunicorn
   with gunicorn.conf.py.
3. Waits for ``/healthz``, logs in, and asks every page kind (health, login, list,
   filtered list, search, dashboard, an article, an article with a sentence selected, the
   admin index and changelist) ``--rounds`` times per worker, each on a new connection so
   that every worker serves some of each.
4. Waits ``--settle`` seconds and reads, for the arbiter and each worker, from
   /proc/<pid>/status and /proc/<pid>/smaps_rollup: RSS (what the goal counts), PSS
   (shared pages divided among the processes sharing them) and USS (private pages: what
   the machine frees when the worker stops).

Prints one row per process and the largest worker RSS against the goal (<= 120 MiB per
worker, issue 14); exits 1 when a worker is over it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"
PASSWORD = "rss-bench-pass-51d2"  # noqa: S105 - a throwaway user of a throwaway database
GOAL_MIB = 120
HEAVY = ["numpy", "scipy", "sklearn", "lxml", "rapidfuzz"]
TIMEOUT = 180

SETUP = """
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from newsroom.models import Article
user = get_user_model().objects.create_user("rss_editor", password=%r, is_staff=True)
user.groups.add(Group.objects.get(name="editor"))
article = Article.objects.order_by("-pk").first()
print(json.dumps({"article": article.pk, "sentence": article.sentences.first().pk}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def scratch_database(url: str) -> str:
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'newsroom'}_rss"
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def drop_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def manage(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    if done.returncode:
        raise SystemExit(f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


class Client:
    """Cookies and CSRF by hand over http.client; one new connection per request."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {"Host": HOST}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = urlencode(form).encode() if form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def login(self, username: str) -> None:
        status, page = self.request("GET", "/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not token:
            raise SystemExit(f"login form: HTTP {status}")
        form = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token[1]}
        status, _ = self.request("POST", "/login/", form)
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"login failed: HTTP {status}")


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(stat[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


def memory(pid: int) -> dict[str, float]:
    """RSS, PSS and USS of ``pid`` in MiB, from /proc (Linux)."""

    def kib(text: str, *keys: str) -> float:
        total = 0
        for key in keys:
            match = re.search(rf"^{key}:\s+(\d+) kB", text, re.MULTILINE)
            total += int(match[1]) if match else 0
        return round(total / 1024, 1)

    status = Path(f"/proc/{pid}/status").read_text()
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    maps = Path(f"/proc/{pid}/maps").read_text()
    return {
        "rss_mib": kib(status, "VmRSS"),
        "pss_mib": kib(rollup, "Pss"),
        "uss_mib": kib(rollup, "Private_Clean", "Private_Dirty"),
        # The heavy native libraries: loaded by the pages, or only by imports/re-detection?
        "mapped": [lib for lib in HEAVY if f"/{lib}/" in maps],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, help="default: gunicorn.conf.py (cores + 1)")
    parser.add_argument("--threads", type=int, help="default: gunicorn.conf.py (4)")
    parser.add_argument("--articles", type=int, default=200, help="generated, besides seeds")
    parser.add_argument("--rounds", type=int, default=3, help="requests per page per worker")
    parser.add_argument("--settle", type=float, default=3, help="seconds idle before reading")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="nr-rss-"))
    server_url = os.environ.get("DATABASE_URL")
    db_url = scratch_database(server_url) if server_url else None
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "GUNICORN_")) and k != "DATABASE_URL"
    }
    env.update(
        DJANGO_SECRET_KEY="rss-bench-" + "x" * 50,
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_SECURE_SSL_REDIRECT="0",  # plain http on loopback
        DJANGO_STATIC_ROOT=str(tmp / "static"),
        NEWSROOM_SQLITE_PATH=str(tmp / "db.sqlite3"),
        NEWSROOM_SERVE_NO_INSTALL="1",
        PATH=f"{Path(PYTHON).parent}:{os.environ.get('PATH', '')}",
    )
    if db_url:
        env["DATABASE_URL"] = db_url
    if args.workers:
        env["GUNICORN_WORKERS"] = str(args.workers)
    if args.threads:
        env["GUNICORN_THREADS"] = str(args.threads)
    server = None
    report: dict = {
        "machine": {"nproc": os.cpu_count(), "python": sys.version.split()[0]},
        "database": "postgresql" if db_url else "sqlite",
        "load_average_at_start": [round(x, 1) for x in os.getloadavg()],
    }
    try:
        manage(["migrate", "--no-input"], env)
        manage(["import_articles", str(ROOT / "seeds")], env)
        if args.articles:
            sys.path.insert(0, str(ROOT))
            from bench.gen_articles import write

            manage(["import_articles", str(write(tmp / "articles.jsonl", args.articles))], env)
        target = json.loads(manage(["shell", "-c", SETUP % PASSWORD], env).splitlines()[-1])

        port = free_port()
        log = (tmp / "serve.log").open("wb")
        server = subprocess.Popen(
            [str(ROOT / "scripts" / "serve"), "--bind", f"{HOST}:{port}"],
            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        client = Client(port)
        deadline = time.monotonic() + TIMEOUT
        while True:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(
                    "scripts/serve did not answer:\n" + (tmp / "serve.log").read_text()
                )
            try:
                if client.request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.5)
        workers = children(server.pid)
        client.login("rss_editor")
        article, sentence = target["article"], target["sentence"]
        pages = [
            "/healthz", "/login/", "/", "/?unchecked=on&false=on", "/?q=mayor", "/dashboard/",
            f"/articles/{article}/", f"/articles/{article}/?s={sentence}",
            "/admin/", "/admin/newsroom/article/",
        ]  # fmt: skip
        statuses: dict[str, set[int]] = {page: set() for page in pages}
        t = time.monotonic()
        for _ in range(args.rounds * len(workers)):
            for page in pages:
                if page == "/login/":  # the form, without the session: as a new visitor sees it
                    cookies, client.cookies = client.cookies, {}
                    statuses[page].add(client.request("GET", page)[0])
                    client.cookies = cookies
                else:
                    statuses[page].add(client.request("GET", page)[0])
        requests = args.rounds * len(workers) * len(pages)
        report["requests"] = requests
        report["seconds"] = round(time.monotonic() - t, 1)
        report["statuses"] = {page: sorted(s) for page, s in statuses.items()}
        if any(s != {200} for s in statuses.values()):
            raise SystemExit(f"a page did not answer 200: {report['statuses']}")
        time.sleep(args.settle)

        report["arbiter"] = memory(server.pid)
        report["workers"] = [memory(pid) for pid in workers]
        # The request log names the process that answered: every worker must have served.
        served = re.findall(r" newsroom\.request (\d+) ", (tmp / "serve.log").read_text())
        for pid, m in zip(workers, report["workers"], strict=True):
            m["requests_served"] = served.count(str(pid))
        print(
            f"{report['database']}, {len(workers)} workers, {requests} requests"
            f" ({len(served)} logged) in {report['seconds']} s; load average"
            f" {os.getloadavg()[0]:.1f}"
        )
        print(f"{'process':<10} {'RSS MiB':>8} {'PSS MiB':>8} {'USS MiB':>8} {'requests':>8}")
        rows = [("arbiter", report["arbiter"])] + [
            (f"worker {i + 1}", m) for i, m in enumerate(report["workers"])
        ]
        for name, m in rows:
            print(
                f"{name:<10} {m['rss_mib']:>8} {m['pss_mib']:>8} {m['uss_mib']:>8}"
                f" {m.get('requests_served', ''):>8}"
            )
        print(
            "native libraries mapped in the workers:",
            ", ".join(sorted({lib for m in report["workers"] for lib in m["mapped"]}))
            or "none of " + ", ".join(HEAVY),
        )
        largest = max(m["rss_mib"] for m in report["workers"])
        report["largest_worker_rss_mib"] = largest
        report["ok"] = largest <= GOAL_MIB
        print(
            f"largest worker RSS {largest} MiB: goal <= {GOAL_MIB} MiB"
            f" {'met' if report['ok'] else 'NOT MET'}"
        )
    finally:
        if server:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=10)
        if db_url:
            drop_database(db_url)
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(report, indent=2))
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    if not report.get("ok"):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
