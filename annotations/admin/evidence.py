"""The Evidence admin (changes and deletes through the services)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html

from annotations import services
from annotations.admin.forms import (
    EvidenceAdminForm,
    ServiceWriteAdmin,
)
from annotations.models import (
    Evidence,
)
from annotations.templatetags.bidi import reveal_controls


@admin.register(Evidence)
class EvidenceAdmin(ServiceWriteAdmin):
    form = EvidenceAdminForm
    list_display = ("title_or_url", "stance", "fact_check", "added_by", "created_at")
    list_filter = ("stance",)
    list_select_related = ("fact_check", "added_by")
    search_fields = ("url", "title", "note")
    readonly_fields = ("fact_check", "version", "added_by", "created_at")

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        services.delete_evidence(evidence=obj, user=request.user, expected_version=obj.version)

    @admin.display(description="evidence")
    def title_or_url(self, evidence: Evidence) -> str:
        # Isolated from the columns' text; a shown URL has its bidi controls made visible.
        if evidence.title:
            return format_html("<bdi>{}</bdi>", evidence.title)
        return format_html('<bdi dir="ltr">{}</bdi>', reveal_controls(evidence.url))
