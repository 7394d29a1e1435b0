"""``/healthz``: is this process up and can it reach its database?

For a load balancer, an orchestrator or a monitoring probe: no login, no session, no
template, one ``SELECT 1``. The answer says which check failed and nothing more than the
exception's class name; the details go to the server's log.
"""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def database_status(alias: str = "default") -> str:
    """``"ok"`` when ``SELECT 1`` answers on ``alias``, else the exception's class name."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure is an unhealthy database, whatever its kind
        logger.warning("health check: database %r unreachable", alias, exc_info=True)
        return type(error).__name__
    return "ok"


@login_not_required
@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    database = database_status()
    if database == "ok":
        return JsonResponse({"status": "ok", "database": "ok"})
    return JsonResponse({"status": "error", "database": database}, status=503)
