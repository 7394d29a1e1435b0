"""What several admin modules share: the flag permission, the progress bar and the
first-rows inline formset. (The span text cut out by the database is
``newsroom.models.span_text``.)"""

from __future__ import annotations

from django.forms.models import BaseInlineFormSet
from django.template.loader import render_to_string

from annotations import rollups

FLAG_PERMISSION = "annotations.change_artifactflag"


def progress_bar(progress: rollups.Progress) -> str:
    """The coloured status segments of one article, numbers on hover (all escaped): the
    list's and the dashboard's template, ``annotations/_progress_bar.html``."""
    return render_to_string("annotations/_progress_bar.html", {"progress": progress})


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
