"""Who calls the API: a bearer token (``ApiToken``) or the browser session.

A token authenticates as its user, with that user's role permissions; a revoked token, or
one of an inactive user, is refused like an unknown one (401). The session works as on the
pages; its writes need Django's CSRF token (``X-CSRFToken``), token requests do not (a
token is not sent by the browser on its own, so there is nothing to forge).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from annotations.api.models import ApiToken, token_digest

# last_used_at is written at most this often per token (one UPDATE, not one per request).
LAST_USED_PRECISION = timedelta(minutes=5)
# Longer than any token we issue: refuse without hashing megabytes of header.
MAX_TOKEN_CHARS = 200


class TokenAuth(HttpBearer):
    """``Authorization: Bearer nrt_…``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        token = token.strip()
        if not token or len(token) > MAX_TOKEN_CHARS:
            return None
        row = ApiToken.objects.active().select_related("user").filter(digest=token_digest(token))
        found = row.first()
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


class Session(SessionAuth):
    """The logged-in browser session; unsafe methods pass Django's CSRF check first."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:
        user = request.user
        return user if user.is_authenticated and user.is_active else None


AUTH = [TokenAuth(), Session()]
