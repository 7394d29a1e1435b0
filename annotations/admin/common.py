"""What several admin modules share: the flag permission, the progress bar, the span text
cut out by the database, and the first-rows inline formset."""

from __future__ import annotations

from django.db.models import F
from django.db.models.functions import Substr
from django.forms.models import BaseInlineFormSet
from django.template.loader import render_to_string

from annotations import rollups

FLAG_PERMISSION = "annotations.change_artifactflag"


def progress_bar(progress: rollups.Progress) -> str:
    """The coloured status segments of one article, numbers on hover (all escaped): the
    list's and the dashboard's template, ``annotations/_progress_bar.html``."""
    return render_to_string("annotations/_progress_bar.html", {"progress": progress})


def sentence_text_expression(prefix: str = "") -> Substr:
    """The span's text cut out of the article's raw text by the database."""
    return Substr(
        f"{prefix}article__raw_text",
        F(f"{prefix}start") + 1,
        F(f"{prefix}end") - F(f"{prefix}start"),
    )


# Rows an inline of the Article change page shows: an article may have 100,000 sentences.
INLINE_ROWS = 50
# Characters of the raw text the change page shows (the article page shows it all, in parts).
CHANGE_PAGE_TEXT_CHARS = 20_000


class FirstRowsFormSet(BaseInlineFormSet):
    """An inline formset of the first ``INLINE_ROWS`` rows only (the inline is read-only;
    the change page links to the changelist of all of them)."""

    def get_queryset(self):
        if not hasattr(self, "_first_rows"):
            self._first_rows = super().get_queryset()[:INLINE_ROWS]
        return self._first_rows
