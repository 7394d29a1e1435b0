"""The Claim admin (changes and deletes through the services)."""

from __future__ import annotations

from django.contrib import admin

from annotations import services
from annotations.admin.forms import (
    ClaimAdminForm,
    ServiceWriteAdmin,
)
from annotations.models import (
    Claim,
)


@admin.register(Claim)
class ClaimAdmin(ServiceWriteAdmin):
    form = ClaimAdminForm
    list_display = ("quote_short", "claimant", "claim_type", "article", "created_by", "updated_at")
    list_filter = ("claim_type", "article__source")
    list_select_related = ("article", "created_by")
    search_fields = ("quote", "claimant", "note", "article__title")
    readonly_fields = (
        "article",
        "sentence",
        "start",
        "end",
        "quote",
        "prefix",
        "suffix",
        "version",
        "created_by",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        services.delete_claim(claim=obj, user=request.user, expected_version=obj.version)

    @admin.display(description="quote")
    def quote_short(self, claim: Claim) -> str:
        return claim.quote[:100]
