"""The refusals every way in shares (files, uploads, pasted text, the command line): each
check written once, with one message, so the upload page and ``import_articles`` say the
same thing. Pure Python: the limits are passed in.
"""

from __future__ import annotations

from .records import FORMATS, Limits, format_for

__all__ = ["extension_refusal", "length_refusal", "nul_refusal", "size_refusal"]


def size_refusal(size: int, limits: Limits) -> str | None:
    """Why a file (or JSON Lines line) of ``size`` bytes is refused, or ``None``."""
    if size > limits.max_file_bytes:
        return f"file is larger than {limits.max_file_bytes} bytes (NEWSROOM_MAX_FILE_BYTES)"
    return None


def length_refusal(length: int, limits: Limits) -> str | None:
    """Why an article text of ``length`` characters is refused, or ``None``."""
    if length > limits.max_article_chars:
        return (
            f"article is {length} characters, over the limit of {limits.max_article_chars} "
            "(NEWSROOM_MAX_ARTICLE_CHARS)"
        )
    return None


def extension_refusal(name: str) -> str | None:
    """Why a file named ``name`` is not read (its extension names no format), or ``None``."""
    if format_for(name) is None:
        return f"unknown file type; use one of {', '.join(sorted(FORMATS))}"
    return None


def nul_refusal(value: str, what: str) -> str | None:
    """Why ``value`` (``what``: "the text", "'title'") cannot be stored: a NUL character,
    which no database accepts in text; else ``None``."""
    return f"NUL character in {what}" if "\x00" in value else None
