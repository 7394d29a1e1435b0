"""The configured limits: settings -> ``readers.Limits``.

The readers and the text core are Django-free and take their limits as a value; the
importer, the upload form and ``manage.py analyze`` build it here from the settings
(``NEWSROOM_MAX_*`` / ``NEWSROOM_MIN_*``).
"""

from __future__ import annotations

from django.conf import settings

from newsroom.readers import Limits

__all__ = ["configured"]


def configured() -> Limits:
    """The limits configured in settings, read at each call (tests override settings)."""
    return Limits(
        max_article_chars=settings.NEWSROOM_MAX_ARTICLE_CHARS,
        max_file_bytes=settings.NEWSROOM_MAX_FILE_BYTES,
        max_sentences=settings.NEWSROOM_MAX_SENTENCES_PER_ARTICLE,
        max_blocks=settings.NEWSROOM_MAX_BLOCKS_PER_ARTICLE,
        min_published_year=settings.NEWSROOM_MIN_PUBLISHED_YEAR,
        max_published_years_ahead=settings.NEWSROOM_MAX_PUBLISHED_YEARS_AHEAD,
    )
