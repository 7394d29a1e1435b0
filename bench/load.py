"""Load and faults bench: gunicorn + PostgreSQL on loopback, many editors and checkers at once.

    .venv/bin/python bench/load.py                       # 50 users, 60 s, then 20 on one sentence
    .venv/bin/python bench/load.py --rate 100            # users pace themselves to 100 req/s
    .venv/bin/python bench/load.py --configs 2x4,4x2     # compare workers x threads
    .venv/bin/python bench/load.py --private-pg --restart-pg --json bench/results/load.json

What it does, in order (everything on 127.0.0.1, every loop bounded in count and in time):

1. PostgreSQL: the cluster at ``--pg-url`` (default the shared one on 5432), or with
   ``--private-pg`` a throwaway cluster (initdb in a temporary directory, a free port) that
   is removed at the end, so ``--restart-pg`` disturbs nobody else's database.
2. A fresh database (``--db-name``, dropped and recreated), ``migrate``, ``collectstatic``
   into a temporary directory, the seeds and ``--articles`` generated articles
   (``bench/gen_articles.py``) imported, ``--users`` users (a fifth editors, the rest
   fact-checkers) with distinct names and one password, plus ANALYZE.
3. gunicorn with ``gunicorn.conf.py`` (``--workers``/``--threads``, gthread) on a free port,
   production settings (DEBUG off, persistent connections ``--conn-max-age`` with health
   checks), its access log (with the server's own time per request) in the temporary
   directory.
4. Every simulated user logs in with real requests (GET the form, POST it with the CSRF
   token; right password, one username each, so the login throttling never triggers).
5. The mix, ``--duration`` seconds: each user opens an article page with a sentence
   selected (``/articles/<id>/?s=<pk>``, the panel's ``data-version`` is the version the
   user saw) and, with probability ``--write-ratio``, posts a new status for that sentence
   with that version, as the panel's form does (htmx). ``--rate`` paces the users to that
   many requests per second in all (0: each user sends its next request as soon as the
   previous one is answered, which measures the saturation throughput).
6. Contention: ``--contention`` sessions read and change one sentence's status in a loop
   (``--contention-writes`` attempts each, at most ``--contention-seconds``); a stale
   version must get 409.
7. ``--restart-pg``: the mix again for ``--restart-seconds`` while PostgreSQL is restarted
   after a third of it; requests in that window must fail cleanly (5xx or connection
   error) and the app must answer again afterwards without a gunicorn restart. Without
   ``--private-pg`` this restarts the shared cluster (``pg_ctlcluster``): every other
   connection to it drops too.
8. Checks in the database: for every fact check, history rows = version (no write half
   done), and in all, history rows = versions = successful writes seen by the clients
   (+ writes committed whose response was lost in the restart window, reported apart);
   the contended sentence's final version = initial + its successful writes (no lost
   update).

Prints a table (req/s, p50/p95/p99 client and server time, 5xx, 409s, errors) and writes
``--json``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"
PASSWORD = "load-bench-pass-8c1f"  # noqa: S105 - throwaway users of a throwaway database
PG_BIN = Path("/usr/lib/postgresql")
STATUSES = [
    "unchecked", "no_claim", "to_check", "in_progress", "accurate", "misleading", "false",
    "unverifiable", "opinion",
]  # fmt: skip
# Hard caps, whatever the options say: no loop runs unbounded.
MAX_REQUESTS_PER_USER = 100_000
MAX_SECONDS = 600
REQUEST_TIMEOUT = 30

# Issue 10's goal for the 50-user mix on the 2-core machine.
GOAL_RPS = 100
GOAL_P95_MS = 300

PANEL = re.compile(r'<aside id="panel"[^>]*?data-sentence="(\d+)"[^>]*?data-version="(\d+)"')


# --- PostgreSQL ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _as_postgres(cmd: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root.
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _pg_bin(name: str) -> str:
    versions = sorted(PG_BIN.iterdir(), key=lambda p: int(p.name)) if PG_BIN.exists() else []
    return str(versions[-1] / "bin" / name) if versions else name


class PrivateCluster:
    """A throwaway PostgreSQL cluster on a free loopback port (trust auth)."""

    def __init__(self, tmp: Path) -> None:
        self.dir = tmp / "pg"
        self.dir.mkdir()
        if os.geteuid() == 0:
            shutil.chown(tmp, "postgres")
            shutil.chown(self.dir, "postgres")
        self.port = free_port()
        self.data = self.dir / "data"
        self.log = self.dir / "log"
        subprocess.run(
            _as_postgres(
                [_pg_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
            cwd=self.dir,  # readable by the postgres user
        )
        self._ctl("start")

    @property
    def url(self) -> str:
        return f"postgres://postgres@{HOST}:{self.port}"

    def _ctl(self, action: str) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses={HOST}"
        subprocess.run(
            _as_postgres(
                [_pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-m", "fast"]
                + (["-o", options] if action != "stop" else [])
                + [action]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
            cwd=self.dir,  # readable by the postgres user
        )

    def pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def restart(self) -> None:
        self._ctl("restart")

    def stop(self) -> None:
        self._ctl("stop")


def restart_shared_cluster() -> None:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True
    )


def recreate_database(server_url: str, name: str) -> str:
    import psycopg

    parts = urlsplit(server_url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


# --- The application -------------------------------------------------------------------


def app_env(db_url: str, tmp: Path, conn_max_age: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=db_url,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="load-bench-" + "x" * 50,
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_SECURE_SSL_REDIRECT="0",  # plain http on loopback
        DJANGO_STATIC_ROOT=str(tmp / "static"),
        DJANGO_CONN_MAX_AGE=str(conn_max_age),
        DJANGO_CONN_HEALTH_CHECKS="1",
        PYTHONPATH=str(ROOT),
    )
    return env


def manage(args: list[str], env: dict[str, str], stdin: str | None = None) -> str:
    proc = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=MAX_SECONDS,
    )
    if proc.returncode:
        raise SystemExit(f"manage.py {args[0]} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


SETUP_USERS = """
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection
import json, sys
spec = json.loads(sys.stdin.readline())
User = get_user_model()
hashed = make_password(spec["password"])  # hashed once: the same password for everyone
groups = {g.name: g for g in Group.objects.all()}
for name, role in spec["users"]:
    user = User.objects.create(username=name, password=hashed, is_staff=role == "editor")
    user.groups.add(groups[role])
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")
"""


def prepare(db_url: str, tmp: Path, articles: int, users: list[tuple[str, str]], env) -> None:
    manage(["migrate", "--noinput"], env)
    manage(["collectstatic", "--noinput"], env)
    manage(["import_articles", str(ROOT / "seeds")], env)
    if articles:
        sys.path.insert(0, str(ROOT))
        from bench.gen_articles import write

        manage(["import_articles", str(write(tmp / "articles.jsonl", articles))], env)
    spec = json.dumps({"password": PASSWORD, "users": users})
    manage(["shell", "-c", SETUP_USERS], env, stdin=spec + "\n")


class Gunicorn:
    def __init__(self, env: dict[str, str], tmp: Path, workers: int, threads: int) -> None:
        self.port = free_port()
        self.access_log = tmp / f"access-{workers}x{threads}-{self.port}.log"
        self.error_log = tmp / f"error-{workers}x{threads}-{self.port}.log"
        cmd = [
            str(Path(PYTHON).parent / "gunicorn"),
            "-c", str(ROOT / "gunicorn.conf.py"),
            "--bind", f"{HOST}:{self.port}",
            "--workers", str(workers),
            "--threads", str(threads),
            "--access-logfile", str(self.access_log),
            # The server's own time per request, in microseconds, last on the line.
            "--access-logformat", '%(m)s %(U)s %(s)s %(D)s',
            "--error-logfile", str(self.error_log),
        ]  # fmt: skip
        # Django's own log (tracebacks of the restart window) goes to the error log too.
        self.output = self.error_log.open("ab")
        self.proc = subprocess.Popen(
            cmd, env=env, cwd=ROOT, stdout=self.output, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                conn.request("GET", "/login/")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"gunicorn did not answer; see {self.error_log}")

    def server_times(self, since_line: int = 0) -> tuple[list[float], int]:
        """Server milliseconds of the access-log lines after ``since_line``; next line no."""
        lines = self.access_log.read_text().splitlines() if self.access_log.exists() else []
        times = []
        for line in lines[since_line:]:
            parts = line.split()
            if len(parts) == 4 and parts[3].isdigit():
                times.append(int(parts[3]) / 1000)
        return times, len(lines)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.output.close()


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds used by process ``pid``, its reaped children and its live children: the
    whole gunicorn (arbiter + workers, recycled ones too) or the whole PostgreSQL cluster
    (postmaster + backends), whatever else runs on the machine."""
    tick = os.sysconf("SC_CLK_TCK")

    def stat(p: int) -> list[str]:
        try:
            return Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return []

    own = stat(pid)
    if not own:
        return 0.0
    total = sum(int(v) for v in own[11:15])  # utime stime cutime cstime
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = stat(int(entry.name))
            if fields and int(fields[1]) == pid:
                total += int(fields[11]) + int(fields[12])
    return total / tick


# --- The simulated users -----------------------------------------------------------------


@dataclass
class Result:
    phase: str
    kind: str  # "page" | "status" | "panel"
    start: float
    ms: float
    status: int  # HTTP status, or 0 for a connection error / timeout


@dataclass
class Session:
    """One logged-in user over one keep-alive connection, with its cookies."""

    port: int
    username: str
    cookies: dict[str, str] = field(default_factory=dict)
    conn: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, body: dict | None = None, headers: dict | None = None
    ) -> tuple[int, str, float]:
        """(status, body, ms); status 0 when the connection failed."""
        data = urlencode(body).encode() if body is not None else None
        all_headers = {"Host": HOST, **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if data is not None:
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        for attempt in range(2):  # a keep-alive connection the server closed: reconnect once
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
            try:
                self.conn.request(method, path, body=data, headers=all_headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.conn.close()
                self.conn = None
                if attempt:
                    return 0, "", (time.perf_counter() - started) * 1000
                started = time.perf_counter()
                continue
            except OSError:
                self.conn.close()
                self.conn = None
                return 0, "", (time.perf_counter() - started) * 1000
            ms = (time.perf_counter() - started) * 1000
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            if response.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            return response.status, text, ms
        return 0, "", 0.0

    def login(self) -> None:
        status, page, _ = self.request("GET", "/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not token:
            raise SystemExit(f"login form for {self.username}: HTTP {status}")
        form = {
            "username": self.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token.group(1),
            "next": "/",
        }
        status, _, _ = self.request("POST", "/login/", form)
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"login of {self.username} failed: HTTP {status}")

    def post_status(self, sentence: int, version: int, status: str) -> tuple[int, str, float]:
        headers = {"HX-Request": "true", "X-CSRFToken": self.cookies.get("csrftoken", "")}
        return self.request(
            "POST",
            f"/sentences/{sentence}/status/",
            {"status": status, "version": version},
            headers,
        )


class Pacer:
    """Spreads one user's requests to ``interval`` seconds apart (0: no pause); a late user
    does not burst to catch up."""

    def __init__(self, interval: float, rng: random.Random) -> None:
        self.interval = interval
        self.next = time.monotonic() + rng.uniform(0, interval)

    def wait(self, deadline: float) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        if self.next > now:
            time.sleep(min(self.next - now, max(0.0, deadline - now)))
        self.next = max(self.next, now) + self.interval


def run_mix(
    phase: str,
    sessions: list[Session],
    targets: list[tuple[int, list[int]]],
    seconds: float,
    rate: float,
    write_ratio: float,
    seed: int,
    during: callable | None = None,
) -> list[Result]:
    """Every session reads article pages and changes statuses until ``seconds`` pass."""
    results: list[Result] = []
    lock = threading.Lock()
    t0 = time.monotonic()
    deadline = t0 + min(seconds, MAX_SECONDS)
    interval = len(sessions) / rate if rate else 0.0

    def user(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        pacer = Pacer(interval, rng)
        mine: list[Result] = []
        for _ in range(MAX_REQUESTS_PER_USER):
            pacer.wait(deadline)
            if time.monotonic() >= deadline:
                break
            article, sentences = rng.choice(targets)
            sentence = rng.choice(sentences)
            started = time.monotonic() - t0
            status, body, ms = sessions[index].request("GET", f"/articles/{article}/?s={sentence}")
            mine.append(Result(phase, "page", started, ms, status))
            found = PANEL.search(body) if status == 200 else None
            if not found or rng.random() >= write_ratio:
                continue
            pacer.wait(deadline)
            if time.monotonic() >= deadline:
                break
            started = time.monotonic() - t0
            status, _, ms = sessions[index].post_status(
                int(found.group(1)), int(found.group(2)), rng.choice(STATUSES)
            )
            mine.append(Result(phase, "status", started, ms, status))
        with lock:
            results.extend(mine)

    with ThreadPoolExecutor(len(sessions) + 1) as pool:
        futures = [pool.submit(user, i) for i in range(len(sessions))]
        if during:
            pool.submit(during, t0)
        for future in futures:
            future.result(timeout=MAX_SECONDS + REQUEST_TIMEOUT * 2)
    return results


def run_contention(
    sessions: list[Session], sentence: int, writes: int, seconds: float, seed: int
) -> list[Result]:
    """Every session reads the panel of ``sentence`` and changes its status, ``writes``
    times (or until ``seconds`` pass)."""
    results: list[Result] = []
    lock = threading.Lock()
    t0 = time.monotonic()
    deadline = t0 + min(seconds, MAX_SECONDS)

    def user(index: int) -> None:
        rng = random.Random(seed * 7919 + index)
        session = sessions[index]
        mine = []
        for _ in range(min(writes, MAX_REQUESTS_PER_USER)):
            if time.monotonic() >= deadline:
                break
            started = time.monotonic() - t0
            status, body, ms = session.request(
                "GET", f"/sentences/{sentence}/panel/", headers={"HX-Request": "true"}
            )
            mine.append(Result("contention", "panel", started, ms, status))
            found = PANEL.search(body) if status == 200 else None
            if not found:
                continue
            started = time.monotonic() - t0
            status, _, ms = session.post_status(sentence, int(found.group(2)), rng.choice(STATUSES))
            mine.append(Result("contention", "status", started, ms, status))
        with lock:
            results.extend(mine)

    with ThreadPoolExecutor(len(sessions)) as pool:
        for future in [pool.submit(user, i) for i in range(len(sessions))]:
            future.result(timeout=MAX_SECONDS + REQUEST_TIMEOUT * 2)
    return results


# --- Figures and checks ------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(results: list[Result], seconds: float, server_ms: list[float]) -> dict:
    ms = [r.ms for r in results if r.status]
    codes = Counter(r.status for r in results)
    return {
        "requests": len(results),
        "seconds": round(seconds, 1),
        "req_per_s": round(len(results) / seconds, 1) if seconds else 0,
        "p50_ms": round(percentile(ms, 0.50), 1),
        "p95_ms": round(percentile(ms, 0.95), 1),
        "p99_ms": round(percentile(ms, 0.99), 1),
        "server_p50_ms": round(percentile(server_ms, 0.50), 1),
        "server_p95_ms": round(percentile(server_ms, 0.95), 1),
        "writes_ok": sum(1 for r in results if r.kind == "status" and r.status == 200),
        "http_409": codes.get(409, 0),
        "http_5xx": sum(n for code, n in codes.items() if code >= 500),
        "connection_errors": codes.get(0, 0),
        "other": {str(c): n for c, n in codes.items() if c not in (0, 200, 409) and c < 500},
    }


def db_state(db_url: str, sentence: int | None = None) -> dict:
    import psycopg

    with psycopg.connect(db_url) as conn:
        versions, history, fact_checks = conn.execute(
            "SELECT (SELECT coalesce(sum(version), 0) FROM annotations_factcheck),"
            " (SELECT count(*) FROM annotations_historicalfactcheck),"
            " (SELECT count(*) FROM annotations_factcheck)"
        ).fetchone()
        # A write half done would leave a fact check whose history rows differ from its version.
        torn = conn.execute(
            "SELECT count(*) FROM annotations_factcheck f WHERE f.version <>"
            " (SELECT count(*) FROM annotations_historicalfactcheck h WHERE h.id = f.id)"
        ).fetchone()[0]
        one = None
        if sentence is not None:
            row = conn.execute(
                "SELECT f.version, (SELECT count(*) FROM annotations_historicalfactcheck h"
                " WHERE h.id = f.id) FROM annotations_factcheck f WHERE f.sentence_id = %s",
                [sentence],
            ).fetchone()
            one = {"version": row[0], "history": row[1]} if row else {"version": 0, "history": 0}
    return {
        "versions": int(versions),
        "history": history,
        "fact_checks": fact_checks,
        "torn": torn,
        "sentence": one,
    }


def targets_of(db_url: str) -> list[tuple[int, list[int]]]:
    import psycopg

    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "SELECT article_id, array_agg(id ORDER BY position) FROM newsroom_sentence"
            " GROUP BY article_id ORDER BY article_id"
        ).fetchall()
    return [(a, list(s)) for a, s in rows]


def cpu_now(gunicorn: Gunicorn, cluster: PrivateCluster | None) -> dict[str, float]:
    return {
        "app": tree_cpu_seconds(gunicorn.proc.pid),
        "postgres": tree_cpu_seconds(cluster.pid()) if cluster else float("nan"),
        "client": time.process_time(),
    }


def cpu_per_request(before: dict, after: dict, requests: int) -> dict[str, float]:
    """CPU milliseconds per request of gunicorn, PostgreSQL (private cluster only) and this
    client; 2,000 / their sum is what 2 cores could serve with nothing else running."""
    per = {
        f"cpu_ms_{k}": round((after[k] - before[k]) * 1000 / max(requests, 1), 2) for k in before
    }
    total = sum(v for v in per.values() if v == v)
    per["capacity_req_per_s_2_cores"] = round(2000 / total, 1) if total else 0
    return per


def goal_met(s: dict) -> bool:
    """Issue 10's goal for a mix phase: throughput, p95, and nothing failed."""
    return (
        s["req_per_s"] >= GOAL_RPS
        and s["p95_ms"] < GOAL_P95_MS
        and s["http_5xx"] == 0
        and s["connection_errors"] == 0
    )


def print_row(name: str, s: dict) -> None:
    print(
        f"{name:<22} {s['requests']:>7} {s['req_per_s']:>7} {s['p50_ms']:>7} {s['p95_ms']:>7}"
        f" {s['p99_ms']:>7} {s['server_p50_ms']:>7} {s['server_p95_ms']:>7}"
        f" {s['writes_ok']:>6} {s['http_409']:>5} {s['http_5xx']:>5} {s['connection_errors']:>5}"
    )


HEADER = (
    f"{'phase':<22} {'reqs':>7} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7} {'srv p50':>7}"
    f" {'srv p95':>7} {'writes':>6} {'409':>5} {'5xx':>5} {'conn':>5}"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--private-pg", action="store_true", help="a throwaway cluster")
    parser.add_argument("--db-name", default="newsroom_load")
    parser.add_argument("--articles", type=int, default=200, help="generated, besides seeds")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--configs", default="", help="e.g. 2x4,4x2: mix only, per config")
    parser.add_argument("--conn-max-age", type=int, default=60)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--rate", type=float, default=0, help="req/s in all; 0: no pause")
    parser.add_argument("--write-ratio", type=float, default=0.5)
    parser.add_argument("--contention", type=int, default=20)
    parser.add_argument("--contention-writes", type=int, default=25)
    parser.add_argument("--contention-seconds", type=float, default=60)
    parser.add_argument("--restart-pg", action="store_true")
    parser.add_argument("--restart-seconds", type=float, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="nr-load-"))
    cluster = PrivateCluster(tmp) if args.private_pg else None
    server_url = cluster.url if cluster else args.pg_url
    report: dict = {
        "machine": {"nproc": os.cpu_count(), "python": sys.version.split()[0]},
        "load_average_at_start": [round(x, 1) for x in os.getloadavg()],
        "options": {k: str(v) for k, v in vars(args).items()},
        "phases": {},
    }
    gunicorn = None
    try:
        db_url = recreate_database(server_url, args.db_name)
        env = app_env(db_url, tmp, args.conn_max_age)
        editors = max(1, args.users // 5)
        users = [
            (f"load_editor_{i:03}", "editor")
            if i < editors
            else (f"load_checker_{i:03}", "fact-checker")
            for i in range(max(args.users, args.contention))
        ]
        t = time.monotonic()
        prepare(db_url, tmp, args.articles, users, env)
        targets = targets_of(db_url)
        contended = targets[0][1][0]
        mix_targets = [(a, [s for s in ss if s != contended]) for a, ss in targets]
        print(
            f"database ready in {time.monotonic() - t:.0f} s: {len(targets)} articles,"
            f" {sum(len(s) for _, s in targets)} sentences, {len(users)} users"
        )
        configs = [tuple(map(int, c.split("x"))) for c in args.configs.split(",") if c] or [
            (args.workers, args.threads)
        ]
        print(HEADER)
        writes_seen = 0
        for workers, threads in configs:
            gunicorn = Gunicorn(env, tmp, workers, threads)
            sessions = [Session(gunicorn.port, name) for name, _ in users]
            with ThreadPoolExecutor(4) as pool:  # logins hash passwords: a few at a time
                list(pool.map(Session.login, sessions))
            _, mark = gunicorn.server_times()
            cpu = cpu_now(gunicorn, cluster)
            t = time.monotonic()
            results = run_mix(
                "mix", sessions[: args.users], mix_targets, args.duration, args.rate,
                args.write_ratio, args.seed,
            )  # fmt: skip
            server, mark = gunicorn.server_times(mark)
            name = f"mix {workers}x{threads}" + (f" @{args.rate:g}/s" if args.rate else "")
            report["phases"][name] = s = summary(results, time.monotonic() - t, server)
            s.update(cpu_per_request(cpu, cpu_now(gunicorn, cluster), len(results)))
            writes_seen += s["writes_ok"]
            print_row(name, s)
            s["goal_met"] = goal_met(s)
            print(
                f"  goal (>= {GOAL_RPS} req/s, p95 < {GOAL_P95_MS} ms, 0 5xx, no connection"
                f" errors): {'met' if s['goal_met'] else 'NOT met'}"
                f" ({s['req_per_s']} req/s, p95 {s['p95_ms']} ms, {s['http_5xx']} 5xx,"
                f" load average {os.getloadavg()[0]:.1f})"
            )
            print(
                f"  CPU ms per request: gunicorn {s['cpu_ms_app']}, PostgreSQL"
                f" {s['cpu_ms_postgres']}, client {s['cpu_ms_client']}: 2 idle cores would"
                f" serve ~{s['capacity_req_per_s_2_cores']} req/s; load average"
                f" {os.getloadavg()[0]:.1f}"
            )
            if (workers, threads) != configs[-1]:
                gunicorn.stop()
                gunicorn = None

        before = db_state(db_url, contended)
        t = time.monotonic()
        results = run_contention(
            sessions[: args.contention], contended, args.contention_writes,
            args.contention_seconds, args.seed,
        )  # fmt: skip
        server, mark = gunicorn.server_times(mark)
        s = summary(results, time.monotonic() - t, server)
        after = db_state(db_url, contended)
        s["sentence_version"] = [before["sentence"]["version"], after["sentence"]["version"]]
        s["lost_updates"] = (
            before["sentence"]["version"] + s["writes_ok"] - after["sentence"]["version"]
        )
        s["history_rows_added"] = after["sentence"]["history"] - before["sentence"]["history"]
        report["phases"]["contention"] = s
        writes_seen += s["writes_ok"]
        print_row(f"one sentence x{args.contention}", s)

        if args.restart_pg:
            window: dict[str, float] = {}

            def restart(t0: float) -> None:
                time.sleep(args.restart_seconds / 3)
                window["start"] = time.monotonic() - t0
                cluster.restart() if cluster else restart_shared_cluster()
                window["end"] = time.monotonic() - t0

            t = time.monotonic()
            results = run_mix(
                "restart", sessions[: args.users], mix_targets, args.restart_seconds,
                args.rate, args.write_ratio, args.seed + 1, during=restart,
            )  # fmt: skip
            server, mark = gunicorn.server_times(mark)
            s = summary(results, time.monotonic() - t, server)
            # When each failed request was answered (a queued request can start long before).
            failed = sorted(
                r.start + r.ms / 1000 for r in results if r.status == 0 or r.status >= 500
            )
            last = max((r.start for r in results), default=0)
            s["restart_window_s"] = [
                round(window.get("start", 0), 2),
                round(window.get("end", 0), 2),
            ]
            s["failures_between_s"] = [round(failed[0], 2), round(failed[-1], 2)] if failed else []
            s["ok_in_last_5_s"] = sum(1 for r in results if r.start > last - 5 and r.status == 200)
            s["failed_in_last_5_s"] = sum(
                1 for r in results if r.start > last - 5 and (r.status == 0 or r.status >= 500)
            )
            # Afterwards every session opens a page once: the app answers again by itself.
            probes = [
                session.request("GET", f"/articles/{mix_targets[0][0]}/")[0]
                for session in sessions[: args.users]
            ]
            s["after_restart_ok"] = f"{probes.count(200)}/{len(probes)}"
            report["phases"]["restart"] = s
            writes_seen += s["writes_ok"]
            print_row("PostgreSQL restart", s)
            print(
                f"  restart from {s['restart_window_s'][0]} to {s['restart_window_s'][1]} s into"
                f" the phase; failed requests answered between"
                f" {s['failures_between_s'] or 'none'} s;"
                f" last 5 s: {s['ok_in_last_5_s']} ok, {s['failed_in_last_5_s']} failed;"
                f" afterwards {s['after_restart_ok']} page requests ok"
            )

        report["load_average_at_end"] = [round(x, 1) for x in os.getloadavg()]
        final = db_state(db_url)
        check = {
            "writes_seen_by_clients": writes_seen,
            "fact_check_versions": final["versions"],
            "history_rows": final["history"],
            "torn_fact_checks": final["torn"],
            # Writes committed whose response never arrived (only in a restart window).
            "committed_without_response": final["history"] - writes_seen,
            "lost_updates_on_contended_sentence": report["phases"]["contention"]["lost_updates"],
        }
        report["check"] = check
        print(
            f"check: history rows {final['history']} = versions {final['versions']}"
            f" = successful writes {writes_seen}"
            f"{' + ' + str(check['committed_without_response']) + ' committed without response' if check['committed_without_response'] else ''};"
            f" torn fact checks {final['torn']};"
            f" lost updates on the contended sentence {check['lost_updates_on_contended_sentence']}"
        )
        ok = (
            final["torn"] == 0
            and final["history"] == final["versions"]
            and check["lost_updates_on_contended_sentence"] == 0
            and (check["committed_without_response"] == 0 or args.restart_pg)
            and check["committed_without_response"] >= 0
            and (not args.restart_pg or probes.count(200) == len(probes))
            and report["phases"]["contention"]["history_rows_added"]
            == report["phases"]["contention"]["writes_ok"]
        )
        report["ok"] = ok
        print("OK" if ok else "CHECK FAILED")
    finally:
        if gunicorn:
            gunicorn.stop()
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(report, indent=2))
        if cluster:
            cluster.stop()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"kept {tmp}")
    if not report.get("ok"):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
