"""How each claim, fact check and decided flag went over to a new revision of its article.

Kept in its own module (imported at the end of ``annotations/models.py``) so that the
re-anchoring work (issue 13) stays apart from the editorial models it points to.
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from newsroom.models import Article, acting_user


class ReanchorQuerySet(models.QuerySet["Reanchor"]):
    def orphans(self) -> ReanchorQuerySet:
        """Items that could not be placed and wait for an editor (place or discard)."""
        return self.filter(method=Reanchor.Method.LOST, state=Reanchor.State.OPEN)


class Reanchor(models.Model):
    """One item moved (or not) from revision ``revision - 1`` to ``revision``.

    ``method`` says how it was found: exact, fuzzy (``score``: similarity 0-100 of the
    new text to the old quote) or lost. A lost item is an *orphan*: its row was taken
    off the article (it held offsets into a text that no longer exists) and
    ``snapshot`` keeps every field of it (for a fact check, its evidence too), so that
    an editor can place it by hand (it comes back with its id and its history) or
    discard it. ``old_text`` is what the item quoted; ``new_text`` what it holds now.
    """

    class Kind(models.TextChoices):
        CLAIM = "claim", "Claim"
        FACT_CHECK = "fact_check", "Fact check"
        FLAG = "flag", "Artifact flag"

    class Method(models.TextChoices):
        EXACT = "exact", "Exact"
        FUZZY = "fuzzy", "Fuzzy"
        LOST = "lost", "Lost"

    class State(models.TextChoices):
        MOVED = "moved", "Moved"  # placed by the re-import
        OPEN = "open", "Orphan"
        PLACED = "placed", "Placed by hand"
        DISCARDED = "discarded", "Discarded"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="reanchors")
    revision = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind)
    item_id = models.PositiveBigIntegerField()
    method = models.CharField(max_length=5, choices=Method)
    score = models.FloatField(default=0.0)
    old_start = models.PositiveIntegerField()
    old_end = models.PositiveIntegerField()
    new_start = models.PositiveIntegerField(null=True, blank=True)
    new_end = models.PositiveIntegerField(null=True, blank=True)
    old_text = models.TextField(blank=True)
    new_text = models.TextField(blank=True)
    # A fact check whose sentence changed: its verdict was reset to "to check".
    needs_recheck = models.BooleanField(default=False)
    previous_status = models.CharField(max_length=12, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=10, choices=State, default=State.MOVED)
    snapshot = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = acting_user()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = acting_user()

    objects = ReanchorQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["article", "revision", "old_start", "kind"]
        indexes = [
            models.Index(fields=["article", "revision"]),
            models.Index(fields=["method", "state"]),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} {self.item_id}: {self.get_method_display()} "
            f"(revision {self.revision})"
        )

    @property
    def is_orphan(self) -> bool:
        return self.method == self.Method.LOST and self.state == self.State.OPEN
