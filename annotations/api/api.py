"""The NinjaAPI: authentication, the routers, and how service errors become responses."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    ValidationError,
)
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from annotations import services
from annotations.api import articles, editorial
from annotations.api.auth import AUTH
from annotations.api.common import claim_dict, evidence_dict, fact_check_dict, flag_dict
from annotations.api.versions import VersionRequired, etag
from annotations.models import ArtifactFlag, Claim, Evidence, FactCheck

api = NinjaAPI(
    title="newsroom API",
    version="1",
    description=(
        "Articles and the editorial work on them. Authenticate with `Authorization: Bearer "
        "<token>` (an API token, created in the admin) or the browser session (writes then "
        "need the `X-CSRFToken` header). Overwriting writes carry the version you saw in "
        "`If-Match`; see the README's REST API section."
    ),
    auth=AUTH,
    urls_namespace="api",
    # Swagger UI from ninja's own static files (``ninja`` in INSTALLED_APPS): no CDN.
    docs=Swagger(settings={"persistAuthorization": False}),
)
api.add_router("", articles.router)
api.add_router("", editorial.router)


def _current(obj: Any) -> dict[str, Any] | None:
    """The object a stale write met, as the GET shows it."""
    if isinstance(obj, FactCheck):
        return fact_check_dict(obj.sentence_id, obj)
    if isinstance(obj, Claim):
        return claim_dict(obj)
    if isinstance(obj, Evidence):
        return evidence_dict(obj, obj.fact_check.sentence_id)
    if isinstance(obj, ArtifactFlag):
        return flag_dict(obj, obj.article.raw_text)
    return None


@api.exception_handler(services.StaleVersion)
def stale(request: HttpRequest, error: services.StaleVersion) -> HttpResponse:
    current = _current(error.current)
    response = api.create_response(
        request,
        {
            "detail": (
                f"Not saved: it changed since version {error.expected} ({error}). "
                "Nothing was overwritten; GET it again, then send your change with the new "
                "version in If-Match."
            ),
            "code": "stale_version",
            "expected": error.expected,
            "current_version": error.actual,
            "fields": [name.removesuffix("_id") for name in error.fields],
            "current": current,
        },
        status=412,
    )
    if current is not None:
        response["ETag"] = etag(error.actual)
    return response


@api.exception_handler(VersionRequired)
def version_required(request: HttpRequest, error: VersionRequired) -> HttpResponse:
    return api.create_response(
        request, {"detail": str(error), "code": "version_required"}, status=412
    )


def _refusal(code: str, status: int):
    def handler(request: HttpRequest, error: Exception) -> HttpResponse:
        detail = str(error) or "Your role may not do this."
        return api.create_response(request, {"detail": detail, "code": code}, status=status)

    return handler


api.add_exception_handler(services.ArticleApproved, _refusal("article_approved", 409))
api.add_exception_handler(services.AssignedToSomeoneElse, _refusal("assigned", 409))
api.add_exception_handler(services.NotYours, _refusal("not_yours", 403))
api.add_exception_handler(PermissionDenied, _refusal("forbidden", 403))
api.add_exception_handler(ObjectDoesNotExist, _refusal("not_found", 404))


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    return api.create_response(
        request, {"detail": " ".join(error.messages), "code": "invalid"}, status=422
    )


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return api.create_response(
        request,
        {
            "detail": f"The request body is over {limit} bytes (DATA_UPLOAD_MAX_MEMORY_SIZE); "
            "send fewer records at a time.",
            "code": "too_large",
        },
        status=413,
    )
