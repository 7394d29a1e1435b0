"""The FactCheck admin (changes and deletes through the services)."""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction

from annotations import counters, services
from annotations.admin.forms import (
    FactCheckAdminForm,
    ServiceWriteAdmin,
)
from annotations.models import (
    FactCheck,
)
from newsroom.models import span_text


@admin.register(FactCheck)
class FactCheckAdmin(ServiceWriteAdmin):
    form = FactCheckAdminForm
    list_display = ("sentence_text", "article", "status", "assignee", "updated_by", "updated_at")
    list_filter = ("status", ("assignee", admin.RelatedOnlyFieldListFilter), "article__source")
    list_select_related = ("article", "assignee", "updated_by")
    search_fields = ("article__title", "verdict", "note")
    fields = (
        "article",
        "sentence",
        "sentence_text",
        "status",
        "assignee",
        "verdict",
        "note",
        "seen_version",
        "version",
        "updated_by",
        "updated_at",
    )
    readonly_fields = (
        "article",
        "sentence",
        "sentence_text",
        "version",
        "updated_by",
        "updated_at",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(text=span_text("sentence__"))

    def has_add_permission(self, request):
        return False  # fact-checks are created on the article page

    @admin.display(description="sentence")
    def sentence_text(self, fact_check: FactCheck) -> str:
        return getattr(fact_check, "text", "")

    def delete_model(self, request, obj):
        services.require_not_approved(obj.article_id)
        with transaction.atomic():
            obj._history_user = request.user
            obj.delete()
            counters.refresh([obj.article_id])
