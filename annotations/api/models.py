"""API tokens: one or more per user, stored hashed, revocable in the admin."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

# Shown in front of every token, so that a leaked one is recognisable (secret scanners).
TOKEN_PREFIX = "nrt_"  # noqa: S105  (a label, not a secret)
# Characters of the token kept in clear to tell tokens apart in the admin.
SHOWN_CHARS = 8


def token_digest(token: str) -> str:
    """SHA-256 of the token. Tokens are 256 random bits, so a fast hash is enough: what
    a slow password hash protects against (guessing a weak secret) does not apply."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A bearer token of one user; only its SHA-256 is stored (the token is shown once)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for (a bot, a CMS).")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    shown = models.CharField("starts with", max_length=20, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        app_label = "annotations"
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.shown}…)"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @classmethod
    def issue(cls, *, user, name: str) -> tuple[ApiToken, str]:
        """A new token for ``user``: the saved row and the token itself, which is not
        stored and cannot be shown again."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        row = cls.objects.create(
            user=user, name=name, digest=token_digest(token), shown=token[: SHOWN_CHARS + 4]
        )
        return row, token

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
