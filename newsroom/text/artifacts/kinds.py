"""The 26 artifact kinds of ``../shared/eval/artifacts/README.md``, in their fixed order.

One definition for the detector, the learned layer's features (the kind numbering of its
categorical rule-kind feature depends on this order) and the Django choices.
"""

from __future__ import annotations

__all__ = ["KINDS"]

KINDS: tuple[str, ...] = (
    "truncated_duplicate",
    "duplicate_block",
    "image_caption",
    "photo_credit",
    "media_placeholder",
    "embedded_social",
    "dateline",
    "byline",
    "author_bio",
    "share_widget",
    "social_follow",
    "newsletter_prompt",
    "advert",
    "related_links",
    "navigation",
    "dead_comments",
    "comment_form",
    "user_comments",
    "cookie_notice",
    "copyright_footer",
    "separator",
    "stray_whitespace",
    "html_entity",
    "html_markup",
    "mojibake",
    "truncated_text",
)
