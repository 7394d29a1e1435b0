"""Counts that stay cheap at archive scale: past ``COUNT_CAP`` rows a count stops and
says "more than" (a page shows "10,000+"), so a filtered list never counts a million
matching rows to print one number.

``capped_count(qs)`` is ``SELECT COUNT(*) FROM (… LIMIT cap + 1)``: at most cap + 1
index entries read. ``CappedPaginator`` pages with it (the list page and the admin
changelist); its ``capped`` says when the count is a lower bound, and the page labels it.
"""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet


def count_cap() -> int:
    return getattr(settings, "NEWSROOM_COUNT_CAP", 10_000)


def capped_count(qs: QuerySet, cap: int | None = None) -> int:
    """``min(qs.count(), cap + 1)``, reading at most ``cap + 1`` rows."""
    cap = count_cap() if cap is None else cap
    return qs.order_by()[: cap + 1].count()


class CappedPaginator(Paginator):
    """A paginator whose count stops at ``NEWSROOM_COUNT_CAP`` + 1 (``capped`` is then
    True and the pages past the cap are not offered)."""

    @cached_property
    def count(self) -> int:
        return capped_count(self.object_list)

    @property
    def capped(self) -> bool:
        return self.count > count_cap()


def capped_counts(querysets: list[QuerySet], cap: int | None = None) -> list[int]:
    """``capped_count`` of each queryset, all in one query (``SELECT (SELECT COUNT(*) FROM
    (… LIMIT cap + 1)), …``): the dashboard's counts by workflow state."""
    from django.db import connection

    cap = count_cap() if cap is None else cap
    parts, params = [], []
    for i, qs in enumerate(querysets):
        sql, part_params = qs.order_by().values("pk")[: cap + 1].query.sql_with_params()
        # Django's own compiled SQL, values as parameters: nothing from the request inlined.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped_{i})")  # noqa: S608
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return list(cursor.fetchone())
