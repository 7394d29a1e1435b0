"""The job page (live progress through htmx polling) and its cancel button."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from newsroom.jobs.models import Job
from newsroom.jobs.services import cancel_job

_TEMPLATE = "newsroom/job_detail.html"


def may_manage(user: AbstractBaseUser | AnonymousUser, job: Job) -> bool:
    """Whether ``user`` may see and cancel ``job``: its owner, or an editor (any job)."""
    return (job.user_id is not None and job.user_id == user.pk) or user.has_perm(
        "newsroom.change_article"
    )


def _job_for(request: HttpRequest, pk: int) -> Job:
    job = get_object_or_404(Job.objects.select_related("user"), pk=pk)
    if not may_manage(request.user, job):
        raise PermissionDenied
    return job


def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's state; htmx asks for the status part every second until it is finished."""
    job = _job_for(request, pk)
    template = f"{_TEMPLATE}#job-status" if getattr(request, "htmx", False) else _TEMPLATE
    return render(request, template, {"job": job})


@require_POST
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    if cancel_job(job=job):
        messages.info(request, "Cancel requested: the job stops after the batch it is writing.")
    else:
        messages.warning(request, "The job had already finished.")
    if getattr(request, "htmx", False):
        return render(request, f"{_TEMPLATE}#job-status", {"job": job})
    return redirect(job)


def job_output(request: HttpRequest, pk: int) -> FileResponse:
    """The file a finished export job wrote (inside NEWSROOM_JOB_DIR), as a download."""
    job = _job_for(request, pk)
    root = Path(settings.NEWSROOM_JOB_DIR).resolve()
    path = Path(job.output).resolve() if job.output else None
    if job.state != Job.State.DONE or path is None or not path.is_relative_to(root):
        raise Http404("This job has no file.")
    try:
        return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
    except FileNotFoundError:
        raise Http404("The job's file was removed.") from None
