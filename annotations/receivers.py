"""Receivers of newsroom's signals (connected in AnnotationsConfig.ready)."""

from __future__ import annotations

from django.dispatch import receiver

from newsroom.signals import articles_imported

from .flagging import store_suggestions_many


@receiver(articles_imported, dispatch_uid="annotations.store_suggested_flags")
def store_suggested_flags(sender, *, items, **kwargs) -> None:
    """Every finding of the newly imported articles becomes a suggested flag.

    One bulk insert of flags (and one of their history rows) per imported batch. Runs
    inside the import's transaction: if storing fails, the batch is not imported as is
    (the importer retries its articles one by one).
    """
    store_suggestions_many(items)
