"""Import from a URL (newsroom/fetch.py): SSRF refusals, redirects, limits, idempotency.

A local HTTP server on 127.0.0.1 serves the pages; only the tests that say so let its
address through (NEWSROOM_FETCH_ALLOWED_NETWORKS), so every other test proves that the
default refuses it before a byte is sent (the server counts the requests it got).
"""

from __future__ import annotations

import io
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from newsroom import fetch
from newsroom.fetch import FetchError, import_url
from newsroom.importing import Status
from newsroom.jobs.models import Job
from newsroom.models import Article
from tests.newsroom.test_jobs import run_worker

PARAGRAPHS = "".join(
    f"<p>Paragraph {n} of the report says that the council met on Tuesday and voted on the "
    f"new budget for the harbour, after a long debate about the costs of dredging.</p>"
    for n in range(6)
)
ARTICLE = (
    "<!doctype html><html><head><title>Council votes on harbour budget</title></head><body>"
    "<article><h1>Council votes on harbour budget</h1>" + PARAGRAPHS + "</article></body></html>"
).encode()


class Handler(BaseHTTPRequestHandler):
    requests: list[str] = []
    release = threading.Event()

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        if parts.path == "/article":
            self._send(200, ARTICLE, "text/html; charset=utf-8")
        elif parts.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", query["to"][0])
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif parts.path == "/big":
            self._send(200, b"<p>" + b"x" * 5000 + b"</p>", "text/html")
        elif parts.path == "/json":
            self._send(200, b"{}", "application/json")
        elif parts.path == "/slow":
            type(self).release.wait(10)
            self._send(200, b"<p>late</p>", "text/html")
        else:
            self._send(404, b"no", "text/plain")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server():
    Handler.release.clear()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    Handler.release.set()
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def _count(settings):
    Handler.requests.clear()
    settings.NEWSROOM_FETCH_ALLOWED_NETWORKS = []


@pytest.fixture
def allow_local(settings):
    """The test-only allowance for the local server's address (127.0.0.1 alone)."""
    settings.NEWSROOM_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]


def port(server: str) -> int:
    return urlsplit(server).port or 80


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1:{port}/article", "loopback"),
        ("http://localhost:{port}/article", "loopback"),
        ("http://2130706433:{port}/article", "loopback"),  # 127.0.0.1 as one number
        ("http://10.1.2.3/", "private"),
        ("http://192.168.0.1/", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[::1]:{port}/article", "loopback"),
        ("http://[::ffff:127.0.0.1]:{port}/article", "loopback"),
        ("http://[::ffff:10.0.0.1]/", "private"),
        ("http://[fe80::1]/", "link-local"),
        ("http://[fd00::1]/", "private"),
        ("http://224.0.0.1/", "multicast"),
        ("http://0.0.0.0:{port}/", "unspecified"),
        ("http://[::]:{port}/", "unspecified"),
        ("http://100.64.0.1/", "not a public address"),  # carrier-grade NAT
    ],
)
def test_internal_addresses_are_refused_before_connecting(server, url, why):
    with pytest.raises(FetchError, match=why):
        fetch.fetch(url.format(port=port(server)))
    assert Handler.requests == []


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://example.org/a", "only http:// and https://"),
        ("file:///etc/passwd", "only http:// and https://"),
        ("gopher://example.org/", "only http:// and https://"),
        ("http://user:secret@example.org/", "user name or password"),
        ("http://user@example.org/", "user name or password"),
        ("http:///path", "no host"),
        ("http://example.org:99999/", "not a valid address"),
    ],
)
def test_other_schemes_credentials_and_bad_addresses_are_refused(url, why):
    with pytest.raises(FetchError, match=why):
        fetch.fetch(url)


@pytest.mark.parametrize(
    "target",
    [
        "http://10.0.0.7/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:{port}/article",
        "http://[::ffff:127.0.0.1]:{port}/article",
        "file:///etc/passwd",
    ],
)
def test_a_redirect_to_an_internal_address_is_refused(server, allow_local, target):
    to = target.format(port=port(server))
    with pytest.raises(FetchError, match=r"refused|only http"):
        fetch.fetch(f"{server}/redirect?to={to}")
    assert len(Handler.requests) == 1  # the redirect itself, nothing after it


def test_the_allowed_local_server_is_fetched_through_redirects(server, allow_local):
    page = fetch.fetch(f"{server}/redirect?to=/redirect%3Fto%3D/article")
    assert page.url == f"{server}/article"
    assert page.body == ARTICLE
    assert Handler.requests == [
        "/redirect?to=/redirect%3Fto%3D/article",
        "/redirect?to=/article",
        "/article",
    ]


def test_too_many_redirects(server, allow_local, settings):
    settings.NEWSROOM_FETCH_MAX_REDIRECTS = 1
    with pytest.raises(FetchError, match="more than 1 redirects"):
        fetch.fetch(f"{server}/redirect?to=/redirect%3Fto%3D/article")


def test_the_host_is_resolved_once_per_hop_and_the_checked_address_is_used(
    server, allow_local, monkeypatch
):
    """DNS rebinding: a name that answers 127.0.0.1 (allowed here) and then an internal
    address is fetched from the address that was checked; it is never looked up again."""
    real = socket.getaddrinfo
    answers = iter(["127.0.0.1", "10.0.0.1", "10.0.0.1"])
    lookups = []

    def rebinding(host, port, *args, **kwargs):
        if host != "rebind.test":
            return real(host, port, *args, **kwargs)
        lookups.append(host)
        return real(next(answers), port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    page = fetch.fetch(f"http://rebind.test:{port(server)}/article")
    assert page.body == ARTICLE and lookups == ["rebind.test"]


def test_a_name_with_one_internal_address_among_public_ones_is_refused(monkeypatch):
    def mixed(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.1", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", mixed)
    with pytest.raises(FetchError, match=r"10\.0\.0\.1 is a private address"):
        fetch.fetch("http://mixed.test/")


def test_the_connected_peer_is_checked_again(server):
    with (
        socket.create_connection(("127.0.0.1", port(server))) as sock,
        pytest.raises(FetchError, match=r"connected to 127\.0\.0\.1, a loopback address"),
    ):
        fetch.check_peer(sock, "example.org")


def test_size_cap_content_type_and_status(server, allow_local, settings):
    settings.NEWSROOM_FETCH_MAX_BYTES = 1000
    with pytest.raises(FetchError, match="larger than 1000 bytes"):
        fetch.fetch(f"{server}/big")
    with pytest.raises(FetchError, match="not an HTML page"):
        fetch.fetch(f"{server}/json")
    with pytest.raises(FetchError, match="answered 404"):
        fetch.fetch(f"{server}/missing")


def test_a_page_that_does_not_answer_in_time(server, allow_local, settings):
    settings.NEWSROOM_FETCH_TIMEOUT = 0.3
    with pytest.raises(FetchError, match=r"no answer within 0\.3 s"):
        fetch.fetch(f"{server}/slow")


@pytest.mark.django_db
def test_import_url_imports_once_and_again_finds_the_same_article(server, allow_local, editor):
    first = import_url(url=f"{server}/article", user=editor)
    assert first.imported == 1 and not first.failures
    article = Article.objects.get()
    assert article.title == "Council votes on harbour budget"
    assert article.url == f"{server}/article"
    assert article.imported_by == editor
    again = import_url(url=f"{server}/redirect?to=/article", user=editor)
    assert [r.status for r in again.results] == [Status.DUPLICATE]
    assert again.results[0].article == article and Article.objects.count() == 1


@pytest.mark.django_db
def test_import_url_reports_a_refusal_as_its_one_failure():
    summary = import_url(url="http://169.254.169.254/latest/meta-data/")
    assert summary.failed == 1 and "link-local" in summary.failures[0].message
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_import_articles_url(server, allow_local):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_articles", "--url", f"{server}/article", stdout=out, stderr=err)
    assert "Imported 1 article" in out.getvalue() and Article.objects.count() == 1
    with pytest.raises(CommandError, match="1 article"):
        call_command("import_articles", "--url", "http://10.0.0.1/", stdout=out, stderr=err)
    assert "10.0.0.1 is a private address" in err.getvalue()
    with pytest.raises(CommandError, match="PATH or --url"):
        call_command("import_articles", stdout=out, stderr=err)


@pytest.mark.django_db
def test_the_upload_page_imports_a_url_in_a_job(server, allow_local, editor_client):
    response = editor_client.post(reverse("newsroom:import"), {"url": f"{server}/article"})
    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url() and job.kind == Job.Kind.IMPORT_URL
    run_worker()
    job.refresh_from_db()
    assert (job.state, job.imported, job.percent) == (Job.State.DONE, 1, 100)
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_the_upload_page_refuses_an_internal_address_at_once(editor_client):
    response = editor_client.post(reverse("newsroom:import"), {"url": "http://10.0.0.1/x"})
    assert response.status_code == 200
    assert "10.0.0.1 is a private address" in response.content.decode()
    assert Job.objects.count() == 0


@pytest.mark.django_db
def test_fact_checkers_may_not_import_a_url(checker_client):
    response = checker_client.post(reverse("newsroom:import"), {"url": "https://example.org/"})
    assert response.status_code == 403 and Job.objects.count() == 0
