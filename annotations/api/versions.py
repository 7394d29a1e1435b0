"""Versions in ``If-Match`` / ``ETag``: the version the client saw, sent back with a write.

Every object the API lets a client overwrite (a sentence's fact check, a claim, an
evidence link, an artifact flag) has a version; GET returns it in the body and as a strong
``ETag: "N"`` (``"0"`` for a sentence with no fact check yet). A write that overwrites
state must send it as ``If-Match: "N"`` (``N`` and ``W/"N"`` are read the same way).
Missing: 412 with code ``version_required``; stale in a way the page would refuse (someone
else changed the same field to another value, or the version is unknown): 412 with code
``stale_version``, the fields, and the current object with its ``ETag``. A stale version
whose changes do not clash is merged field by field, exactly as on the page.
"""

from __future__ import annotations

import re

from ninja.errors import HttpError

_VERSION = re.compile(r'^(?:W/)?"?(\d{1,12})"?$')


class VersionRequired(Exception):
    """A write that overwrites state came without a usable ``If-Match``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version(if_match: str | None) -> int:
    """The version in ``If-Match``; ``VersionRequired`` when it is missing, ``*`` or a list,
    ``HttpError(400)`` when it is not a version at all."""
    value = (if_match or "").strip()
    if not value:
        raise VersionRequired(
            "This write needs the version you saw: send it as If-Match (the ETag of the GET)."
        )
    if value == "*" or "," in value:
        raise VersionRequired(
            "If-Match must carry one version (the ETag of the GET), not * or a list."
        )
    match = _VERSION.match(value)
    if match is None:
        raise HttpError(400, 'If-Match must be a version such as "3" (the ETag of the GET).')
    return int(match.group(1))
