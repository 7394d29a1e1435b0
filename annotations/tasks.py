"""Background jobs of the annotations app: re-detection and exports of many articles.

They use newsroom's job model, page and worker (``newsroom.jobs``): ``start_redetection``
and ``start_export`` create the job and enqueue its task; the task runs the same service
functions as the commands (``flagging.redetect_flags``, ``exports.formats.stream``).
Both are safe to run again after a lost worker: re-detection keeps every decision and
refreshes suggestions, an export writes its file afresh.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.tasks import task

from annotations.exports import formats
from annotations.flagging import RedetectResult, redetect_flags
from newsroom.jobs import services
from newsroom.jobs.models import Job
from newsroom.models import Article

CHUNK = 200


def _selected(article_ids: list[int] | None) -> list[int]:
    articles = Article.objects.order_by("pk")
    if article_ids is not None:
        articles = articles.filter(pk__in=article_ids)
    return list(articles.values_list("pk", flat=True))


def start_redetection(
    *, article_ids: list[int] | None = None, user: AbstractBaseUser | None = None
) -> Job:
    """Re-detect artifacts of these articles (all when ``None``) in a job."""
    count = len(_selected(article_ids))
    return services.start_job(
        kind=Job.Kind.REDETECT,
        title=f"{count} article{'s' * (count != 1)}",
        task=redetect_articles,
        payload={"article_ids": article_ids},
        user=user,
        progress_total=count,
    )


def _redetect_work(job: Job, tracker: services.Tracker) -> None:
    pks = _selected(job.payload.get("article_ids"))
    total = RedetectResult()
    tracker.advance(0, len(pks))
    for i in range(0, len(pks), CHUNK):
        chunk = Article.objects.filter(pk__in=pks[i : i + CHUNK]).order_by("pk")
        for done, article in enumerate(chunk.only("pk", "raw_text", "title_in_text"), i + 1):
            total += redetect_flags(article=article, user=job.user)
            tracker.advance(done)
    tracker.done_message = (
        f"Re-ran detection on {len(pks)} articles: {total.added} suggestions added, "
        f"{total.removed} removed, {total.kept} kept; {total.decisions} editor decisions "
        "left untouched."
    )


@task(queue_name=settings.NEWSROOM_JOB_QUEUE)
def redetect_articles(job_id: int) -> None:
    services.run_job(job_id, _redetect_work)


def start_export(
    *,
    format: str,
    article_ids: list[int] | None = None,
    user: AbstractBaseUser | None = None,
    base_url: str = "",
    drafts: bool = False,
) -> Job:
    """Export these articles (all when ``None``) in ``format`` to a file, in a job; the job
    page links the file when it is done."""
    if format not in formats.FORMATS:
        raise ValueError(f"unknown export format {format!r}")
    count = len(_selected(article_ids))
    return services.start_job(
        kind=Job.Kind.EXPORT,
        title=f"{format} export of {count} article{'s' * (count != 1)}",
        task=export_articles,
        payload={
            "format": format,
            "article_ids": article_ids,
            "base_url": formats.base_url(base_url),
            "drafts": drafts,
        },
        user=user,
        unit="bytes",
    )


def _export_work(job: Job, tracker: services.Tracker) -> None:
    name = job.payload["format"]
    articles = Article.objects.all()
    if (ids := job.payload.get("article_ids")) is not None:
        articles = articles.filter(pk__in=ids)
    folder = Path(settings.NEWSROOM_JOB_DIR) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"job-{job.pk}.{formats.FORMATS[name].extension}"
    written = 0
    partial = path.with_suffix(path.suffix + ".part")
    with partial.open("w", encoding="utf-8", newline="") as out:
        if name == "csv":
            out.write("\ufeff")  # as the download: spreadsheets need the byte-order mark
        chunks = formats.stream(
            name, articles, base=job.payload["base_url"], drafts=job.payload["drafts"]
        )
        for chunk in chunks:
            out.write(chunk)
            written += len(chunk)
            tracker.advance(written)
    partial.replace(path)
    job.output = str(path)
    Job.objects.filter(pk=job.pk).update(output=str(path))
    tracker.done_message = f"Exported {path.stat().st_size} bytes ({name})."


@task(queue_name=settings.NEWSROOM_JOB_QUEUE)
def export_articles(job_id: int) -> None:
    services.run_job(job_id, _export_work)
