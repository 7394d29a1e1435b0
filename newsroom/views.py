"""Pages of the newsroom app: the import upload for editors."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@permission_required("newsroom.add_article", raise_exception=True)
def import_articles(request: HttpRequest) -> HttpResponse:
    """Upload files or paste text; every article goes through ``import_upload``."""
    return render(request, "newsroom/article_import.html", {})
