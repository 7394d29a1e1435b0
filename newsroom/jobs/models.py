"""The job row behind every background job (imported by ``newsroom.models``)."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from newsroom.models import acting_user


class Job(models.Model):
    """One background job and what it has done so far.

    ``progress_done`` of ``progress_total`` units (``unit``: bytes of the input or
    articles) drives the progress bar; ``total`` unknown (``None``) shows a moving bar.
    The counts are the importer's (or the re-detection's / export's) results so far;
    ``errors`` holds at most ``MAX_ERRORS`` ``{"where", "message"}`` items.
    ``task_path`` is the task that runs it, enqueued again when a worker died under it.
    """

    class Kind(models.TextChoices):
        IMPORT_FILES = "import_files", "Import of uploaded files"
        IMPORT_URL = "import_url", "Import from a URL"
        REDETECT = "redetect", "Re-detection of artifacts"
        EXPORT = "export", "Export"

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    MAX_ERRORS = 200

    kind = models.CharField(max_length=20, choices=Kind)
    state = models.CharField(max_length=10, choices=State, default=State.QUEUED, db_index=True)
    user = acting_user(related_name="jobs")
    title = models.CharField(max_length=500)
    payload = models.JSONField(default=dict, blank=True)
    task_path = models.CharField(max_length=200)
    task_result_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    worker = models.CharField(max_length=200, blank=True, help_text="host:pid of the worker")
    cancel_requested = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    unit = models.CharField(max_length=10, default="articles")
    progress_done = models.PositiveBigIntegerField(default=0)
    progress_total = models.PositiveBigIntegerField(null=True, blank=True)
    processed = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    revised = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    output = models.CharField(max_length=500, blank=True, help_text="file written (exports)")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("newsroom:job", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED, self.State.CANCELLED)

    @property
    def percent(self) -> int | None:
        """Whole per cent done, or ``None`` while the total is unknown."""
        if self.state == self.State.DONE:
            return 100
        if not self.progress_total:
            return None
        return min(100, self.progress_done * 100 // self.progress_total)
