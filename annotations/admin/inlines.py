"""The Article change page's read-only inlines: its first sentences and flags."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from annotations.admin.common import (
    FirstRowsFormSet,
)
from annotations.models import (
    ArtifactFlag,
    Claim,
)
from newsroom.models import Sentence, span_text


class SentenceInline(admin.TabularInline):
    model = Sentence
    formset = FirstRowsFormSet
    fields = ("position", "sentence_text", "status", "claims_count", "assignee")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        # The claim count as a subquery, not a GROUP BY join: the LIMIT then applies first.
        claims = (
            Claim.objects.filter(sentence=OuterRef("pk"))
            .order_by()
            .values("sentence")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .select_related("fact_check__assignee")
            .annotate(claims_count=Coalesce(Subquery(claims), 0), text_value=span_text())
            .order_by("position")
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="text")
    def sentence_text(self, sentence: Sentence) -> str:
        return sentence.text_value  # cut out by the database: no article per row

    @admin.display(description="status")
    def status(self, sentence: Sentence) -> str:
        fact_check = getattr(sentence, "fact_check", None)
        return fact_check.get_status_display() if fact_check else "Unchecked"

    @admin.display(description="claims")
    def claims_count(self, sentence: Sentence) -> int:
        return sentence.claims_count

    @admin.display(description="assignee")
    def assignee(self, sentence: Sentence) -> str:
        fact_check = getattr(sentence, "fact_check", None)
        return fact_check.assignee.get_username() if fact_check and fact_check.assignee else "—"


class ArtifactFlagInline(admin.TabularInline):
    model = ArtifactFlag
    formset = FirstRowsFormSet
    fields = ("kind", "state", "origin", "start", "end", "flagged_text", "reason", "decided_by")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("decided_by")
            .annotate(text_value=span_text())
            .order_by("start", "end", "pk")
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="text")
    def flagged_text(self, flag: ArtifactFlag) -> str:
        return flag.text_value
