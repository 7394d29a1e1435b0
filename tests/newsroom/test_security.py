"""Security settings: the ALLOWED_HOSTS deploy check, login lockout, CSP and other headers."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.checks import Tags, run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client, RequestFactory
from django.utils import timezone

from newsroom.checks import is_public_suffix_wildcard
from newsroom.lockout import client_ip

ROOT = Path(__file__).resolve().parents[2]


def newsroom_warnings() -> list[str]:
    messages = run_checks(tags=[Tags.security], include_deployment_checks=True)
    return [m.id for m in messages if m.id.startswith("newsroom.")]


# --- ALLOWED_HOSTS deploy check ---------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "wildcard"),
    [
        (".com", True),
        (".co.uk", True),
        (".com.au", True),
        (".org.", True),
        (".example.com", False),
        (".example.co.uk", False),
        ("news.example.org", False),
        ("co.uk", False),
        ("localhost", False),
        (".", False),
    ],
)
def test_public_suffix_wildcards(pattern, wildcard):
    assert is_public_suffix_wildcard(pattern) is wildcard


# (``check`` runs the model checks too, and a JSONField's asks the database whether it
# supports JSON.)
@pytest.mark.django_db
def test_star_in_allowed_hosts_warns_on_check_deploy(settings):
    settings.ALLOWED_HOSTS = ["news.example.org", "*"]
    assert newsroom_warnings() == ["newsroom.W001"]
    with pytest.raises(SystemCheckError, match=r"newsroom\.W001.*ALLOWED_HOSTS contains '\*'"):
        call_command("check", "--deploy", "--fail-level", "WARNING")


def test_public_suffix_wildcard_warns(settings):
    settings.ALLOWED_HOSTS = [".co.uk"]
    assert newsroom_warnings() == ["newsroom.W002"]


def test_named_hosts_pass_the_check(settings):
    settings.ALLOWED_HOSTS = ["news.example.org", ".example.org", "localhost"]
    assert newsroom_warnings() == []


def test_the_check_runs_only_with_deploy(settings):
    settings.ALLOWED_HOSTS = ["*"]
    messages = run_checks(tags=[Tags.security], include_deployment_checks=False)
    assert not [m for m in messages if m.id.startswith("newsroom.")]


# --- DEBUG is off unless asked for ------------------------------------------------------


def settings_in_subprocess(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "-c", "from newsroom import settings; print(settings.DEBUG)"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_debug_defaults_to_off():
    result = settings_in_subprocess(DJANGO_SECRET_KEY="test-only-not-secret")
    assert result.stdout.strip() == "False", result.stderr


def test_debug_off_without_secret_key_says_what_to_set():
    result = settings_in_subprocess()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
    assert "DJANGO_DEBUG=1" in result.stderr


def test_debug_on_runs_without_secret_key():
    result = settings_in_subprocess(DJANGO_DEBUG="1")
    assert result.stdout.strip() == "True", result.stderr


# --- Login throttling (django-axes) -----------------------------------------------------

# The site's login and the admin's; both succeed with a redirect for an administrator.
LOGIN_PAGES = ["/login/", "/admin/login/"]
LIMIT = 5


def attempt(client: Client, url: str, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail(client: Client, url: str, username: str, times: int, ip: str = "10.0.0.1") -> list:
    return [attempt(client, url, username, "wrong", ip).status_code for _ in range(times)]


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def admin_user(make_user):
    from annotations.roles import ADMINISTRATOR

    return make_user(ADMINISTRATOR, username="chief")


def test_lockout_limits_come_from_the_settings(settings):
    assert settings.AXES_FAILURE_LIMIT == LIMIT
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


@pytest.mark.django_db
@pytest.mark.parametrize("url", LOGIN_PAGES)
def test_right_password_is_refused_after_the_failure_limit(url, admin_user):
    client = Client()
    assert fail(client, url, "chief", LIMIT - 1) == [200] * (LIMIT - 1)
    last = attempt(client, url, "chief", "wrong")
    assert last.status_code == 429  # the fifth failure locks

    response = attempt(client, url, "chief", "pw")
    assert response.status_code == 429
    assert not logged_in(client)
    assert response["Retry-After"] == "900"
    page = response.content.decode()
    assert "Too many failed logins" in page
    assert "After 5 wrong passwords" in page and "paused for 15 minutes" in page
    assert "You can try again after" in page and f'href="{url}"' in page


@pytest.mark.django_db
@pytest.mark.parametrize("url", LOGIN_PAGES)
def test_lockout_is_per_username_and_address(url, admin_user, make_user):
    from annotations.roles import ADMINISTRATOR

    make_user(ADMINISTRATOR, username="deputy")
    fail(Client(), url, "chief", LIMIT)

    other_user = Client()
    assert attempt(other_user, url, "deputy", "pw").status_code == 302
    assert logged_in(other_user)
    other_address = Client()
    assert attempt(other_address, url, "chief", "pw", ip="10.0.0.2").status_code == 302
    assert logged_in(other_address)
    assert attempt(Client(), url, "chief", "pw").status_code == 429


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("command", "args"),
    [("axes_reset", []), ("axes_reset_username", ["chief"]), ("axes_reset_ip", ["10.0.0.1"])],
)
def test_reset_commands_lift_the_lock(command, args, admin_user):
    client = Client()
    fail(client, "/login/", "chief", LIMIT)
    assert attempt(client, "/login/", "chief", "pw").status_code == 429

    call_command(command, *args, stdout=io.StringIO())
    response = attempt(client, "/login/", "chief", "pw")
    assert response.status_code == 302 and response["Location"] == "/"
    assert logged_in(client)


@pytest.mark.django_db
def test_the_lock_expires_after_the_cool_off(admin_user):
    from axes.models import AccessAttempt

    client = Client()
    fail(client, "/login/", "chief", LIMIT)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    assert attempt(client, "/login/", "chief", "pw").status_code == 429  # restarts the wait
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert attempt(client, "/login/", "chief", "pw").status_code == 302


@pytest.mark.django_db
def test_padded_username_counts_as_the_same_user(admin_user):
    client = Client()
    for name in ["chief", " chief", "chief ", "\tchief", "chief\u00a0"]:
        attempt(client, "/login/", name, "wrong")
    assert attempt(client, "/login/", "chief", "pw").status_code == 429


@pytest.mark.django_db
def test_a_success_resets_the_count(admin_user):
    client = Client()
    fail(client, "/login/", "chief", LIMIT - 1)
    assert attempt(client, "/login/", "chief", "pw").status_code == 302
    client.logout()
    assert fail(client, "/login/", "chief", LIMIT - 1) == [200] * (LIMIT - 1)
    assert attempt(client, "/login/", "chief", "pw").status_code == 302


@pytest.mark.django_db
def test_unknown_usernames_are_locked_like_real_ones():
    assert fail(Client(), "/login/", "nobody-here", LIMIT)[-1] == 429


@pytest.mark.django_db
def test_administrators_see_the_lockouts_in_the_admin(administrator_client, editor_client):
    fail(Client(), "/login/", "chief", LIMIT)
    page = administrator_client.get("/admin/axes/accessattempt/")
    assert page.status_code == 200 and "chief" in page.content.decode()
    assert administrator_client.get("/admin/axes/accessfailurelog/").status_code == 200
    assert editor_client.get("/admin/axes/accessattempt/").status_code == 403


@pytest.mark.django_db
def test_force_login_is_not_throttled(editor):
    client = Client()
    fail(client, "/login/", editor.username, LIMIT)
    client.force_login(editor)
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "127.0.0.1"),
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the left entry is the client's claim
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.5", "203.0.113.9"),
        (2, "203.0.113.9", "127.0.0.1"),  # fewer entries than proxies: not trusted
        (1, "", "127.0.0.1"),
    ],
)
def test_client_ip_behind_trusted_proxies(settings, proxies, forwarded, expected):
    settings.NEWSROOM_TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().post("/login/", REMOTE_ADDR="127.0.0.1")
    if forwarded:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_ip(request) == expected


# --- Content-Security-Policy and Permissions-Policy -------------------------------------

CSP_DIRECTIVES = {
    "default-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)


def policy(response) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    return {name: value for name, value in parts}


def assert_no_inline_code(html: str, nonce: str | None) -> None:
    """No handler or style attribute; every script is a file or carries the nonce."""
    assert not INLINE_HANDLER.search(html), INLINE_HANDLER.search(html).group(0)
    assert not STYLE_ATTRIBUTE.search(html), STYLE_ATTRIBUTE.search(html).group(0)
    for tag in SCRIPT_TAG.findall(html):
        inert = 'type="application/json"' in tag
        assert "src=" in tag or inert or (nonce and f'nonce="{nonce}"' in tag), tag


@pytest.fixture
def article(db):
    from tests.factories import imported_article

    seed = ROOT / "seeds" / "000_cfff4d70fc50ad02.txt"
    return imported_article(seed.read_text(encoding="utf-8"))


@pytest.mark.django_db
def test_login_page_has_the_policy_headers(client):
    response = client.get("/login/")
    directives = policy(response)
    assert {k: directives[k] for k in CSP_DIRECTIVES} == CSP_DIRECTIVES
    nonce = re.search(r"'nonce-([^']+)'", directives["script-src"]).group(1)
    assert directives["script-src"] == f"'self' 'nonce-{nonce}'"
    assert directives["style-src"] == f"'self' 'nonce-{nonce}'"
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    features = response["Permissions-Policy"].split(", ")
    for feature in ["camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"]:
        assert f"{feature}=()" in features


@pytest.mark.django_db
def test_every_response_gets_a_fresh_nonce(client):
    first, second = (policy(client.get("/login/"))["script-src"] for _ in range(2))
    assert first != second


@pytest.mark.django_db
def test_error_and_lockout_pages_have_the_headers(client, admin_user):
    missing = client.get("/no-such-page/")
    assert missing.status_code in (302, 404)
    fail(client, "/login/", "chief", LIMIT)
    locked = attempt(client, "/login/", "chief", "pw")
    for response in (missing, locked):
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
        assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_a_view_can_keep_its_own_permissions_policy(rf, settings):
    from django.http import HttpResponse

    from newsroom.middleware import PermissionsPolicyMiddleware

    def view(request):
        response = HttpResponse()
        response["Permissions-Policy"] = "fullscreen=(self)"
        return response

    response = PermissionsPolicyMiddleware(view)(rf.get("/"))
    assert response["Permissions-Policy"] == "fullscreen=(self)"


@pytest.mark.django_db
def test_pages_have_no_inline_code(administrator_client, article):
    from annotations.models import FactCheck
    from newsroom.models import Sentence

    sentence = Sentence.objects.filter(article=article).first()
    urls = [
        "/",
        "/dashboard/",
        f"/articles/{article.pk}/",
        f"/articles/{article.pk}/clean/",
        f"/articles/{article.pk}/?s={sentence.pk}",
        "/articles/import/",
        "/admin/",
        "/admin/newsroom/article/",
        f"/admin/newsroom/article/{article.pk}/change/",
        "/admin/annotations/factcheck/",
        "/admin/axes/accessattempt/",
    ]
    if fact_check := FactCheck.objects.filter(sentence=sentence).first():
        urls.append(f"/admin/annotations/factcheck/{fact_check.pk}/change/")
    for url in urls:
        response = administrator_client.get(url)
        assert response.status_code == 200, url
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
        assert_no_inline_code(response.content.decode(), nonce and nonce.group(1))
    panel = administrator_client.get(f"/sentences/{sentence.pk}/panel/", HTTP_HX_REQUEST="true")
    assert panel.status_code == 200
    assert_no_inline_code(panel.content.decode(), None)
    assert_no_inline_code(Client().get("/login/").content.decode(), None)
