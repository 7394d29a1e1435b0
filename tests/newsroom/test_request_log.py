"""The request log: one line per request with method, path, status, duration and user."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from newsroom.middleware import RequestLogMiddleware

ROOT = Path(__file__).resolve().parents[2]
LINE = re.compile(r"^(GET|POST|HEAD) (\S+) (\d{3}) (\d+\.\d)ms user=(\d+|-)$")


@pytest.fixture
def request_log(caplog):
    caplog.set_level(logging.INFO, logger="newsroom.request")
    return lambda: [r for r in caplog.records if r.name == "newsroom.request"]


@pytest.mark.django_db
def test_a_page_logs_one_line_with_its_user(request_log, viewer, viewer_client):
    response = viewer_client.get("/")
    assert response.status_code == 200
    [record] = request_log()
    method, path, status, ms, user = LINE.match(record.getMessage()).groups()
    assert (method, path, status, user) == ("GET", "/", "200", str(viewer.pk))
    assert record.levelno == logging.INFO
    assert float(ms) == record.duration_ms >= 0
    assert (record.method, record.path, record.status, record.user_id) == (
        "GET",
        "/",
        200,
        viewer.pk,
    )


@pytest.mark.django_db
def test_the_log_never_looks_up_a_user_nobody_asked_for(request_log, django_assert_num_queries):
    client = Client()
    client.cookies["sessionid"] = "a-session-that-would-cost-a-query"
    with django_assert_num_queries(1):  # the health check's SELECT 1 only
        client.get("/healthz")
    [record] = request_log()
    assert record.getMessage().endswith(" 200 " + record.getMessage().split()[3] + " user=-")
    assert record.user_id is None


@pytest.mark.django_db
def test_a_login_logs_the_user_who_logged_in(request_log, viewer):
    response = Client().post("/login/", {"username": viewer.username, "password": "pw"})
    assert response.status_code == 302
    [record] = request_log()
    assert LINE.match(record.getMessage()).group(5) == str(viewer.pk)


@pytest.mark.django_db
def test_anonymous_redirect_and_not_found(request_log, viewer_client):
    Client().get("/dashboard/")
    viewer_client.get("/articles/999999/")
    redirect, missing = request_log()
    assert LINE.match(redirect.getMessage()).group(3, 5) == ("302", "-")
    assert redirect.levelno == logging.INFO
    assert LINE.match(missing.getMessage()).group(3) == "404"
    assert missing.levelno == logging.WARNING


@pytest.mark.django_db
def test_a_crafted_path_stays_on_one_line(request_log):
    Client().get("/no%0Awhere%0D%0AGET%20/admin/%20200?token=secret")
    [record] = request_log()
    message = record.getMessage()
    assert "\n" not in message and "\r" not in message
    assert message.startswith("GET /no%0Awhere%0D%0AGET%20/admin/%20200 ")
    assert "secret" not in message  # the query string is not logged


def test_server_errors_log_at_error(request_log):
    middleware = RequestLogMiddleware(lambda request: HttpResponse(status=503))
    middleware(RequestFactory().post("/x/"))
    [record] = request_log()
    assert record.levelno == logging.ERROR
    assert LINE.match(record.getMessage()).group(1, 2, 3, 5) == ("POST", "/x/", "503", "-")


PRODUCTION = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "s" * 50}


@pytest.mark.parametrize(
    ("env", "level"),
    [
        (PRODUCTION, "INFO"),
        ({"DJANGO_DEBUG": "1"}, "WARNING"),
        ({**PRODUCTION, "NEWSROOM_REQUEST_LOG_LEVEL": "error"}, "ERROR"),
    ],
)
def test_the_level_comes_from_the_environment(env, level):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "NEWSROOM_"))}
    code = (
        "import django, logging; django.setup();"
        " print(logging.getLevelName(logging.getLogger('newsroom.request').level))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "newsroom.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.stdout.strip() == level, done.stderr
