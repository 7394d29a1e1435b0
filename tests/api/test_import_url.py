"""URL import through the API: newsroom.fetch's SSRF rules, then the HTML import path."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from newsroom.models import Article

pytestmark = pytest.mark.django_db

PAGE = (
    b"<html><head><title>Harbour reopens</title></head><body><article><h1>Harbour reopens"
    b"</h1><p>The harbour reopened on Monday after two weeks of repairs to the pier.</p>"
    b"<p>Fishing boats were the first to sail out, the port authority said.</p>"
    b"</article></body></html>"
)


class Handler(BaseHTTPRequestHandler):
    requests = 0

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        type(self).requests += 1
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/story"
    httpd.shutdown()


def test_loopback_is_refused_by_default_before_any_request(editor_api, server, settings):
    settings.NEWSROOM_FETCH_ALLOWED_NETWORKS = []
    Handler.requests = 0
    response = editor_api.post("/api/import/url", {"url": server}, content_type="application/json")
    assert response.status_code == 422
    assert "127.0.0.1" in response.json()["results"][0]["message"]
    assert Handler.requests == 0 and not Article.objects.exists()


def test_allowed_test_server_is_imported_once(editor_api, checker_api, server, settings):
    settings.NEWSROOM_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    body = {"url": server}
    assert (
        checker_api.post("/api/import/url", body, content_type="application/json").status_code
        == 403
    )
    first = editor_api.post("/api/import/url", body, content_type="application/json")
    assert first.status_code == 201, first.content
    article = Article.objects.get(pk=first.json()["results"][0]["article"])
    assert article.title == "Harbour reopens" and article.url == server
    again = editor_api.post("/api/import/url", body, content_type="application/json")
    assert again.status_code == 200 and again.json()["duplicates"] == 1
