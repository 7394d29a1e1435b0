"""API tokens in the admin: create one for a user (the token is shown once, in the
message after saving), revoke selected tokens. Nothing else about a token changes."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from annotations.api.models import ApiToken, token_digest


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "shown", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["name", "user__username", "shown"]
    autocomplete_fields = ["user"]
    actions = ["revoke"]
    fields = ["user", "name", "shown", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["shown", "created_at", "last_used_at", "revoked_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> list:
        if obj is not None:  # a token's user and purpose do not change; revoke it instead
            return ["user", "name", *self.readonly_fields]
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if change:
            return super().save_model(request, obj, form, change)
        row, token = ApiToken.issue(user=obj.user, name=obj.name)
        obj.pk, obj.digest, obj.shown = row.pk, token_digest(token), row.shown
        obj.created_at = row.created_at
        messages.warning(
            request,
            f"The token for {obj.user}: {token} — copy it now, it is not stored and cannot "
            "be shown again. Send it as “Authorization: Bearer <token>”.",
        )
        return None

    @admin.action(description="Revoke selected tokens", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            token.revoke()
            revoked += 1
        self.message_user(request, f"{revoked} token(s) revoked; they no longer authenticate.")
