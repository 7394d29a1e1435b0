"""The 26 artifact kinds of ``../shared/eval/artifacts/README.md``: one definition.

``Kind`` is the enum; each member carries its label, its level (``character`` for the
kinds that may sit inside block findings, ``whitespace`` for the one whose span is
whitespace by definition) and whether it is site furniture (repeated furniture keeps its
own kind instead of becoming ``duplicate_block``). The tables below are read off it, in
the fixed order of the enum: the detector, the learned layer's features (the kind
numbering of its categorical rule-kind feature depends on this order) and the Django
choices all use them.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["CHARACTER_KINDS", "FURNITURE_KINDS", "KINDS", "KIND_LABELS", "WHITESPACE_KINDS", "Kind"]


class Kind(StrEnum):
    label: str
    level: str
    furniture: bool

    def __new__(cls, value: str, label: str, level: str = "block", furniture: bool = False):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.level = level
        member.furniture = furniture
        return member

    TRUNCATED_DUPLICATE = "truncated_duplicate", "Truncated duplicate"
    DUPLICATE_BLOCK = "duplicate_block", "Duplicate block"
    IMAGE_CAPTION = "image_caption", "Image caption"
    PHOTO_CREDIT = "photo_credit", "Photo credit", "block", True
    MEDIA_PLACEHOLDER = "media_placeholder", "Media placeholder", "block", True
    EMBEDDED_SOCIAL = "embedded_social", "Embedded social post"
    DATELINE = "dateline", "Dateline"
    BYLINE = "byline", "Byline"
    AUTHOR_BIO = "author_bio", "Author bio"
    SHARE_WIDGET = "share_widget", "Share widget", "block", True
    SOCIAL_FOLLOW = "social_follow", "Social follow prompt", "block", True
    NEWSLETTER_PROMPT = "newsletter_prompt", "Newsletter or subscription prompt", "block", True
    ADVERT = "advert", "Advert", "block", True
    RELATED_LINKS = "related_links", "Related links", "block", True
    NAVIGATION = "navigation", "Navigation", "block", True
    DEAD_COMMENTS = "dead_comments", "Empty comment section", "block", True
    COMMENT_FORM = "comment_form", "Comment form", "block", True
    USER_COMMENTS = "user_comments", "User comments"
    COOKIE_NOTICE = "cookie_notice", "Cookie notice", "block", True
    COPYRIGHT_FOOTER = "copyright_footer", "Copyright footer", "block", True
    SEPARATOR = "separator", "Separator", "block", True
    STRAY_WHITESPACE = "stray_whitespace", "Stray whitespace", "whitespace"
    HTML_ENTITY = "html_entity", "HTML entity", "character"
    HTML_MARKUP = "html_markup", "HTML markup", "block", True
    MOJIBAKE = "mojibake", "Mojibake", "character"
    TRUNCATED_TEXT = "truncated_text", "Truncated text"


# Plain strings (not enum members), as the findings and the database hold them.
KINDS: tuple[str, ...] = tuple(kind.value for kind in Kind)
KIND_LABELS: dict[str, str] = {kind.value: kind.label for kind in Kind}
CHARACTER_KINDS = frozenset(kind.value for kind in Kind if kind.level == "character")
WHITESPACE_KINDS = frozenset(kind.value for kind in Kind if kind.level == "whitespace")
FURNITURE_KINDS = frozenset(kind.value for kind in Kind if kind.furniture)
