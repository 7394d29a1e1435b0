"""Downloads of the exports (annotations/exports), each streamed.

ClaimReview of an approved article is public (``NEWSROOM_CLAIMREVIEW_PUBLIC``: what search
engines read); its drafts (``?drafts=1``) and every other export need a login and the
permission to read fact checks.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from annotations import rollups
from annotations.exports import claimreview
from annotations.exports.base import selected_articles
from annotations.exports.formats import base_url, stream, streaming_response
from annotations.forms import ArticleFilterForm
from newsroom.models import Article

READ_PERMISSIONS = ("newsroom.view_article", "annotations.view_factcheck")


def _require_reader(request: HttpRequest) -> None:
    if not request.user.has_perms(READ_PERMISSIONS):
        raise PermissionDenied


@login_not_required
@require_GET
def article_claimreview_json(request: HttpRequest, pk: int) -> HttpResponse:
    """ClaimReview JSON-LD of one article: public once approved, drafts for readers."""
    drafts = request.GET.get("drafts") == "1"
    if drafts or not settings.NEWSROOM_CLAIMREVIEW_PUBLIC:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        _require_reader(request)
    article = get_object_or_404(claimreview.publishable(Article.objects, drafts=drafts), pk=pk)
    return streaming_response(
        request, "claimreview", selected_articles([article.pk]), drafts=drafts, private=drafts
    )


@require_GET
def article_claimreview(request: HttpRequest, pk: int) -> HttpResponse:
    """The ClaimReview of an article as the ``<script type="application/ld+json">`` block to
    paste into the published page (the block is also in this page's head)."""
    _require_reader(request)
    drafts = request.GET.get("drafts") == "1"
    article = get_object_or_404(Article, pk=pk)
    approved = claimreview.publishable(Article.objects.filter(pk=pk)).exists()
    base = base_url(request.build_absolute_uri("/"))
    text = ""
    if approved or drafts:
        text = "".join(
            stream("claimreview", selected_articles([pk]), base=base, drafts=drafts)
        ).strip()
    context = {
        "article": article,
        "approved": approved,
        "drafts": drafts,
        "json_ld": claimreview.script_json(text) if text else "",
        "count": text.count('"@type": "ClaimReview"'),
    }
    response = render(request, "annotations/article_claimreview.html", context)
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
def article_annotations(request: HttpRequest, pk: int) -> HttpResponse:
    """The article's claims, flags and fact checks as a W3C Web Annotation collection."""
    _require_reader(request)
    article = get_object_or_404(Article, pk=pk)
    collection = request.build_absolute_uri()
    return streaming_response(
        request, "w3c", selected_articles([article.pk]), collection_id=collection
    )


@require_GET
def article_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The article in the lossless JSON format, as a download."""
    _require_reader(request)
    article = get_object_or_404(Article, pk=pk)
    filename = f"article-{article.pk}.json"
    return streaming_response(request, "json", selected_articles([pk]), filename=filename)


@require_GET
def sentences_csv(request: HttpRequest) -> HttpResponse:
    """The sentences of the articles the list page shows with the same filters, as CSV."""
    _require_reader(request)
    form = ArticleFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return HttpResponseBadRequest("The list filters are not valid; nothing exported.")
    data = form.cleaned_data if request.GET else {}
    articles = rollups.articles().matching(data, request.user)
    return streaming_response(request, "csv", articles, filename="sentences.csv")
