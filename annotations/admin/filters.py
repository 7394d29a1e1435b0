"""The admin's list filters: the Article changelist's review filters (backed by the
roll-up conditions) and the ArtifactFlag changelist's origin and confidence."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from annotations import rollups
from annotations.models import (
    ArticleReview,
    ArtifactFlag,
    FactCheck,
)


class WorkflowStateFilter(admin.SimpleListFilter):
    title = "workflow state"
    parameter_name = "workflow"

    def lookups(self, request, model_admin):
        return ArticleReview.State.choices

    def queryset(self, request, queryset):
        if self.value() in ArticleReview.State.values:
            return queryset.filter(rollups.in_state_condition(self.value()))
        return queryset


class _YesFilter(admin.SimpleListFilter):
    """A yes/no filter backed by a rollups condition on the stored counters (an indexed
    column of ``ArticleCounters``)."""

    condition: Any = None

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() not in ("yes", "no"):
            return queryset
        condition = type(self).condition()
        return queryset.filter(condition if self.value() == "yes" else ~condition)


class FalseMisleadingFilter(_YesFilter):
    title = "has false/misleading"
    parameter_name = "false"
    condition = rollups.false_or_misleading_exists


class PendingFlagsFilter(_YesFilter):
    title = "has pending flags"
    parameter_name = "pending"
    condition = rollups.pending_flags_exists


class UncheckedFilter(_YesFilter):
    title = "has unchecked sentences"
    parameter_name = "unchecked"
    condition = rollups.unchecked_exists


class AssignedToFilter(admin.SimpleListFilter):
    title = "assigned to"
    parameter_name = "assignee"

    def lookups(self, request, model_admin):
        users = get_user_model().objects.filter(
            Exists(FactCheck.objects.filter(assignee=OuterRef("pk")))
        )
        return [(str(user.pk), user.get_username()) for user in users.order_by("username")]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(rollups.assigned_to_condition(int(self.value())))
        return queryset


class FlagOriginFilter(admin.SimpleListFilter):
    title = "origin"
    parameter_name = "origin"

    def lookups(self, request, model_admin):
        return [
            (ArtifactFlag.Origin.DETECTOR, "Suggested by the detector"),
            (ArtifactFlag.Origin.EDITOR, "Added by a person"),
        ]

    def queryset(self, request, queryset):
        if self.value() in ArtifactFlag.Origin.values:
            return queryset.filter(origin=self.value())
        return queryset


class FlagConfidenceFilter(admin.SimpleListFilter):
    title = "confidence"
    parameter_name = "confidence"

    def lookups(self, request, model_admin):
        threshold = settings.NEWSROOM_CONFIDENT_FLAG
        return [
            ("confident", f"Confident (≥ {threshold:.0%})"),
            ("unsure", f"Unsure (< {threshold:.0%})"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "confident":
            return queryset.confident()
        if self.value() == "unsure":
            return queryset.unsure()
        return queryset
