"""The admin of the editorial work, and the Article admin with its review roll-ups.

One module per model admin (``articles``, ``fact_checks``, ``claims``, ``evidence``,
``flags``, ``reviews``, ``source_feedback``, ``reanchors``), with what they share beside
them: ``filters``, ``inlines``, ``changelist``, ``article_actions``, ``forms``, ``common``.
The Article admin lives here (not in newsroom/admin.py) because its columns, filters and
actions are the annotations app's. Importing this package registers every admin.
"""

from annotations.admin import (  # noqa: F401  (each module registers its admin)
    articles,
    claims,
    evidence,
    fact_checks,
    flags,
    reanchors,
    reviews,
    source_feedback,
)
from annotations.admin.articles import ArticleAdmin
from annotations.admin.common import INLINE_ROWS
from annotations.api import admin as api_admin  # noqa: F401  (registers the API tokens)

__all__ = ["INLINE_ROWS", "ArticleAdmin"]
