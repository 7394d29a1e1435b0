"""The export formats by name, for the ``export`` command and the download views."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header

from annotations.exports import claimreview, lossless, sentences_csv, w3c
from annotations.exports.base import buffered
from newsroom.models import Article

# Where review and annotation links point when NEWSROOM_PUBLIC_BASE_URL is not set and
# there is no request to take the address from (the command line).
FALLBACK_BASE_URL = "http://localhost:8000"


@dataclass(frozen=True)
class Format:
    name: str
    content_type: str
    extension: str


FORMATS = {
    "json": Format("json", "application/json; charset=utf-8", "json"),
    "csv": Format("csv", "text/csv; charset=utf-8", "csv"),
    "claimreview": Format("claimreview", "application/ld+json; charset=utf-8", "jsonld"),
    "w3c": Format(
        "w3c",
        'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"; charset=utf-8',
        "jsonld",
    ),
}


def base_url(request_base: str = "") -> str:
    """The public base URL: the setting, else the request's own address, else localhost."""
    return (settings.NEWSROOM_PUBLIC_BASE_URL or request_base or FALLBACK_BASE_URL).rstrip("/")


def stream(
    name: str,
    articles: QuerySet[Article],
    *,
    base: str,
    drafts: bool = False,
    collection_id: str = "",
) -> Iterator[str]:
    """The export ``name`` of ``articles`` as text chunks. ClaimReview leaves out articles
    that are not approved unless ``drafts``."""
    if name == "json":
        return lossless.export_lossless(articles)
    if name == "csv":
        return sentences_csv.export_csv(articles)
    if name == "claimreview":
        return claimreview.export_claimreview(
            claimreview.publishable(articles, drafts=drafts), base_url=base
        )
    if name == "w3c":
        return w3c.export_w3c(
            articles, base_url=base, collection_id=collection_id or f"{base}/annotations"
        )
    raise ValueError(f"unknown export format {name!r}")


def _with_bom(chunks: Iterator[str]) -> Iterator[str]:
    yield "\ufeff"  # spreadsheets read a CSV as UTF-8 only after a byte-order mark
    yield from chunks


def streaming_response(
    request: HttpRequest,
    name: str,
    articles: QuerySet[Article],
    *,
    filename: str = "",
    private: bool = True,
    **options,
) -> StreamingHttpResponse:
    """The export ``name`` of ``articles`` as a streamed response (a download when
    ``filename`` is given; ``private``: never stored by a shared cache)."""
    export = FORMATS[name]
    base = base_url(request.build_absolute_uri("/"))
    chunks = buffered(stream(name, articles, base=base, **options))
    if name == "csv" and filename:
        chunks = _with_bom(chunks)
    response = StreamingHttpResponse(chunks, content_type=export.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    if filename:
        response["Content-Disposition"] = content_disposition_header(True, filename)
    if private:
        patch_cache_control(response, private=True, no_store=True)
    return response
