"""What editors add on top of an article: artifact flags, fact-checks, claims, evidence,
and the article's review workflow. Every model keeps its history (django-simple-history).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from simple_history.models import HistoricalRecords

from newsroom.models import Article, Sentence, Source, TextSpan, acting_user, safe_link


def artifact_kind_choices() -> list[tuple[str, str]]:
    """The 26 artifact kinds of the text core, as (value, label) choices."""
    from newsroom.text.artifacts import KIND_LABELS, KINDS

    return [(kind, KIND_LABELS[kind]) for kind in KINDS]


class ArtifactFlagQuerySet(models.QuerySet["ArtifactFlag"]):
    def pending(self) -> ArtifactFlagQuerySet:
        """Flags still waiting for an editor's decision."""
        return self.filter(state=ArtifactFlag.State.SUGGESTED)

    def confirmed(self) -> ArtifactFlagQuerySet:
        return self.filter(state=ArtifactFlag.State.CONFIRMED)

    def confident(self) -> ArtifactFlagQuerySet:
        """Flags the detector is sure of (confidence at least ``NEWSROOM_CONFIDENT_FLAG``)."""
        return self.filter(confidence__gte=settings.NEWSROOM_CONFIDENT_FLAG)

    def unsure(self) -> ArtifactFlagQuerySet:
        """Low-confidence flags: worth a closer look before confirming."""
        return self.filter(confidence__lt=settings.NEWSROOM_CONFIDENT_FLAG)

    def untouched(self) -> ArtifactFlagQuerySet:
        """Detector suggestions no editor has acted on: re-detection may replace them."""
        return self.filter(
            state=ArtifactFlag.State.SUGGESTED,
            origin=ArtifactFlag.Origin.DETECTOR,
            decided_at__isnull=True,
        )

    def decided(self) -> ArtifactFlagQuerySet:
        """Flags carrying an editor's decision (the complement of ``untouched``)."""
        return self.exclude(
            state=ArtifactFlag.State.SUGGESTED,
            origin=ArtifactFlag.Origin.DETECTOR,
            decided_at__isnull=True,
        )


class SourceFeedback(Source):
    """A source seen through its artifact decisions (admin: confirmed vs dismissed)."""

    class Meta:
        proxy = True
        verbose_name = "detector feedback per source"
        verbose_name_plural = "detector feedback per source"


class ArtifactFlag(TextSpan):
    """A span of an article's raw text marked as a scraper layout artifact."""

    class State(models.TextChoices):
        SUGGESTED = "suggested", "Suggested"
        CONFIRMED = "confirmed", "Confirmed"
        DISMISSED = "dismissed", "Dismissed"

    class Origin(models.TextChoices):
        DETECTOR = "detector", "Detector"
        EDITOR = "editor", "Editor"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="artifact_flags")
    kind = models.CharField(max_length=32, choices=artifact_kind_choices)
    state = models.CharField(max_length=10, choices=State, default=State.SUGGESTED)
    # The state before the last decision, so that a decision can be undone.
    previous_state = models.CharField(max_length=10, choices=State, blank=True)
    origin = models.CharField(max_length=10, choices=Origin, default=Origin.DETECTOR)
    reason = models.CharField(max_length=300, blank=True)
    confidence = models.FloatField(default=1.0)
    # Optimistic concurrency for decisions: a decision carries the version the editor saw.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = acting_user()
    decided_by = acting_user()
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ArtifactFlagQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["article", "start", "end", "kind"]
        indexes = [models.Index(fields=["article", "state"]), models.Index(fields=["kind"])]
        constraints = [
            TextSpan.span_check("flag_start_before_end"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} [{self.start}, {self.end}) ({self.get_state_display()})"

    @property
    def is_confident(self) -> bool:
        """True when the detector's calibrated confidence reaches the setting."""
        return self.confidence >= settings.NEWSROOM_CONFIDENT_FLAG


class FactCheck(models.Model):
    """The fact-check status of one sentence. A sentence without a row is unchecked."""

    class Status(models.TextChoices):
        UNCHECKED = "unchecked", "Unchecked"
        NO_CLAIM = "no_claim", "No claim"
        TO_CHECK = "to_check", "To check"
        IN_PROGRESS = "in_progress", "In progress"
        ACCURATE = "accurate", "Accurate"
        MISLEADING = "misleading", "Misleading"
        FALSE = "false", "False"
        UNVERIFIABLE = "unverifiable", "Unverifiable"
        OPINION = "opinion", "Opinion"

    # Statuses that still need work before an article can be approved.
    OPEN_STATUSES = (Status.UNCHECKED, Status.TO_CHECK, Status.IN_PROGRESS)

    sentence = models.OneToOneField(Sentence, on_delete=models.CASCADE, related_name="fact_check")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="fact_checks")
    status = models.CharField(max_length=12, choices=Status, default=Status.UNCHECKED)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_fact_checks",
    )
    verdict = models.TextField("verdict summary", blank=True)
    note = models.TextField(blank=True)
    # Optimistic concurrency: every write must carry the version the user saw.
    version = models.PositiveIntegerField(default=1)
    updated_by = acting_user()
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        indexes = [
            models.Index(fields=["article", "status"]),
            models.Index(fields=["assignee", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()}: sentence {self.sentence_id}"


class Claim(TextSpan):
    """A claim: a span inside a sentence (or the whole sentence), with who made it.

    ``start``/``end`` are offsets into the article's raw text; ``quote`` with its
    ``prefix`` and ``suffix`` context lets the claim be found again if the text changes.
    """

    class Type(models.TextChoices):
        STATISTIC = "statistic", "Statistic"
        QUOTE = "quote", "Quote"
        CAUSAL = "causal", "Causal"
        PREDICTION = "prediction", "Prediction"
        OTHER = "other", "Other"

    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="claims")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="claims")
    quote = models.TextField()
    prefix = models.CharField(max_length=64, blank=True)
    suffix = models.CharField(max_length=64, blank=True)
    claimant = models.CharField(max_length=200, blank=True)
    claim_type = models.CharField(max_length=12, choices=Type, default=Type.OTHER)
    note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = acting_user()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["article", "start"]
        constraints = [
            TextSpan.span_check("claim_start_before_end"),
        ]

    def __str__(self) -> str:
        return self.quote[:80]


class Evidence(models.Model):
    """A link that supports, refutes or gives context to a sentence's fact-check."""

    class Stance(models.TextChoices):
        SUPPORTS = "supports", "Supports"
        REFUTES = "refutes", "Refutes"
        CONTEXT = "context", "Context"

    fact_check = models.ForeignKey(FactCheck, on_delete=models.CASCADE, related_name="evidence")
    url = models.URLField(max_length=2000, validators=[URLValidator(schemes=["http", "https"])])
    title = models.CharField(max_length=300, blank=True)
    stance = models.CharField(max_length=10, choices=Stance, default=Stance.CONTEXT)
    note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    added_by = acting_user()
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["fact_check", "created_at"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.title or self.url

    @property
    def safe_url(self) -> str:
        return safe_link(self.url)


class ArticleReview(models.Model):
    """Where an article stands in the editorial workflow. No row means new."""

    class State(models.TextChoices):
        NEW = "new", "New"
        IN_REVIEW = "in_review", "In review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="review")
    state = models.CharField(max_length=20, choices=State, default=State.NEW)
    override_reason = models.TextField(blank=True)
    # The reason given for the latest move (changes requested, reopened, approved over
    # the guard), shown with ``changed_by`` wherever the article's state is shown.
    reason = models.TextField(blank=True)
    changed_by = acting_user()
    changed_at = models.DateTimeField(auto_now=True)

    # Reasons for requesting changes or overriding the guard can be longer than 100 chars.
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        # The list's state filter, the dashboard's per-state counts and its "waiting for
        # me" (in review, latest change first).
        indexes = [models.Index(fields=["state", "-changed_at"], name="review_state")]
        permissions = [
            ("approve_article", "Can approve articles and request changes"),
            ("override_review_guard", "Can approve with open sentences or pending flags"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.get_state_display()}"


class ArticleCounters(models.Model):
    """An article's review roll-up, stored: what the list pages, the dashboard and the
    admin changelist read and filter on (indexed columns, no subquery per article).

    Written only by ``annotations.counters.refresh``, which recomputes an article's row
    from its sentences, fact checks, flags and review (the rules of
    ``rollups.with_live_progress``). Every service that changes one of those calls it in
    its own transaction; ``manage.py recount`` rebuilds all rows. An article without a
    row (imported before the counters existed, or written outside the services) reads as
    zeros until recounted. The workflow state is not copied here: it is the article's one
    ArticleReview row, joined (its ``state`` is indexed).
    """

    article = models.OneToOneField(
        Article, primary_key=True, on_delete=models.CASCADE, related_name="counters"
    )
    sentence_total = models.PositiveIntegerField(default=0)
    excluded_count = models.PositiveIntegerField(default=0)
    counted_total = models.PositiveIntegerField(default=0)
    unchecked_count = models.PositiveIntegerField(default=0)
    no_claim_count = models.PositiveIntegerField(default=0)
    to_check_count = models.PositiveIntegerField(default=0)
    in_progress_count = models.PositiveIntegerField(default=0)
    accurate_count = models.PositiveIntegerField(default=0)
    misleading_count = models.PositiveIntegerField(default=0)
    false_count = models.PositiveIntegerField(default=0)
    unverifiable_count = models.PositiveIntegerField(default=0)
    opinion_count = models.PositiveIntegerField(default=0)
    open_count = models.PositiveIntegerField(default=0)
    false_misleading_count = models.PositiveIntegerField(default=0)
    pending_flags = models.PositiveIntegerField(default=0)
    last_activity = models.DateTimeField(null=True)

    class Meta:
        verbose_name_plural = "article counters"
        indexes = [
            models.Index(fields=["false_misleading_count"], name="counters_false"),
            models.Index(fields=["unchecked_count"], name="counters_unchecked"),
            models.Index(fields=["open_count"], name="counters_open"),
            models.Index(fields=["pending_flags"], name="counters_pending"),
            models.Index(fields=["last_activity"], name="counters_activity"),
        ]

    def __str__(self) -> str:
        return f"counters of article {self.article_id}"


# Re-anchoring on new revisions (issue 13), and the API's tokens, kept in their own modules.
from annotations.api.models import ApiToken  # noqa: E402, F401
from annotations.revision_models import Reanchor  # noqa: E402, F401
