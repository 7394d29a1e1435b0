"""The Article changelist's date hierarchy from index seeks instead of table scans.

Django's ``{% date_hierarchy %}`` asks its queryset for MIN/MAX of the date (an aggregate
over every matching row) and then for the DISTINCT truncated dates (on SQLite, a Python
function call per row): both grow with the archive. ``{% seeking_date_hierarchy cl %}``
renders the same links from the same code, with a stand-in queryset that answers those
two questions in one query each: the first and last date as ORDER BY ... LIMIT 1
subqueries, and one EXISTS per candidate year, month or day over a date range (an index
seek on ``published``), so the cost depends on the number of links, not of articles.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import template
from django.conf import settings
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.db.models import Exists, QuerySet, Subquery
from django.utils import timezone

register = template.Library()


def _floor(moment: datetime, kind: str) -> datetime:
    moment = moment.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    if kind in ("year", "month"):
        moment = moment.replace(day=1)
    if kind == "year":
        moment = moment.replace(month=1)
    return moment


def _step(start: datetime, kind: str) -> datetime:
    if kind == "year":
        return start.replace(year=start.year + 1)
    if kind == "month":
        return (start + timedelta(days=32)).replace(day=1)
    return start + timedelta(days=1)


class SeekingDates:
    """Stands in for ``cl.queryset`` inside Django's ``date_hierarchy``."""

    def __init__(self, queryset: QuerySet, field: str) -> None:
        self.queryset = queryset.order_by()
        self.field = field
        self._range: dict[str, Any] | None = None

    def _one_row(self, **columns: Any) -> dict[str, Any] | None:
        # A single-row SELECT of subqueries; no row at all when the table is empty.
        return self.queryset.model._base_manager.order_by().values(**columns).first()

    def aggregate(self, **kwargs: Any) -> dict[str, Any]:
        """``first`` and ``last`` dates (what the tag asks with Min and Max)."""
        if set(kwargs) != {"first", "last"}:
            return self.queryset.aggregate(**kwargs)
        if self._range is None:
            dated = self.queryset.filter(**{f"{self.field}__isnull": False}).values(self.field)
            row = self._one_row(
                first=Subquery(dated.order_by(self.field)[:1]),
                last=Subquery(dated.order_by(f"-{self.field}")[:1]),
            )
            self._range = row or {"first": None, "last": None}
        return self._range

    def datetimes(self, field_name: str, kind: str, *args: Any, **kwargs: Any) -> list[datetime]:
        """The ``kind`` buckets (year, month or day) holding at least one row, ascending."""
        bounds = self.aggregate(first=None, last=None)
        if bounds["first"] is None:
            return []
        first, last = bounds["first"], bounds["last"]
        if settings.USE_TZ:
            first, last = timezone.localtime(first), timezone.localtime(last)
        starts = []
        start, end = _floor(first, kind), _floor(last, kind)
        while start <= end:
            starts.append(start)
            start = _step(start, kind)
        aware = timezone.make_aware if settings.USE_TZ else (lambda moment: moment)
        columns = {
            f"b{i}": Exists(
                self.queryset.filter(
                    **{
                        f"{self.field}__gte": aware(start),
                        f"{self.field}__lt": aware(_step(start, kind)),
                    }
                )
            )
            for i, start in enumerate(starts)
        }
        row = self._one_row(**columns) or {}
        return [aware(start) for i, start in enumerate(starts) if row.get(f"b{i}")]


class _SeekingChangeList:
    """The changelist as the tag sees it, with the stand-in queryset."""

    def __init__(self, cl: Any) -> None:
        self._cl = cl
        self.queryset = SeekingDates(cl.queryset, cl.date_hierarchy)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cl, name)


def seeking_date_hierarchy(cl: Any) -> dict[str, Any] | None:
    """Django's date hierarchy context, computed through ``SeekingDates``."""
    return date_hierarchy(_SeekingChangeList(cl))


@register.tag(name="seeking_date_hierarchy")
def seeking_date_hierarchy_tag(parser, token):
    return InclusionAdminNode(
        "date_hierarchy",
        parser,
        token,
        func=seeking_date_hierarchy,
        template_name="date_hierarchy.html",
        takes_context=False,
    )
