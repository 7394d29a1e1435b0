"""Receivers of newsroom's signals (connected in AnnotationsConfig.ready)."""

from __future__ import annotations

from django.dispatch import receiver

from newsroom.signals import article_imported

from .flagging import store_suggestions


@receiver(article_imported, dispatch_uid="annotations.store_suggested_flags")
def store_suggested_flags(sender, *, article, findings, **kwargs) -> None:
    """Every finding of a newly imported article becomes a suggested flag.

    Runs inside the import's transaction: if storing fails, the article is not imported.
    """
    store_suggestions(article=article, findings=findings)
