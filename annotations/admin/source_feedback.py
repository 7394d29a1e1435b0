"""Per source, how editors received the detector's suggestions (read-only)."""

from __future__ import annotations

from django.contrib import admin

from annotations.models import (
    SourceFeedback,
)


@admin.register(SourceFeedback)
class SourceFeedbackAdmin(admin.ModelAdmin):
    """Per source: how editors received the detector's suggestions (read-only)."""

    list_display = ("name", "confirmed", "dismissed", "pending", "editor_made", "confirm_rate")
    search_fields = ("name", "domain")
    ordering = ("name",)

    def get_queryset(self, request):
        from annotations.learning import source_feedback

        return source_feedback().filter(pk__in=super().get_queryset(request).values("pk"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="confirmed", ordering="confirmed")
    def confirmed(self, source) -> int:
        return source.confirmed

    @admin.display(description="dismissed", ordering="dismissed")
    def dismissed(self, source) -> int:
        return source.dismissed

    @admin.display(description="pending", ordering="pending")
    def pending(self, source) -> int:
        return source.pending

    @admin.display(description="added by editors", ordering="editor_made")
    def editor_made(self, source) -> int:
        return source.editor_made

    @admin.display(description="confirmed of decided")
    def confirm_rate(self, source) -> str:
        decided = source.confirmed + source.dismissed
        return f"{source.confirmed / decided:.0%}" if decided else "-"
