"""Admin input the database cannot take: refused cleanly, for every app's model admins.

Lives in newsroom so that its own admins (sources, blocks, sentences) and the annotations
app's share it; annotations imports it, never the reverse.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError

__all__ = ["INTEGER_RANGE", "SEARCH_MAX_CHARS", "SafeInputAdmin", "storable"]

# Integers SQLite and PostgreSQL's bigint hold; a larger one makes SQLite raise OverflowError
# when the query runs, long after Django's admin has checked the lookups.
INTEGER_RANGE = range(-(2**63), 2**63)
# Longest search: SQLite refuses LIKE patterns over 50,000 bytes ("pattern too complex").
SEARCH_MAX_CHARS = 2_000


def storable(value: str) -> bool:
    """False for a query-string value no database column can be compared with: a NUL
    character, or an integer (alone or in an ``__in`` list) outside 64 bits."""
    if "\x00" in value:
        return False
    for part in value.split(","):
        digits = part.strip().lstrip("+-")
        if not digits.isdigit():
            continue
        if len(digits) > 19:
            return False
        try:
            if int(part) not in INTEGER_RANGE:
                return False
        except ValueError:  # "+-5": not a number, the lookup's own validation decides
            continue
    return True


class SafeInputAdmin(admin.ModelAdmin):
    """Crafted list and action input gets a 400 or a message, never a 500.

    Refused with 400 (Django's ``DisallowedModelAdminLookup``): lookups whose value holds a
    NUL or an integer beyond 64 bits, and ``__regex``/``__iregex`` lookups (an invalid
    pattern is a database error). A search longer than ``SEARCH_MAX_CHARS`` matches nothing,
    with a message. An action on a selection holding a non-numeric or out-of-range id does
    nothing, with a message (Django's ``pk__in`` filter raised ValueError or OverflowError).
    """

    def lookup_allowed(self, lookup, value, request=None):
        if lookup.endswith(("__regex", "__iregex")) or not storable(str(value)):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_search_results(self, request, queryset, search_term):
        if len(search_term) > SEARCH_MAX_CHARS or "\x00" in search_term:
            self.message_user(
                request,
                f"Searches are limited to {SEARCH_MAX_CHARS:,} characters, without NUL.",
                messages.WARNING,
            )
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

    def response_action(self, request, queryset, *args, **kwargs):
        field = self.model._meta.pk
        for value in request.POST.getlist(ACTION_CHECKBOX_NAME):
            try:
                valid = storable(value) and field.to_python(value) is not None
            except ValidationError:
                valid = False
            if not valid:
                self.message_user(
                    request,
                    "The selection holds an id that is not a valid number; nothing was done.",
                    messages.WARNING,
                )
                return None
        return super().response_action(request, queryset, *args, **kwargs)
