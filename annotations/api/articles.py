"""Articles (the list page's filters, detail with sentences), import and exports."""

from __future__ import annotations

import io
import json
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

from django.http import HttpRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from annotations import rollups
from annotations.api import schemas
from annotations.api.common import (
    IMPORT,
    MAX_ID,
    READ,
    Id,
    PageNumber,
    paginate,
    require,
    sentence_row,
)
from annotations.exports.formats import FORMATS, streaming_response
from annotations.forms import ArticleFilterForm
from annotations.models import ArticleReview
from newsroom import fetch, importing
from newsroom.models import Article, Sentence

router = Router(tags=["articles"])

ARTICLE_PAGE = 25  # as the list page
SENTENCE_PAGE = 200

if TYPE_CHECKING:  # mypy cannot read a functional enum's members
    ExportFormat = str
else:
    ExportFormat = StrEnum("ExportFormat", {name: name for name in FORMATS})


class ArticleFilters(Schema):
    """The article list page's filters (``ArticleFilterForm``), with the same rules."""

    q: str = Field("", max_length=2000, description="Title, url, source and text words.")
    state: schemas.WorkflowState | None = None
    false: bool = Field(False, description="Has false or misleading sentences.")
    unchecked: bool = Field(False, description="Has unchecked sentences left.")
    mine: bool = Field(False, description="Has open sentences assigned to me.")


def filtered(request: HttpRequest, filters: ArticleFilters) -> Any:
    """The articles the list page would show for these filters (its own form and code)."""
    values = filters.dict()
    data = {key: value for key, value in values.items() if value not in (None, False, "")}
    form = ArticleFilterForm(data)
    if not form.is_valid():
        raise HttpError(422, f"The filters are not valid: {form.errors.as_text()}")
    return rollups.articles().matching(form.cleaned_data, request.user)


def _progress(progress: rollups.Progress) -> dict[str, Any]:
    return {
        "counts": dict(progress.counts),
        "total": progress.total,
        "excluded": progress.excluded,
        "open": progress.open,
        "false_or_misleading": progress.false_or_misleading,
        "pending_flags": progress.pending_flags,
    }


def article_dict(article: Article, progress: rollups.Progress) -> dict[str, Any]:
    return {
        "id": article.pk,
        "title": article.title,
        "url": article.url,
        "source": article.source.name if article.source else None,
        "byline": article.byline,
        "published": article.published,
        "imported_at": article.imported_at,
        "revision": article.revision,
        "workflow_state": progress.workflow_state or ArticleReview.State.NEW.value,
        "progress": _progress(progress),
    }


@router.get("/articles", response=schemas.ArticlePage, summary="List articles")
def list_articles(
    request: HttpRequest, filters: Query[ArticleFilters], page: PageNumber = 1
) -> dict[str, Any]:
    """The article list, 25 a page, newest import first, with the list page's filters and
    each article's progress (constant queries per page)."""
    require(request, *READ)
    envelope, rows = paginate(
        filtered(request, filters).values_list("pk", flat=True), page, ARTICLE_PAGE
    )
    articles = rollups.page_with_progress(
        Article.objects.filter(pk__in=rows).order_by(), rollups.LIST_BASE.all()
    )
    by_pk = {article.pk: article for article in articles}
    items = [by_pk[pk] for pk in rows if pk in by_pk]
    envelope["items"] = [article_dict(a, rollups.Progress.of(a)) for a in items]
    return envelope


@router.get("/articles/{int:article_id}", response=schemas.ArticleDetail, summary="One article")
def get_article(request: HttpRequest, article_id: Id, page: PageNumber = 1) -> dict[str, Any]:
    """The article with its raw text, progress, workflow state and its sentences (200 a
    page, in text order) with their statuses and versions. Offsets are code points."""
    require(request, *READ)
    article = get_object_or_404(Article.objects.select_related("source"), pk=article_id)
    progress = rollups.article_counts(article)
    sentences = (
        Sentence.objects.filter(article=article)
        .select_related("fact_check__assignee")
        .order_by("position")
    )
    envelope, rows = paginate(sentences, page, SENTENCE_PAGE)
    envelope["items"] = [sentence_row(s, article.raw_text) for s in rows]
    return {**article_dict(article, progress), "raw_text": article.raw_text, "sentences": envelope}


def _import_response(summary: importing.ImportSummary) -> tuple[int, dict[str, Any]]:
    results = [
        {
            "status": str(result.status),
            "location": result.location,
            "title": result.title,
            "article": result.article.pk if result.article else None,
            "sentences": result.sentences,
            "message": result.message,
        }
        for result in summary.results or []
    ]
    body = {
        "dry_run": summary.dry_run,
        "imported": summary.imported,
        "revised": summary.revised,
        "duplicates": summary.duplicates,
        "failed": summary.failed,
        "sentences": summary.sentences,
        "results": results,
    }
    if summary.failed and not (summary.imported or summary.revised or summary.duplicates):
        return 422, body
    return (201 if (summary.imported or summary.revised) and not summary.dry_run else 200), body


def _import(request: HttpRequest, data: Any, origin: str, dry_run: bool) -> tuple[int, dict]:
    """Through the importer's JSON reader (the same checks and messages as a file)."""
    require(request, IMPORT)
    payload = json.dumps(data).encode()
    summary = importing.import_stream(
        io.BytesIO(payload),
        origin=origin,
        format="json",
        user=request.user,  # type: ignore[arg-type]  # authenticated: require() passed
        dry_run=dry_run,
        keep_results=True,
    )
    return _import_response(summary)


IMPORT_RESPONSES = {200: schemas.ImportOut, 201: schemas.ImportOut, 422: schemas.ImportOut}


@router.post("/import", response=IMPORT_RESPONSES, summary="Import one article", tags=["import"])
def import_one(request: HttpRequest, record: schemas.RecordIn, dry_run: bool = False):
    """One JSON record, imported like an uploaded ``.json`` file (editors): 201 imported or
    revised, 200 already there (or a dry run), 422 refused with the importer's reason."""
    return _import(request, record.dict(exclude_none=True), "api", dry_run)


@router.post("/import/batch", response=IMPORT_RESPONSES, summary="Import a batch", tags=["import"])
def import_batch(request: HttpRequest, batch: schemas.BatchIn, dry_run: bool = False):
    """Up to 1,000 records, like a JSON list file: each imported or refused on its own
    (``location`` names the record), committed 100 at a time."""
    records = [record.dict(exclude_none=True) for record in batch.records]
    return _import(request, records, "api", dry_run)


@router.post("/import/url", response=IMPORT_RESPONSES, summary="Import a web page", tags=["import"])
def import_url(request: HttpRequest, page: schemas.UrlIn, dry_run: bool = False):
    """Fetch one page, SSRF-safe (``newsroom.fetch``: internal addresses refused, also
    after a redirect; timeout and size cap), and import it by the HTML path, as the upload
    page's URL field. Importing the same URL again finds the same article."""
    require(request, IMPORT)
    user = request.user  # authenticated: require() passed
    return _import_response(fetch.import_url(url=page.url, user=user, dry_run=dry_run))  # type: ignore[arg-type]


class ExportFilters(ArticleFilters):
    article: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        [], max_length=1000, description="Only these articles (repeat the parameter)."
    )
    drafts: bool = Field(False, description="ClaimReview of articles not approved yet.")


@router.get(
    "/exports/{format}",
    summary="Export",
    tags=["exports"],
    response={200: None},
    openapi_extra={
        "responses": {
            200: {
                "description": "The export, streamed.",
                "content": {
                    "application/json": {},
                    "text/csv": {},
                    "application/ld+json": {},
                },
            }
        }
    },
)
def export(
    request: HttpRequest, format: ExportFormat, filters: Query[ExportFilters]
) -> StreamingHttpResponse:
    """The articles the filters select (all when none) in one of the exports: ``json``
    (lossless), ``csv``, ``claimreview`` (approved articles unless ``drafts``), ``w3c``.
    Streamed in bounded batches, as the downloads."""
    require(request, *READ)
    articles = filtered(request, filters)
    if filters.article:
        articles = articles.filter(pk__in=filters.article)
    options: dict[str, Any] = {"drafts": filters.drafts} if format == "claimreview" else {}
    name = str(format)
    return streaming_response(
        request, name, articles, filename=f"export.{FORMATS[name].extension}", **options
    )
