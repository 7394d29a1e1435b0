"""Side by side with Label Studio: the same generated articles through its server and ours.

    .venv/bin/python bench/peer_labelstudio.py                      # 1,000 and 5,000 articles
    .venv/bin/python bench/peer_labelstudio.py --sizes 200 --requests 20     # a quick run
    .venv/bin/python bench/peer_labelstudio.py --scratch /tmp/peer --json /tmp/peer/out.json

What it does, in order (everything on 127.0.0.1, every loop bounded in count and in time,
both servers killed at the end, on error too):

1. Label Studio's documented pip setup in a scratch virtualenv OUTSIDE the repository
   (``--scratch``/venv, default /tmp/newsroom-peer/venv): ``python -m venv`` and
   ``pip install label-studio`` (``--pip-spec``) from the package registry, the only network
   used. Reused when it already imports. Label Studio never enters this project's
   dependencies. If pip fails, the bench stops with pip's last lines and says so.
2. For each size (``--sizes``): ``bench/gen_articles.py`` writes the articles (seeded JSON
   Lines, the seed layout, 12-30 body sentences each), and both servers get that file.
3. Label Studio: ``label-studio start`` with its own data directory (SQLite) under the
   scratch directory, a free port, no browser, the user made non-interactively by its
   ``--username``/``--password`` flags (``LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK=true``).
   The client logs in through its login form (session + CSRF, as its web page does), makes
   a project whose labelling config has the article text and span labels named after our
   statuses, imports the articles as tasks through ``POST /api/projects/<id>/import``
   (``--ls-batch`` tasks a request; timed until the project holds them all), then times
   ``GET /api/tasks/<id>/`` (one task: what its labelling page loads), the labelling page's
   HTML (``/projects/<id>/data?task=<id>``, a React shell), ``GET /api/tasks/
   ?project=<id>&page=1&page_size=30`` (the data manager's list), ``POST /api/tasks/<id>/
   annotations/`` (one labelled span) and ``GET /api/projects/<id>/export?exportType=JSON``.
4. newsroom, from a ``git archive`` of HEAD in the scratch directory (``--working-tree``:
   the working tree instead): a scratch SQLite database, ``manage.py migrate`` and
   ``collectstatic``, one editor, ``manage.py import_articles <file>`` timed (a subprocess:
   it includes the process start, also timed apart on a one-article re-import; segmenting,
   artifact detection and suggested flags on), gunicorn with
   ``gunicorn.conf.py`` (``--workers``, default 1, as Label Studio's one process; production
   settings), the client logs in through the login form, then times the article page
   ``/articles/<id>/``, the list ``/``, a status POST ``/sentences/<id>/status/`` (as the
   panel sends it, with the version the page showed) and ``manage.py export --format json``.
5. Requests are sequential on one keep-alive connection, timed at the client, ``--requests``
   of each kind (``--posts`` POSTs) and at most ``--phase-seconds`` a kind. Peak RSS is the
   kernel's high-water mark (VmHWM in /proc/<pid>/status) of every server process, read just
   before it is stopped; for our import, the ``import_articles`` process's (``wait4``).

Prints a markdown table and the machine (cores, CPU, load average before and after, date);
``--json`` writes the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"
PASSWORD = "peer-bench-pass-3e7a"  # noqa: S105 - throwaway users of throwaway servers
LS_USER = "peer@example.org"
OUR_USER = "peer_editor"
STATUSES = ["to_check", "accurate", "misleading", "false", "unverifiable", "opinion"]
# Hard caps, whatever the options say.
MAX_REQUESTS = 2_000
MAX_PHASE_SECONDS = 600
REQUEST_TIMEOUT = 300
START_TIMEOUT = 300
PIP_TIMEOUT = 3_600
PANEL = re.compile(r'<aside id="panel"[^>]*?data-sentence="(\d+)"[^>]*?data-version="(\d+)"')
LABEL_CONFIG = (
    '<View><Labels name="label" toName="text">'
    + "".join(f'<Label value="{s}"/>' for s in STATUSES)
    + '</Labels><Text name="text" value="$text"/></View>'
)

_running: list[subprocess.Popen] = []


# --- Processes --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start(cmd: list[str], env: dict[str, str], log: Path, cwd: Path) -> subprocess.Popen:
    """A server in its own process group, so that stop() ends it and its children."""
    with log.open("ab") as out:
        proc = subprocess.Popen(
            cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    _running.append(proc)
    return proc


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=20)
    if proc in _running:
        _running.remove(proc)


def stop_all() -> None:
    for proc in list(_running):
        stop(proc)


def tree(pid: int) -> list[int]:
    """``pid`` and its descendants, from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int(Path(entry, "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(parents.get(p, []))
    return found


def peak_rss(pid: int) -> list[tuple[str, float]]:
    """(command, VmHWM MiB) of every live process of the tree, the largest first."""
    rows = []
    for p in tree(pid):
        try:
            status = Path(f"/proc/{p}/status").read_text()
            cmdline = Path(f"/proc/{p}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
        if found:
            rows.append((cmdline.strip()[:80], int(found[1]) / 1024))
    return sorted(rows, key=lambda row: -row[1])


def wait_for(port: int, path: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited (code {proc.returncode}); see {log}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", path, headers={"Host": HOST})
            status = conn.getresponse().status
            conn.close()
            if status < 500:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the server did not answer {path} in {START_TIMEOUT} s; see {log}")


def run(cmd: list[str], env: dict[str, str], what: str, cwd: Path = ROOT) -> str:
    done = subprocess.run(
        cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=1_800
    )  # fmt: skip
    if done.returncode:
        raise SystemExit(f"{what} failed (code {done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def timed_child(
    cmd: list[str], env: dict[str, str], what: str, cwd: Path = ROOT
) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MiB, output) of one child process, waited with wait4."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )  # fmt: skip
    _running.append(proc)
    output = proc.stdout.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    _running.remove(proc)
    if proc.returncode:
        raise SystemExit(f"{what} failed (code {proc.returncode}):\n{output.decode()[-3000:]}")
    return seconds, usage.ru_maxrss / 1024, output.decode(errors="replace")


# --- HTTP -------------------------------------------------------------------------------


class Client:
    """One keep-alive connection with its cookies; JSON or form bodies; times at the client."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def request(
        self,
        method: str,
        path: str,
        *,
        form: dict | None = None,
        data: object = None,
        headers: dict | None = None,
    ) -> tuple[int, bytes, float]:
        """(status, body, ms)."""
        body = None
        all_headers = {"Host": HOST, **(headers or {})}
        if form is not None:
            body = urlencode(form).encode()
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif data is not None:
            body = json.dumps(data).encode()
            all_headers["Content-Type"] = "application/json"
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method != "GET" and "csrftoken" in self.cookies:
            all_headers["X-CSRFToken"] = self.cookies["csrftoken"]
            all_headers["Referer"] = f"http://{HOST}:{self.port}/"
        for attempt in range(2):  # a keep-alive connection the server closed: once more
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
            started = time.perf_counter()
            try:
                self.conn.request(method, path, body=body, headers=all_headers)
                response = self.conn.getresponse()
                content = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
                continue
            ms = (time.perf_counter() - started) * 1000
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            if response.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            return response.status, content, ms
        raise AssertionError("unreachable")

    def expect(self, method: str, path: str, ok: tuple[int, ...], **kw) -> tuple[bytes, float]:
        status, content, ms = self.request(method, path, **kw)
        if status not in ok:
            raise SystemExit(f"{method} {path}: HTTP {status}: {content[:500]!r}")
        return content, ms

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def form_login(client: Client, path: str, fields: dict[str, str]) -> None:
    """GET the login form, POST it with its CSRF token; a redirect means logged in."""
    page, _ = client.expect("GET", path, (200,))
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not token:
        raise SystemExit(f"no CSRF token in the login form at {path}")
    form = {**fields, "csrfmiddlewaretoken": token[1].decode()}
    status, content, _ = client.request("POST", path, form=form)
    if status != 302 or "sessionid" not in client.cookies:
        raise SystemExit(f"login at {path} failed: HTTP {status} {content[:300]!r}")


def timed_loop(count: int, seconds: float, step) -> list[float]:
    """ms of each call of ``step(i)``: ``count`` calls at most, ``seconds`` at most."""
    times: list[float] = []
    deadline = time.monotonic() + min(seconds, MAX_PHASE_SECONDS)
    for i in range(min(count, MAX_REQUESTS)):
        if time.monotonic() >= deadline:
            break
        times.append(step(i))
    return times


def p50_p95(times: list[float]) -> dict:
    if not times:
        return {"p50": None, "p95": None, "n": 0}
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": statistics.median(ordered), "p95": p95, "n": len(ordered)}


# --- Label Studio ---------------------------------------------------------------------------


def ensure_label_studio(venv: Path, spec: str) -> Path:
    """The scratch venv's label-studio executable, installed by pip when missing."""
    if venv.resolve().is_relative_to(ROOT):
        raise SystemExit(f"--venv {venv} is inside the repository; choose a scratch directory")
    python = venv / "bin" / "python"
    executable = venv / "bin" / "label-studio"
    check = [str(python), "-c", "import label_studio; print(label_studio.__version__)"]
    if executable.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return executable
    venv.parent.mkdir(parents=True, exist_ok=True)
    if not python.exists():
        base = getattr(sys, "_base_executable", None) or PYTHON
        subprocess.run([base, "-m", "venv", str(venv)], check=True, timeout=300)
    log = venv.parent / "pip-install.log"
    print(f"installing {spec} into {venv} (pip; log in {log}) ...", flush=True)
    try:
        with log.open("w") as out:
            done = subprocess.run(
                [str(python), "-m", "pip", "install", "--disable-pip-version-check", spec],
                stdout=out, stderr=subprocess.STDOUT, timeout=PIP_TIMEOUT,
            )  # fmt: skip
        code = done.returncode
    except subprocess.TimeoutExpired:
        code = "timeout"
    if code != 0 or subprocess.run(check, capture_output=True).returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
        raise SystemExit(
            f"could not install Label Studio: `pip install {spec}` into {venv} ended with "
            f"{code}. This bench needs the package registry (PyPI or the configured index) "
            f"to install it; nothing else was changed. pip's last lines ({log}):\n{tail}"
        )
    return executable


def label_studio(executable: Path, work: Path, articles: Path, n: int, args) -> dict:
    data_dir = work / "ls-data"
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    port = free_port()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE", "VIRTUAL"))
    }
    env.update(
        LABEL_STUDIO_BASE_DATA_DIR=str(data_dir),
        LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK="true",
        # Large imports in one request (its default is 250 MB as well).
        DATA_UPLOAD_MAX_MEMORY_SIZE=str(1 << 30),
        PATH=f"{executable.parent}:{env.get('PATH', '')}",
    )
    log = work / "label-studio.log"
    cmd = [
        str(executable), "start", "--data-dir", str(data_dir),
        "--internal-host", HOST, "--port", str(port),
        "--no-browser", "--username", LS_USER, "--password", PASSWORD,
    ]  # fmt: skip
    started = time.perf_counter()
    proc = start(cmd, env, log, work)
    result: dict = {"system": "Label Studio", "articles": n}
    try:
        wait_for(port, "/user/login/", proc, log)
        result["start_s"] = time.perf_counter() - started
        client = Client(port)
        form_login(client, "/user/login/", {"email": LS_USER, "password": PASSWORD})
        content, _ = client.expect(
            "POST",
            "/api/projects/",
            (201,),
            data={"title": f"peer {n}", "label_config": LABEL_CONFIG},
        )
        project = json.loads(content)["id"]

        tasks = [
            {"data": json.loads(line)} for line in articles.read_text(encoding="utf-8").splitlines()
        ]
        t0 = time.perf_counter()
        for i in range(0, len(tasks), args.ls_batch):
            client.expect(
                "POST",
                f"/api/projects/{project}/import",
                (200, 201),
                data=tasks[i : i + args.ls_batch],
            )
        deadline = time.monotonic() + MAX_PHASE_SECONDS
        while True:  # an asynchronous import: wait until the project holds every task
            content, _ = client.expect("GET", f"/api/projects/{project}/", (200,))
            if json.loads(content).get("task_number", 0) >= n or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        result["import_s"] = time.perf_counter() - t0
        result["import_rate"] = n / result["import_s"]

        content, _ = client.expect(
            "GET", f"/api/tasks/?project={project}&page=1&page_size={n}", (200,)
        )
        ids = sorted(task["id"] for task in json.loads(content)["tasks"])
        if len(ids) != n:
            raise SystemExit(f"Label Studio holds {len(ids)} tasks, not {n}")
        rng = random.Random(1)
        order = [rng.choice(ids) for _ in range(args.requests)]
        pages = max(1, min(5, n // 30))  # the list's first pages, 30 (ours 25) a page

        def get_task(i: int) -> float:
            return client.expect("GET", f"/api/tasks/{order[i]}/", (200,))[1]

        def get_list(i: int) -> float:
            path = f"/api/tasks/?project={project}&page={1 + i % pages}&page_size=30"
            return client.expect("GET", path, (200,))[1]

        def get_page(i: int) -> float:
            return client.expect("GET", f"/projects/{project}/data?task={order[i]}", (200,))[1]

        def post(i: int) -> float:
            task = json.loads(client.expect("GET", f"/api/tasks/{order[i]}/", (200,))[0])
            text = task["data"]["text"]
            end = min(len(text), text.find(".") + 1 or 80)
            value = {"start": 0, "end": end, "text": text[:end], "labels": [STATUSES[i % 6]]}
            annotation = {
                "result": [
                    {
                        "id": f"r{i}",
                        "from_name": "label",
                        "to_name": "text",
                        "type": "labels",
                        "value": value,
                    }
                ],
                "lead_time": 1.0,
            }
            return client.expect(
                "POST", f"/api/tasks/{order[i]}/annotations/", (201,), data=annotation
            )[1]

        result["page"] = p50_p95(timed_loop(args.requests, args.phase_seconds, get_task))
        result["html_page"] = p50_p95(timed_loop(args.requests, args.phase_seconds, get_page))
        result["list"] = p50_p95(timed_loop(args.requests, args.phase_seconds, get_list))
        result["post"] = p50_p95(timed_loop(args.posts, args.phase_seconds, post))

        t0 = time.perf_counter()
        content, _ = client.expect(
            "GET", f"/api/projects/{project}/export?exportType=JSON&download_all_tasks=true", (200,)
        )
        result["export_s"] = time.perf_counter() - t0
        result["export_mib"] = len(content) / 2**20
        exported = json.loads(content)
        if len(exported) != n:
            raise SystemExit(f"Label Studio exported {len(exported)} tasks, not {n}")
        client.close()
        result["rss"] = peak_rss(proc.pid)
    finally:
        stop(proc)
    return result


# --- newsroom ---------------------------------------------------------------------------


SETUP_USER = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
user = get_user_model().objects.create_user(%r, password=%r, is_staff=True)
user.groups.add(Group.objects.get(name="editor"))
"""


def snapshot(scratch: Path) -> tuple[Path, str]:
    """The committed code (``git archive HEAD``) in the scratch directory, and its commit:
    the figures are those of a commit, whatever is being edited in the working tree."""
    commit = run(["git", "rev-parse", "--short", "HEAD"], dict(os.environ), "git rev-parse")
    src = scratch / f"newsroom-{commit.strip()}"
    if not (src / "manage.py").exists():
        shutil.rmtree(src, ignore_errors=True)
        src.mkdir(parents=True)
        archive = subprocess.run(
            ["git", "archive", "HEAD"], cwd=ROOT, capture_output=True, check=True, timeout=300
        )
        subprocess.run(["tar", "-x", "-C", str(src)], input=archive.stdout, check=True)
    return src, commit.strip()


def newsroom(src: Path, work: Path, articles: Path, n: int, args) -> dict:
    db = work / "newsroom.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{db}",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="peer-bench-" + "x" * 50,
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_SECURE_SSL_REDIRECT="0",  # plain http on loopback
        DJANGO_STATIC_ROOT=str(work / "static"),
        DJANGO_CONN_MAX_AGE="60",
        PYTHONPATH=str(src),
    )
    manage = [PYTHON, str(src / "manage.py")]
    run([*manage, "migrate", "--noinput"], env, "manage.py migrate", src)
    run([*manage, "collectstatic", "--noinput"], env, "manage.py collectstatic", src)
    run([*manage, "shell", "-c", SETUP_USER % (OUR_USER, PASSWORD)], env, "creating the user", src)
    result: dict = {"system": "newsroom", "articles": n}
    seconds, rss, log = timed_child(
        [*manage, "import_articles", str(articles)], env, "manage.py import_articles", src
    )
    result["import_s"], result["import_rss"], result["import_log"] = seconds, rss, log[-2000:]
    result["import_rate"] = n / seconds
    result["learned_layer"] = "cannot load the artifact model" not in log
    # The process start (Django, the text analysis, the model), timed apart: the same
    # command on one article already imported (it only finds the duplicate).
    one = work / "one.jsonl"
    one.write_text(articles.open(encoding="utf-8").readline(), encoding="utf-8")
    result["import_start_s"] = timed_child(
        [*manage, "import_articles", str(one)], env, "manage.py import_articles (one article)", src
    )[0]
    result["import_rate_net"] = n / max(seconds - result["import_start_s"], 1e-3)
    with sqlite3.connect(db) as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM newsroom_article ORDER BY id")]
        result["sentences"] = conn.execute("SELECT count(*) FROM newsroom_sentence").fetchone()[0]
        sentences: dict[int, list[int]] = {}
        for article, sentence in conn.execute("SELECT article_id, id FROM newsroom_sentence"):
            sentences.setdefault(article, []).append(sentence)
    if len(ids) != n:
        raise SystemExit(f"newsroom holds {len(ids)} articles, not {n}")

    port = free_port()
    log = work / "gunicorn.log"
    cmd = [
        str(Path(PYTHON).parent / "gunicorn"), "-c", str(src / "gunicorn.conf.py"),
        "--bind", f"{HOST}:{port}", "--workers", str(args.workers),
        "--access-logfile", "/dev/null",
    ]  # fmt: skip
    proc = start(cmd, env, log, src)
    try:
        wait_for(port, "/login/", proc, log)
        client = Client(port)
        form_login(client, "/login/", {"username": OUR_USER, "password": PASSWORD, "next": "/"})
        rng = random.Random(1)
        order = [rng.choice(ids) for _ in range(args.requests)]
        pages = max(1, min(5, n // 30))  # the list's first pages, 30 (ours 25) a page

        def get_page(i: int) -> float:
            return client.expect("GET", f"/articles/{order[i]}/", (200,))[1]

        def get_list(i: int) -> float:
            return client.expect("GET", f"/?page={1 + i % pages}", (200,))[1]

        def post(i: int) -> float:
            sentence = rng.choice(sentences[order[i]])
            page, _ = client.expect("GET", f"/articles/{order[i]}/?s={sentence}", (200,))
            found = PANEL.search(page.decode())
            if not found:
                raise SystemExit(f"no panel on /articles/{order[i]}/?s={sentence}")
            form = {"status": STATUSES[i % 6], "version": found[2]}
            path = f"/sentences/{found[1]}/status/"
            return client.expect("POST", path, (200,), form=form, headers={"HX-Request": "true"})[1]

        result["page"] = p50_p95(timed_loop(args.requests, args.phase_seconds, get_page))
        result["list"] = p50_p95(timed_loop(args.requests, args.phase_seconds, get_list))
        result["post"] = p50_p95(timed_loop(args.posts, args.phase_seconds, post))
        client.close()
        result["rss"] = peak_rss(proc.pid)
    finally:
        stop(proc)
    out = work / "newsroom-export.json"
    t0 = time.perf_counter()
    run([*manage, "export", "--format", "json", "--output", str(out)], env, "manage.py export", src)
    result["export_s"] = time.perf_counter() - t0
    result["export_mib"] = out.stat().st_size / 2**20
    t0 = time.perf_counter()
    run(
        [*manage, "export", "--format", "json", "--article", str(ids[0])], env, "export of one", src
    )
    result["export_start_s"] = time.perf_counter() - t0
    return result


# --- Report -----------------------------------------------------------------------------


def machine() -> dict:
    cpu = ""
    try:
        found = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        cpu = found[1] if found else ""
    except OSError:
        pass
    return {"cores": os.cpu_count(), "cpu": cpu, "python": sys.version.split()[0]}


def fmt_ms(figure: dict | None) -> str:
    if not figure or figure.get("p50") is None:
        return "-"
    return f"{figure['p50']:.0f} / {figure['p95']:.0f}"


def table(results: list[dict]) -> str:
    columns = [(r["system"], r["articles"]) for r in results]
    head = "| | " + " | ".join(f"{s} {n:,}" for s, n in columns) + " |"
    lines = [head, "|---|" + "---:|" * len(columns)]

    def row(name: str, cell) -> None:
        lines.append(f"| {name} | " + " | ".join(cell(r) for r in results) + " |")

    row("import, articles/s", lambda r: f"{r['import_rate']:,.0f}")
    row("import, s", lambda r: f"{r['import_s']:.1f}")
    row(
        "import, articles/s without the process start",
        lambda r: f"{r['import_rate_net']:,.0f}" if "import_rate_net" in r else "(a server)",
    )
    row(
        "server first start (LS: its migrations) / our import process start, s",
        lambda r: f"{r.get('start_s', r.get('import_start_s', 0)):.1f}",
    )
    row("article GET p50 / p95 ms", lambda r: fmt_ms(r.get("page")))
    row("labelling page HTML p50 / p95 ms", lambda r: fmt_ms(r.get("html_page")))
    row("list page p50 / p95 ms", lambda r: fmt_ms(r.get("list")))
    row("status / annotation POST p50 / p95 ms", lambda r: fmt_ms(r.get("post")))
    row("export JSON, s", lambda r: f"{r['export_s']:.1f}")
    row(
        "export of one article (process start), s",
        lambda r: f"{r['export_start_s']:.1f}" if "export_start_s" in r else "-",
    )
    row("export size, MiB", lambda r: f"{r['export_mib']:.1f}")
    row("server peak RSS, MiB (largest process)", lambda r: f"{r['rss'][0][1]:.0f}")
    row("server peak RSS, MiB (all processes)", lambda r: f"{sum(x[1] for x in r['rss']):.0f}")
    row(
        "import process peak RSS, MiB",
        lambda r: f"{r['import_rss']:.0f}" if "import_rss" in r else "(in the server)",
    )
    row("load average before / after", lambda r: "{:.1f} / {:.1f}".format(*r["load"]))
    return "\n".join(lines)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n\n".join(__doc__.split("\n\n")[1:]),
    )  # fmt: skip
    parser.add_argument("--sizes", default="1000,5000", help="articles, comma-separated")
    parser.add_argument(
        "--scratch", type=Path, default=Path(tempfile.gettempdir()) / "newsroom-peer"
    )
    parser.add_argument("--venv", type=Path, help="Label Studio's venv (default SCRATCH/venv)")
    parser.add_argument("--pip-spec", default="label-studio", help="what pip installs")
    parser.add_argument("--requests", type=int, default=50, help="GETs of each kind")
    parser.add_argument("--posts", type=int, default=30, help="POSTs")
    parser.add_argument("--phase-seconds", type=float, default=120, help="cap per kind")
    parser.add_argument("--ls-batch", type=int, default=1000, help="tasks per import request")
    parser.add_argument("--workers", type=int, default=1, help="our gunicorn workers")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--working-tree",
        action="store_true",
        help="run our side from the working tree (default: a git archive of HEAD)",
    )
    parser.add_argument("--json", type=Path, help="write the figures here")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if not sizes or min(sizes) < 1:
        raise SystemExit("--sizes: positive article counts, comma-separated")
    scratch = args.scratch.resolve()
    if scratch.is_relative_to(ROOT):
        raise SystemExit(f"--scratch {scratch} is inside the repository; choose another place")
    scratch.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    facts = machine()
    facts["date"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    facts["load_before"] = os.getloadavg()
    executable = ensure_label_studio(args.venv or scratch / "venv", args.pip_spec)
    facts["label_studio"] = subprocess.run(
        [str(executable.parent / "python"), "-c", "import label_studio; print(label_studio.__version__)"],
        capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    src, commit = (ROOT, "working tree") if args.working_tree else snapshot(scratch)
    facts["newsroom"] = commit
    sys.path.insert(0, str(src))
    from bench.gen_articles import write

    results = []
    try:
        for n in sizes:
            work = scratch / f"n{n}"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir()
            articles = write(work / "articles.jsonl", n, seed=args.seed)
            for system in (label_studio, newsroom):
                before = os.getloadavg()[0]
                print(f"{n:,} articles: {system.__name__} ...", flush=True)
                if system is label_studio:
                    result = system(executable, work, articles, n, args)
                else:
                    result = system(src, work, articles, n, args)
                result["load"] = (before, os.getloadavg()[0])
                results.append(result)
    finally:
        stop_all()
    facts["load_after"] = os.getloadavg()
    print()
    print(table(results))
    print()
    sentences = [r["sentences"] / r["articles"] for r in results if "sentences" in r]
    print(
        f"Machine: {facts['cores']} cores ({facts['cpu']}), Python {facts['python']}, "
        f"Label Studio {facts['label_studio']}, newsroom {facts['newsroom']}; {facts['date']}; load average (1/5/15 min) "
        "before {:.1f} {:.1f} {:.1f}, after {:.1f} {:.1f} {:.1f}.".format(
            *facts["load_before"], *facts["load_after"]
        )
        + (f" {statistics.mean(sentences):.1f} sentences an article (ours)." if sentences else "")
        + " Our learned artifact layer: "
        + ("on." if all(r.get("learned_layer", True) for r in results) else "OFF (did not load).")
    )
    for r in results:
        print(
            f"  {r['system']} {r['articles']:,}: "
            + "; ".join(f"{c} {m:.0f} MiB" for c, m in r["rss"])
        )
    if args.json:
        args.json.write_text(json.dumps({"machine": facts, "results": results}, indent=2))


if __name__ == "__main__":
    main()
