"""Pages of the newsroom app: the import upload for editors."""

from __future__ import annotations

from urllib.parse import parse_qsl

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from newsroom.forms import ImportForm
from newsroom.importing import ImportSummary, Status, import_upload


@permission_required("newsroom.add_article", raise_exception=True)
def import_articles(request: HttpRequest) -> HttpResponse:
    """Upload files or paste text; every article goes through ``import_upload``.

    One message per file; back to the article list when all went well, else the form again
    with the failures listed.
    """
    if request.method != "POST":
        return render(request, "newsroom/article_import.html", {"form": ImportForm()})
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid() and not _body_is_utf8(request):
        form.add_error(None, forms.ValidationError(_NOT_UTF8, code="encoding"))
    if form.is_valid():
        reports = import_upload(
            files=form.cleaned_data["files"],
            text=form.cleaned_data["text"],
            title=form.cleaned_data["title"],
            source=form.cleaned_data["source"],
            user=request.user,
        )
        failed = False
        for name, summary in reports:
            failed |= bool(summary.failures or summary.skipped)
            level = messages.ERROR if summary.failures or summary.skipped else messages.SUCCESS
            messages.add_message(request, level, _describe(name, summary))
            for failure in summary.failures:
                messages.error(request, str(failure))
        if not failed:
            return redirect("/")
    return render(request, "newsroom/article_import.html", {"form": form})


_NOT_UTF8 = "The form data is not valid UTF-8; send it as UTF-8 (as browsers do)."


def _body_is_utf8(request: HttpRequest) -> bool:
    """Whether a urlencoded body decodes as UTF-8, %-escapes included.

    Django reads a body with raw bytes that are not UTF-8 as ISO-8859-1 and invalid
    %-escapes as U+FFFD, silently; a multipart body (the page's own) is checked by the
    form, which refuses U+FFFD.
    """
    if request.content_type != "application/x-www-form-urlencoded":
        return True
    try:
        parse_qsl(request.body.decode(), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        return False
    return True


def _describe(name: str, summary: ImportSummary) -> str:
    results = summary.results or []
    imported = [r.title for r in results if r.status == Status.IMPORTED]
    duplicates = [r.title for r in results if r.status == Status.DUPLICATE]
    parts = [f"imported {len(imported)}" + (f" ({_titles(imported)})" if imported else "")]
    if duplicates:
        parts.append(f"{len(duplicates)} already imported ({_titles(duplicates)})")
    if summary.failures:
        parts.append(f"{summary.failed} failed")
    parts.extend(f"skipped: {skipped.reason}" for skipped in summary.skipped)
    return f"{name}: " + ", ".join(parts) + "."


def _titles(titles: list[str], limit: int = 3) -> str:
    shown = ", ".join(f"“{title}”" for title in titles[:limit])
    return shown + (f" and {len(titles) - limit} more" if len(titles) > limit else "")
