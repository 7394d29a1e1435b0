"""The ArtifactFlag admin: read-only rows, confirm/dismiss actions through ``flagging``."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from annotations.admin import filters
from annotations.admin.common import (
    FLAG_PERMISSION,
)
from annotations.models import (
    ArtifactFlag,
)
from newsroom.admin_input import SafeInputAdmin
from newsroom.models import span_text


@admin.register(ArtifactFlag)
class ArtifactFlagAdmin(SafeInputAdmin, SimpleHistoryAdmin):
    list_display = (
        "kind",
        "state",
        "origin",
        "confidence",
        "article",
        "start",
        "end",
        "flagged_text",
        "decided_by",
        "decided_at",
    )
    list_filter = (
        "kind",
        "state",
        filters.FlagOriginFilter,
        filters.FlagConfidenceFilter,
        ("article__source", admin.RelatedFieldListFilter),
    )
    list_select_related = ("article", "decided_by")
    search_fields = ("article__title", "reason")
    readonly_fields = (
        "article",
        "kind",
        "start",
        "end",
        "flagged_text",
        "state",
        "previous_state",
        "origin",
        "reason",
        "confidence",
        "version",
        "created_at",
        "created_by",
        "decided_by",
        "decided_at",
    )
    actions = ("confirm", "dismiss")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(text_value=span_text())

    def has_add_permission(self, request):
        return False  # flags are added on the article page, by selecting text

    def has_flag_permission(self, request):
        return request.user.has_perm(FLAG_PERMISSION)

    @admin.display(description="text")
    def flagged_text(self, flag: ArtifactFlag) -> str:
        value = getattr(flag, "text_value", None)
        return (value if value is not None else flag.text)[:120]

    def _decide(self, request, queryset, state: str) -> None:
        from annotations import flagging

        count = 0
        for flag in queryset:
            flagging.decide_flag(flag=flag, user=request.user, state=state)
            count += 1
        self.message_user(request, f"{count} flag{'s' if count != 1 else ''} {state}.")

    @admin.action(description="Confirm selected flags", permissions=["flag"])
    def confirm(self, request, queryset):
        self._decide(request, queryset, ArtifactFlag.State.CONFIRMED)

    @admin.action(description="Dismiss selected flags", permissions=["flag"])
    def dismiss(self, request, queryset):
        self._decide(request, queryset, ArtifactFlag.State.DISMISSED)
