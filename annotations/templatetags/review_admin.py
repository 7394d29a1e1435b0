"""The Article changelist's date hierarchy from index seeks instead of table scans.

Django's ``{% date_hierarchy %}`` asks its queryset for MIN/MAX of the date (an aggregate
over every matching row) and then for the DISTINCT truncated dates (on SQLite, a Python
function call per row): both grow with the archive. ``{% seeking_date_hierarchy cl %}``
renders the same links from the same code, with a stand-in queryset that answers those
two questions in one query each: the first and last date as ORDER BY ... LIMIT 1
subqueries, and one EXISTS per candidate year, month or day over a date range (an index
seek on ``published``), so the cost depends on the number of links, not of articles.

Any stored date works: the first and last buckets Python can represent (year 1, year
9999) are open-ended, so rows read as the safe bounds of ``newsroom.apps`` (PostgreSQL's
BC or year-10000 values) are found through them, and a range of thousands of years is
asked in batches of ``BUCKETS_PER_QUERY``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django import template
from django.conf import settings
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.db.models import Exists, QuerySet, Subquery
from django.utils import timezone

from newsroom.apps import SAFE_MAX_DATETIME, SAFE_MIN_DATETIME

register = template.Library()


# Buckets asked about in one query: SQLite allows 2,000 result columns, PostgreSQL 1,664.
BUCKETS_PER_QUERY = 500


def _floor(moment: datetime, kind: str) -> datetime:
    moment = moment.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    if kind in ("year", "month"):
        moment = moment.replace(day=1)
    if kind == "year":
        moment = moment.replace(month=1)
    return moment


def _step(start: datetime, kind: str) -> datetime | None:
    """The start of the next bucket, None after the last one Python can represent."""
    try:
        if kind == "year":
            return start.replace(year=start.year + 1)
        if kind == "month":
            return (start + timedelta(days=32)).replace(day=1)
        return start + timedelta(days=1)
    except (ValueError, OverflowError):
        return None


def _aware(moment: datetime | None) -> datetime | None:
    """``moment`` (local wall time) as the database compares it; None where that is out of
    Python's range (year 1 in a zone ahead of UTC)."""
    if moment is None or not settings.USE_TZ:
        return moment
    aware = timezone.make_aware(moment)
    try:
        aware.astimezone(UTC)
    except OverflowError:
        return None
    return aware


def _local(moment: datetime) -> datetime:
    """``moment`` in the current time zone, the nearest representable time when it is not."""
    if not settings.USE_TZ:
        return moment
    try:
        return timezone.localtime(moment)
    except OverflowError:
        return timezone.make_aware(datetime.max if moment.year > 1 else datetime.min)


def _safe(bound: datetime) -> datetime:
    return bound.replace(tzinfo=UTC) if settings.USE_TZ else bound


def _displayable(moment: datetime | None) -> datetime | None:
    """``moment``, or the nearest safe value when the current time zone cannot show it
    (Django's tag converts the first and last dates to local time)."""
    if moment is None or not settings.USE_TZ:
        return moment
    try:
        timezone.localtime(moment)
    except OverflowError:
        return _safe(SAFE_MAX_DATETIME if moment.year > 1 else SAFE_MIN_DATETIME)
    return moment


def bucket_range(start: datetime, kind: str) -> tuple[datetime | None, datetime | None]:
    """The ``[from, to)`` range of the year, month or day starting at ``start`` (naive
    local time), for filtering. The first and last buckets Python can represent are open
    at their outer end: rows PostgreSQL holds outside that range (BC, year 10000 and
    later) fall into them, and there is no year 10000 to stop at."""
    low = None if start == datetime.min else _aware(start)
    return low, _aware(_step(start, kind))


def drill_down_range(year: str, month: str | None, day: str | None):
    """The range a date-hierarchy link (``published__year`` etc.) selects; ValueError for
    dates that do not exist (Django's own ChangeList crashes on year 9999 and on huge
    years)."""
    try:
        start = datetime(int(year), int(month or 1), int(day or 1))
    except OverflowError as error:
        raise ValueError(str(error)) from error
    return bucket_range(start, "day" if day else "month" if month else "year")


def _range_filter(field: str, low: datetime | None, high: datetime | None) -> dict[str, Any]:
    lookups = {}
    if low is not None:
        lookups[f"{field}__gte"] = low
    if high is not None:
        lookups[f"{field}__lt"] = high
    return lookups


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
        return {key: _displayable(value) for key, value in self._range.items()}

    def datetimes(self, field_name: str, kind: str, *args: Any, **kwargs: Any) -> list[datetime]:
        """The ``kind`` buckets (year, month or day) holding at least one row, ascending."""
        self.aggregate(first=None, last=None)
        bounds = self._range
        if bounds["first"] is None:
            return []
        first, last = _local(bounds["first"]), _local(bounds["last"])
        # A date read as a safe bound may be stored further out (see newsroom.apps): take
        # the candidates up to Python's first or last day, whose buckets are open-ended.
        if bounds["first"] <= _safe(SAFE_MIN_DATETIME):
            first = datetime.min
        if bounds["last"] >= _safe(SAFE_MAX_DATETIME):
            last = datetime.max
        starts: list[datetime] = []
        start: datetime | None = _floor(first, kind)
        end = _floor(last, kind)
        while start is not None and start <= end:
            starts.append(start)
            start = _step(start, kind)
        found: list[datetime] = []
        # Years 1 and 2024 in one archive are 2,024 candidates: ask in batches.
        for offset in range(0, len(starts), BUCKETS_PER_QUERY):
            batch = starts[offset : offset + BUCKETS_PER_QUERY]
            columns = {
                f"b{i}": Exists(
                    self.queryset.filter(**_range_filter(self.field, *bucket_range(start, kind)))
                )
                for i, start in enumerate(batch)
            }
            row = self._one_row(**columns) or {}
            found += [start for i, start in enumerate(batch) if row.get(f"b{i}")]
        if not settings.USE_TZ:
            return found
        return [timezone.make_aware(start) for start in found]


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
