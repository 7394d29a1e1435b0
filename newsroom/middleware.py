"""Response headers that Django's own middleware does not set, and the request log."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.encoding import escape_uri_path
from django.utils.functional import SimpleLazyObject, empty


def permissions_policy(features: dict[str, list[str]]) -> str:
    """``{"camera": [], "fullscreen": ["self"]}`` -> ``camera=(), fullscreen=(self)``."""
    return ", ".join(f"{name}=({' '.join(allow)})" for name, allow in features.items())


class PermissionsPolicyMiddleware:
    """Add a ``Permissions-Policy`` header from ``NEWSROOM_PERMISSIONS_POLICY``.

    A response that already has the header (a view that needs a feature) keeps its own.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = permissions_policy(settings.NEWSROOM_PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


request_logger = logging.getLogger("newsroom.request")


def user_id_if_known(request: HttpRequest) -> int | None:
    """The id of the request's user when something already looked it up, else ``None``.

    ``request.user`` is lazy: reading it here would cost a session and a user query on
    requests that never needed them (``/healthz``, static files, the login page).
    """
    user = getattr(request, "user", None)
    if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):
        return None
    return user.pk if user.is_authenticated else None


class RequestLogMiddleware:
    """One line per request on the ``newsroom.request`` logger: method, path, status,
    duration in milliseconds, user id (``-`` for none).

    First in ``MIDDLEWARE``, so the duration covers every other middleware. 2xx and 3xx
    are INFO, 4xx WARNING, 5xx ERROR (``NEWSROOM_REQUEST_LOG_LEVEL=WARNING`` keeps only
    failures). The path is percent-encoded, never the query string: a crafted path cannot
    break the one-line format, and search terms or tokens stay out of the log. The values
    are also on the record (``extra``) for a structured formatter.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        duration_ms = (time.perf_counter() - start) * 1000
        status = response.status_code
        level = logging.INFO if status < 400 else logging.WARNING if status < 500 else logging.ERROR
        if request_logger.isEnabledFor(level):
            path = escape_uri_path(request.path)
            user_id = user_id_if_known(request)
            request_logger.log(
                level,
                "%s %s %s %.1fms user=%s",
                request.method,
                path,
                status,
                duration_ms,
                "-" if user_id is None else user_id,
                extra={
                    "method": request.method,
                    "path": path,
                    "status": status,
                    "duration_ms": round(duration_ms, 1),
                    "user_id": user_id,
                },
            )
        return response
