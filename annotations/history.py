"""Reading a sentence's history: the rows simple-history keeps for its fact check, its
claims and the fact check's evidence, as one list, oldest first.

Two readers share it: undo (``last_undoable_change``, called by the undo service inside
its transaction) and the panel's timeline (``timeline``: who changed what, when, from what
to what). Writes live in ``annotations.services``; this module only reads.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Model, Q

from annotations.excerpt import excerpt
from annotations.models import Claim, Evidence, FactCheck
from newsroom.models import Sentence

# The fields of a FactCheck a user changes (and undo restores).
FACT_CHECK_FIELDS = ("status", "assignee_id", "verdict", "note")
CLAIM_FIELDS = ("claimant", "claim_type", "note")
EVIDENCE_FIELDS = ("url", "title", "stance", "note")
# The change reason of an undo: ``undo:<model>:<history id of the change undone>``.
UNDO_PREFIX = "undo:"


@functools.cache
def rows_of(model: type[Model]) -> Any:
    """``model.history`` at class level, made once: simple-history builds a new manager
    class (``from_queryset``, which walks the queryset's methods) on every ``.history``
    access, a few milliseconds per page."""
    return model.history  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Change:
    """One history row of a sentence."""

    model: str  # "factcheck" | "claim" | "evidence"
    record: Any  # the historical row


def sentence_changes(sentence: Sentence, fact_check: FactCheck | None) -> list[Change]:
    """Every history row of the sentence's fact check (``fact_check``, its current one),
    of the claims that are or were on it and of the fact check's evidence, oldest first,
    with their users. Rows from before a re-import moved the fact check or a claim here
    name an older sentence, and are included. Three queries (two without a fact check)."""
    here = Q(sentence_id=sentence.pk)
    changes = [
        Change("factcheck", r)
        for r in rows_of(FactCheck)
        .filter(here | Q(id=fact_check.pk) if fact_check else here)
        .select_related("history_user")
    ]
    changes += [
        Change("claim", r)
        for r in rows_of(Claim)
        .filter(
            Q(sentence_id=sentence.pk)
            | Q(id__in=Claim.objects.filter(sentence_id=sentence.pk).values("id"))
        )
        .select_related("history_user")
    ]
    if fact_check:
        changes += [
            Change("evidence", r)
            for r in rows_of(Evidence)
            .filter(fact_check_id=fact_check.pk)
            .select_related("history_user")
        ]
    changes.sort(key=lambda c: (c.record.history_date, c.record.history_id))
    return changes


def fact_check_values(record: Any | None) -> tuple:
    """The user-changed fields of a fact check (or its history row); None: the defaults."""
    if record is None:
        return (FactCheck.Status.UNCHECKED, None, "", "")
    return tuple(getattr(record, name) for name in FACT_CHECK_FIELDS)


def _meaningful(change: Change, previous: dict[tuple[str, int], Any]) -> bool:
    if change.model != "factcheck":
        return True
    before = previous.get(("factcheck", change.record.id))
    return fact_check_values(change.record) != fact_check_values(before)


def last_undoable_change(
    sentence: Sentence, fact_check: FactCheck | None, user: Any
) -> Change | None:
    """The user's latest change on the sentence that is not an undo and not undone yet."""
    changes = sentence_changes(sentence, fact_check)
    undone = {
        c.record.history_change_reason.removeprefix(UNDO_PREFIX)
        for c in changes
        if (c.record.history_change_reason or "").startswith(UNDO_PREFIX)
    }
    previous: dict[tuple[str, int], Any] = {}
    candidate = None
    for change in changes:
        key = (change.model, change.record.id)
        reason = change.record.history_change_reason or ""
        if (
            change.record.history_user_id == user.pk
            and not reason.startswith(UNDO_PREFIX)
            and f"{change.model}:{change.record.history_id}" not in undone
            and change.record.history_type != "-"
            and _meaningful(change, previous)
        ):
            candidate = change
        previous[key] = change.record
    return candidate


def previous_record(change: Change) -> Any | None:
    """The history row of the same object just before ``change`` (None: it created it)."""
    return (
        type(change.record)
        .objects.filter(id=change.record.id, history_date__lt=change.record.history_date)
        .order_by("-history_date", "-history_id")
        .first()
    )


def timeline(sentence: Sentence, fact_check: FactCheck | None) -> list[dict[str, Any]]:
    """History of the sentence's fact check, claims and evidence, newest first: who changed
    what, when, from what to what. Constant number of queries."""
    changes = sentence_changes(sentence, fact_check)
    user_ids = {
        c.record.assignee_id for c in changes if c.model == "factcheck" and c.record.assignee_id
    }
    names = (
        dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "username"))
        if user_ids
        else {}
    )
    previous: dict[tuple[str, int], Any] = {}
    entries = []
    for change in changes:
        kind, r = change.model, change.record
        before = previous.get((kind, r.id))
        previous[(kind, r.id)] = r
        if kind == "factcheck":
            what, rows = "Fact check", _fact_check_rows(before, r, names)
        elif kind == "claim":
            what, rows = f"Claim “{excerpt(r.quote, 60)}”", _claim_rows(before, r)
        else:
            what, rows = f"Evidence {r.title or r.url}", _evidence_rows(before, r)
        if not rows:
            continue
        entries.append(
            {
                "when": r.history_date,
                "who": r.history_user.get_username() if r.history_user else "system",
                "what": what,
                "changes": rows,
                "undo": (r.history_change_reason or "").startswith(UNDO_PREFIX),
            }
        )
    entries.reverse()
    return entries


def _fact_check_rows(before: Any, r: Any, names: dict[int, str]) -> list[tuple[str, str, str]]:
    statuses = dict(FactCheck.Status.choices)
    rows = []
    labels = ("Status", "Assignee", "Verdict", "Note")
    for field, a, b in zip(labels, fact_check_values(before), fact_check_values(r), strict=True):
        if a == b:
            continue
        if field == "Status":
            a, b = statuses.get(a, a), statuses.get(b, b)
        elif field == "Assignee":
            a, b = names.get(a, "nobody"), names.get(b, "nobody")
        rows.append((field, a or "—", b or "—"))
    return rows


def _claim_rows(before: Any, r: Any) -> list[tuple[str, str, str]]:
    if r.history_type == "+":
        return [("Claim", "—", f"by {r.claimant or 'unknown'} ({r.claim_type})")]
    if r.history_type == "-":
        return [("Claim", "present", "removed")]
    rows = []
    for field in CLAIM_FIELDS:
        a, b = getattr(before, field, ""), getattr(r, field)
        if a != b:
            rows.append((field.replace("_", " ").capitalize(), a or "—", b or "—"))
    return rows


def _evidence_rows(before: Any, r: Any) -> list[tuple[str, str, str]]:
    if r.history_type == "-":
        return [("Evidence", r.url, "removed")]
    if r.history_type == "~" and before is not None:
        rows = []
        for field in EVIDENCE_FIELDS:
            a, b = getattr(before, field), getattr(r, field)
            if a != b:
                rows.append(("Evidence " + field, a or "—", b or "—"))
        return rows
    return [("Evidence", "—", f"{r.stance}: {r.url}")]


def last_change_by(obj: Any) -> dict[str, Any]:
    """Who made the latest change of a fact check, claim or evidence, and when (the 409
    panel's "changed by … at …"); {} for None."""
    if obj is None:
        return {}
    if isinstance(obj, FactCheck):
        user = obj.updated_by
        return {"conflict_by": user.get_username() if user else "", "conflict_at": obj.updated_at}
    last = obj.history.select_related("history_user").first()
    user = last.history_user if last else None
    return {
        "conflict_by": user.get_username() if user else "",
        "conflict_at": last.history_date if last else None,
    }
