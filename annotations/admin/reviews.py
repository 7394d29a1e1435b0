"""The ArticleReview admin (read-only: transitions go through the Article admin)."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from annotations.models import (
    ArticleReview,
)
from newsroom.admin_input import SafeInputAdmin


@admin.register(ArticleReview)
class ArticleReviewAdmin(SafeInputAdmin, SimpleHistoryAdmin):
    list_display = ("article", "state", "changed_by", "changed_at", "override_reason")
    list_filter = ("state", ("changed_by", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("article", "changed_by")
    search_fields = ("article__title", "override_reason")
    readonly_fields = (
        "article",
        "state",
        "reason",
        "override_reason",
        "changed_by",
        "changed_at",
    )

    def has_add_permission(self, request):
        return False  # transitions go through the Article admin's actions or the list page
