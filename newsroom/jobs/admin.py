"""The jobs list in the admin (read-only: jobs are started from the pages and commands)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from newsroom.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "title", "state", "user", "imported", "failed", "created_at")
    list_filter = ("state", "kind")
    list_select_related = ("user",)
    search_fields = ("title",)
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Job._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Job | None = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Job | None = None) -> bool:
        # Editors see every job on its page; so here too.
        return super().has_view_permission(request, obj) or request.user.has_perm(
            "newsroom.change_article"
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)
