from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.db.backends.signals import connection_created

from newsroom.checks import check_allowed_hosts
from newsroom.text.artifacts import model as artifact_model

# Every date and time read from the database lies in this range (UTC): one day inside
# Python's, so that showing it in any time zone (offsets up to ±14 h) still gives a
# datetime. PostgreSQL holds years up to 294276, BC and ±infinity; SQLite any string.
SAFE_MIN_DATETIME = datetime(1, 1, 2)
SAFE_MAX_DATETIME = datetime(9999, 12, 30, 23, 59, 59, 999999)
_SAFE_VALUES: dict[str, tuple[Any, Any]] = {
    "timestamptz": (SAFE_MIN_DATETIME.replace(tzinfo=UTC), SAFE_MAX_DATETIME.replace(tzinfo=UTC)),
    "timestamp": (SAFE_MIN_DATETIME, SAFE_MAX_DATETIME),
    "date": (date.min + timedelta(days=1), date.max - timedelta(days=1)),
}


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Articles"

    def ready(self) -> None:
        # The learned artifact layer reads the model the settings name (loaded on first use).
        path = settings.NEWSROOM_DETECTOR_MODEL
        artifact_model.configure(None if str(path).lower() == "off" else path)
        connection_created.connect(load_out_of_range_dates, dispatch_uid="newsroom-safe-dates")
        if any(db["ENGINE"].endswith("sqlite3") for db in settings.DATABASES.values()):
            _clamp_sqlite_datetimes()
        checks.register(check_allowed_hosts, checks.Tags.security, deploy=True)


def load_out_of_range_dates(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Make a PostgreSQL connection read every date and timestamp inside the safe range.

    psycopg refuses to load a year after 9999 or a BC date (``DataError: timestamp too
    large (after year 10K)``), so one such row — say a ``published`` of
    ``9999-12-31T23:59:59-12:00``, year 10000 in UTC — made every query that reads it
    fail, the admin delete page included; and a value in the last hours of year 9999 fails
    later, when a page shows it in a time zone ahead of UTC. Each date loader of the
    connection is wrapped: values inside ``SAFE_MIN_DATETIME`` to ``SAFE_MAX_DATETIME`` are
    returned unchanged, others as the nearer bound (UTC for ``timestamptz``). Writes and
    filters are not affected: the database keeps and compares the stored value.
    """
    if connection.vendor != "postgresql":
        return
    from psycopg import DataError, pq

    adapters = connection.connection.adapters
    for name, (low, high) in _SAFE_VALUES.items():
        oid = adapters.types[name].oid
        for format in (pq.Format.TEXT, pq.Format.BINARY):
            current = adapters.get_loader(oid, format)
            if current is None or getattr(current, "clamps_out_of_range", False):
                continue
            adapters.register_loader(oid, _clamping(current, low, high, format, DataError))


def _clamping(base: type, low: Any, high: Any, format: Any, error: type[Exception]) -> type:
    """A loader delegating to ``base``, its result (or what it refuses) kept in
    ``[low, high]``."""
    from psycopg import adapt, pq

    binary = format == pq.Format.BINARY

    class ClampingLoader(adapt.Loader):
        clamps_out_of_range = True
        # Django compares the timestamptz loader's time zone with the connection's to
        # decide whether each cursor needs a loader of its own: keep it.
        timezone = getattr(base, "timezone", None)

        def __init__(self, oid: int, context: Any = None) -> None:
            super().__init__(oid, context)
            self._base = base(oid, context)

        def load(self, data: Any) -> Any:
            try:
                value = self._base.load(data)
            except error:
                raw = bytes(data)
                if binary:
                    too_small = int.from_bytes(raw, "big", signed=True) < 0
                else:
                    too_small = raw.startswith(b"-") or raw.endswith(b" BC")
                return low if too_small else high
            return low if value < low else high if value > high else value

    ClampingLoader.format = format
    return ClampingLoader


def _clamp_sqlite_datetimes() -> None:
    """SQLite's counterpart: its ``datetime`` columns go through a converter registered
    with the sqlite3 module (Django's, plus the clamp). Process-wide, like Django's own."""
    import sqlite3

    import django.db.backends.sqlite3.base  # noqa: F401 - registers Django's converters first
    from django.utils.dateparse import parse_datetime

    def convert(raw: bytes) -> datetime | None:
        value = parse_datetime(raw.decode())
        if value is None:
            return None
        low, high = SAFE_MIN_DATETIME, SAFE_MAX_DATETIME
        if value.tzinfo is not None:
            low, high = low.replace(tzinfo=UTC), high.replace(tzinfo=UTC)
        return low if value < low else high if value > high else value

    sqlite3.register_converter("datetime", convert)
    sqlite3.register_converter("timestamp", convert)
