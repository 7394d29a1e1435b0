"""The Article changelist: roll-ups for the shown page only, and a safe date drill-down."""

from __future__ import annotations

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.db.models import QuerySet
from django.http import HttpRequest

from annotations import rollups
from annotations.templatetags.review_admin import drill_down_range
from newsroom.models import Article

# Roll-up annotations a column may be sorted by (``admin.display(ordering=...)``).
ROLLUP_ORDERING = frozenset(
    {"workflow_state", "open_count", "false_misleading_count", "pending_flags", "last_activity"}
)


class ArticleChangeList(ChangeList):
    """Computes the roll-ups for the shown page only (see ``rollups.page_with_progress``).

    The queryset it filters, counts and pages is plain: the roll-up annotations are a
    large expression tree that every clone copies and every query compiles (measured
    ~30 ms of Python per changelist request at 10,000 articles). They are added to the
    whole queryset only when a roll-up column is the sort key, which needs them.
    """

    def get_queryset(self, request: HttpRequest, exclude_parameters=None) -> QuerySet[Article]:
        if self._sorted_by_rollup():
            self.root_queryset = rollups.with_progress(self.root_queryset)
        return super().get_queryset(request, exclude_parameters)

    def _sorted_by_rollup(self) -> bool:
        for part in str(self.params.get(ORDER_VAR) or "").split("."):
            try:
                name = self.list_display[int(part.rpartition("-")[2])]
            except (IndexError, ValueError):
                continue
            if str(self.get_ordering_field(name) or "").lstrip("-") in ROLLUP_ORDERING:
                return True
        return False

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        base = Article.objects.select_related(*self.list_select_related)
        self.result_list = rollups.page_with_progress(self.result_list, base)

    # Date hierarchy drill-down: Django's own computes the end of the bucket with
    # ``replace(year=year + 1)`` and ``+ timedelta``, which raise for year 9999 (and
    # ``datetime()`` raises OverflowError for a huge year): 500s. The range comes from
    # ``review_admin.drill_down_range`` instead, open-ended at Python's first and last day.

    _hide_date_params = False

    def get_filters_params(self, params=None):
        lookup_params = super().get_filters_params(params)
        if self._hide_date_params:
            for part in ("year", "month", "day"):
                lookup_params.pop(f"{self.date_hierarchy}__{part}", None)
        return lookup_params

    def get_filters(self, request: HttpRequest):
        field = self.date_hierarchy
        year = self.params.get(f"{field}__year") if field else None
        if year is None:
            return super().get_filters(request)
        try:
            low, high = drill_down_range(
                year, self.params.get(f"{field}__month"), self.params.get(f"{field}__day")
            )
        except ValueError as error:
            raise IncorrectLookupParameters(error) from error
        self._hide_date_params = True
        try:
            specs, has_filters, lookup_params, duplicates, active = super().get_filters(request)
        finally:
            self._hide_date_params = False
        if low is not None:
            lookup_params[f"{field}__gte"] = [low]
        if high is not None:
            lookup_params[f"{field}__lt"] = [high]
        return specs, has_filters, lookup_params, duplicates, active
