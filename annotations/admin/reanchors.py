"""Admin for re-anchoring (issue 13): how each item went over to a new revision, and the
orphans an editor places (on the revisions page) or discards. Imported by admin.py."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from annotations import reanchor
from annotations.revision_models import Reanchor
from newsroom.admin_input import SafeInputAdmin


class OrphanFilter(admin.SimpleListFilter):
    title = "orphan"
    parameter_name = "orphan"

    def lookups(self, request, model_admin):
        return [("yes", "Open orphans")]

    def queryset(self, request, queryset):
        return queryset.orphans() if self.value() == "yes" else queryset


@admin.register(Reanchor)
class ReanchorAdmin(SafeInputAdmin):
    list_display = (
        "kind",
        "item_id",
        "article",
        "revision",
        "method",
        "score",
        "needs_recheck",
        "state",
        "old_text_short",
        "place_link",
        "created_at",
    )
    list_filter = (OrphanFilter, "kind", "method", "state", "needs_recheck")
    list_select_related = ("article",)
    search_fields = ("old_text", "new_text", "article__title")
    list_per_page = 100
    actions = ("discard_orphans",)
    readonly_fields = [f.name for f in Reanchor._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # rows are written by the re-import only

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # read-only: orphans are placed or discarded through the service

    @admin.display(description="was")
    def old_text_short(self, row: Reanchor) -> str:
        return row.old_text if len(row.old_text) <= 80 else row.old_text[:79] + "…"

    @admin.display(description="place")
    def place_link(self, row: Reanchor) -> str:
        if not row.is_orphan:
            return "-"
        url = reverse("annotations:article-revisions", args=[row.article_id]) + "#orphans"
        return format_html('<a href="{}">place or discard</a>', url)

    @admin.action(description="Discard the selected orphans", permissions=["discard"])
    def discard_orphans(self, request: HttpRequest, queryset: QuerySet[Reanchor]) -> None:
        done = 0
        for row in queryset.orphans():
            reanchor.discard_orphan(reanchor=row, user=request.user)
            done += 1
        messages.success(request, f"{done} orphan{'s' * (done != 1)} discarded.")

    def has_discard_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("annotations.change_artifactflag")
