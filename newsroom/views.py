"""Pages of the newsroom app: the import upload for editors."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from newsroom.forms import ImportForm
from newsroom.importing import ImportSummary, Status, import_upload
from newsroom.jobs.services import start_file_import, start_url_import


@permission_required("newsroom.add_article", raise_exception=True)
def import_articles(request: HttpRequest) -> HttpResponse:
    """Upload files or paste text; every article goes through ``import_upload``.

    Each file is imported or refused on its own. Back to the article list with one
    message per file when all went well, else the form again with one report per file.
    """
    if request.method != "POST":
        return render(request, _TEMPLATE, {"form": ImportForm(), **_page()})
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid() and not _body_is_utf8(request):
        form.add_error(None, forms.ValidationError(_NOT_UTF8, code="encoding"))
    if not form.is_valid():
        # Browsers never keep chosen files across a reload: the page names the ones to
        # choose again (none of them was read).
        unread = [upload.name for upload in request.FILES.getlist("files")]
        return render(request, _TEMPLATE, {"form": form, "unread": unread, **_page()})
    data = form.cleaned_data
    if data["url"] or _job_sized(data["files"]):
        return _start_jobs(request, form)
    reports = _reports(form, import_upload(**_upload_args(data), user=request.user))
    if all(report.level == "success" for report in reports):
        for report in reports:
            messages.success(request, str(report))
        # Back to where users land (the project's URLconf decides what that page is).
        return redirect(settings.LOGIN_REDIRECT_URL)
    # A fresh form keeps the source; the pasted text too unless it was imported.
    pasted_failed = bool(data["text"].strip()) and reports[-1].level != "success"
    keep = ("source", "text", "title") if pasted_failed else ("source",)
    form = ImportForm(initial={name: data[name] for name in keep})
    return render(request, _TEMPLATE, {"form": form, "reports": reports, **_page()})


_TEMPLATE = "newsroom/article_import.html"


def _page() -> dict:
    return {"job_upload_bytes": settings.NEWSROOM_JOB_UPLOAD_BYTES}


def _upload_args(data: dict) -> dict:
    return {name: data[name] for name in ("files", "text", "title", "source")}


def _job_sized(files: list[UploadedFile]) -> bool:
    return sum(upload.size or 0 for upload in files) > settings.NEWSROOM_JOB_UPLOAD_BYTES


def _start_jobs(request: HttpRequest, form: ImportForm) -> HttpResponse:
    """A URL, or files larger than NEWSROOM_JOB_UPLOAD_BYTES in all, go to background jobs;
    pasted text is still imported at once. To the (first) job's page, with a message for
    everything else."""
    data = form.cleaned_data
    jobs = []
    if data["url"]:
        jobs.append(start_url_import(url=data["url"], user=request.user))
    files = data["files"]
    if files and _job_sized(files):
        jobs.append(start_file_import(files=files, source=data["source"], user=request.user))
        files = []
    reports = [FileReport.refused(upload, why) for upload, why in form.refusals if why]
    reports += [
        FileReport.of(*done)
        for done in import_upload(**{**_upload_args(data), "files": files}, user=request.user)
    ]
    for report in reports:
        level = {"success": messages.SUCCESS, "warning": messages.WARNING}
        messages.add_message(request, level.get(report.level, messages.ERROR), str(report))
    for job in jobs[1:]:
        messages.info(request, f"Also started: {job} (Jobs in the admin list every job).")
    return redirect(jobs[0])


def _reports(form: ImportForm, imported: list[tuple[str, ImportSummary]]) -> list[FileReport]:
    """One report per chosen file, in the order chosen, then one for the pasted text."""
    done = iter(imported)
    reports = [
        FileReport.of(*next(done)) if reason is None else FileReport.refused(upload, reason)
        for upload, reason in form.refusals
    ]
    reports.extend(FileReport.of(*rest) for rest in done)
    return reports


@dataclass(frozen=True, slots=True)
class FileReport:
    """What became of one uploaded file (or of the pasted text): one alert on the page.

    ``level`` is a Bootstrap alert colour: ``success`` (all imported or already there),
    ``warning`` (some records failed), ``danger`` (nothing imported); ``details`` lists the
    failed records of a file that has several.
    """

    name: str
    level: str
    text: str
    details: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.name}: {self.text}"

    @classmethod
    def refused(cls, upload: UploadedFile, reason: str) -> FileReport:
        return cls(
            Path(upload.name or "upload").name, "danger", _sentence(f"not imported: {reason}")
        )

    @classmethod
    def of(cls, name: str, summary: ImportSummary) -> FileReport:
        failures = [_where(result.location) + result.message for result in summary.failures]
        failures += [f"skipped: {skipped.reason}" for skipped in summary.skipped]
        results = summary.results or []
        done = [r for r in results if r.status != Status.FAILED]
        if not failures:
            return cls(name, "success", _describe(summary))
        if not done and len(failures) == 1:
            return cls(name, "danger", _sentence(f"not imported: {failures[0]}"))
        if not done:
            return cls(name, "danger", f"not imported: {len(failures)} failed.", tuple(failures))
        return cls(name, "warning", _describe(summary), tuple(failures))


def _sentence(text: str) -> str:
    return text.rstrip(".") + "."


def _where(location: str) -> str:
    """The part of a record's location after the file name, as words ("line 12: ")."""
    if (match := re.search(r":(\d+)$", location)) is not None:
        return f"line {match[1]}: "
    if (match := re.search(r" record (\d+)$", location)) is not None:
        return f"record {match[1]}: "
    return ""


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


def _describe(summary: ImportSummary) -> str:
    results = summary.results or []
    imported = [r.title for r in results if r.status == Status.IMPORTED]
    parts = [f"imported {len(imported)}" + (f" ({_titles(imported)})" if imported else "")]
    for status, words in ((Status.REVISED, "revised"), (Status.DUPLICATE, "already imported")):
        if titles := [r.title for r in results if r.status == status]:
            parts.append(f"{len(titles)} {words} ({_titles(titles)})")
    if summary.failures:
        parts.append(f"{summary.failed} failed")
    return ", ".join(parts) + "."


def _titles(titles: list[str], limit: int = 3) -> str:
    shown = ", ".join(f"“{title}”" for title in titles[:limit])
    return shown + (f" and {len(titles) - limit} more" if len(titles) > limit else "")
