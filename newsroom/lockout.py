"""Login throttling hooks for django-axes: the lockout page and the client's address."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """The page a locked-out login gets (429): what happened and when to try again.

    Each refused attempt restarts the cool-off, so the wait runs from now. The same page
    answers the site's login and the admin's.
    """
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cool_off_minutes": round(cool_off.total_seconds() / 60) if cool_off else None,
        "retry_at": timezone.now() + cool_off if cool_off else None,
        "login_url": request.path,
    }
    response = render(
        request, "registration/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


def client_ip(request: HttpRequest) -> str | None:
    """The address failed logins are counted against.

    ``REMOTE_ADDR``, unless ``NEWSROOM_TRUSTED_PROXY_COUNT`` reverse proxies append the
    address they saw to ``X-Forwarded-For``: then the client is that many entries from the
    right (anything further left was written by the client and is not trusted).
    """
    proxies = settings.NEWSROOM_TRUSTED_PROXY_COUNT
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if proxies > 0 and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
