"""Security settings: the ALLOWED_HOSTS deploy check, login lockout, CSP and other headers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import Tags, run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from newsroom.checks import is_public_suffix_wildcard

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
