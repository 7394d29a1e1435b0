"""Receivers of newsroom's signals (connected in AnnotationsConfig.ready)."""

from __future__ import annotations

from django.dispatch import receiver

from newsroom.signals import article_revised, articles_imported

from .flagging import store_suggestions_many
from .reanchor import reanchor_article


@receiver(articles_imported, dispatch_uid="annotations.store_suggested_flags")
def store_suggested_flags(sender, *, items, **kwargs) -> None:
    """Every finding of the newly imported articles becomes a suggested flag.

    One bulk insert of flags (and one of their history rows) per imported batch. Runs
    inside the import's transaction: if storing fails, the batch is not imported as is
    (the importer retries its articles one by one).
    """
    store_suggestions_many(items, return_flags=False)


@receiver(article_revised, dispatch_uid="annotations.reanchor_revision")
def reanchor_revision(sender, *, article, previous, findings=None, user=None, **kwargs) -> None:
    """A re-import changed an article's text: move its claims, fact checks and decided
    flags to the new revision (orphans for what cannot be placed), recompute the
    detector's suggestions, reopen an approved article. Inside the revision's savepoint:
    if this raises, the article keeps its previous text and the record fails.
    """
    reanchor_article(article=article, previous=previous, user=user, findings=findings)
