"""Deploy checks that Django's own ``check --deploy`` does not make."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning

# Second-level labels under which anyone can register a name (co.uk, com.au, ...). Without
# a copy of the public suffix list this catches the common cases, not every one.
SHARED_SECOND_LEVEL = {"ac", "co", "com", "edu", "gov", "ltd", "me", "net", "nic", "or", "org"}


def is_public_suffix_wildcard(pattern: str) -> bool:
    """Whether a leading-dot ALLOWED_HOSTS entry matches every site under a public suffix.

    ``.com`` and ``.co.uk`` do; ``.example.com`` does not (it is one owner's domain).
    """
    if not pattern.startswith("."):
        return False
    labels = pattern.lower().strip(".").split(".")
    if labels == [""]:
        return False
    if len(labels) == 1:
        return True
    return len(labels) == 2 and len(labels[1]) == 2 and labels[0] in SHARED_SECOND_LEVEL


def check_allowed_hosts(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Warn when ALLOWED_HOSTS accepts any Host header (``*`` or ``.com``-style entries)."""
    messages: list[CheckMessage] = []
    if "*" in settings.ALLOWED_HOSTS:
        messages.append(
            Warning(
                "ALLOWED_HOSTS contains '*': any Host header is accepted, so links in "
                "password-reset mails and absolute URLs can point at an attacker's host.",
                hint="Set DJANGO_ALLOWED_HOSTS to the site's own host names.",
                id="newsroom.W001",
            )
        )
    wildcards = [host for host in settings.ALLOWED_HOSTS if is_public_suffix_wildcard(host)]
    if wildcards:
        messages.append(
            Warning(
                f"ALLOWED_HOSTS entries {', '.join(wildcards)} match every site under a "
                "public suffix, which is as open as '*'.",
                hint="Name the site's own domain, e.g. '.example.org' or 'news.example.org'.",
                id="newsroom.W002",
            )
        )
    return messages
