"""``/api/``: the API's views (their own authentication: a token or the session, 401
otherwise) and its OpenAPI document and docs, open to everyone (they describe the API,
they hold no data)."""

from __future__ import annotations

from annotations.api.api import api

patterns, app_name, namespace = api.urls
for pattern in patterns:
    # LoginRequiredMiddleware would send a token client to the login page.
    pattern.callback.login_required = False  # type: ignore[union-attr]

app_name = "api"
urlpatterns = patterns
