"""Fact-check writes: status, assignment, verdict, claims, evidence, undo.

Every function is one transaction that first locks the sentence row
(``select_for_update``; SQLite has no row locks, but its IMMEDIATE transactions make
concurrent writers wait for each other), so writes on one sentence are serialised, and
then the article's review row: an approved article is read-only (``ArticleApproved``)
until an editor reopens it. Changes that overwrite state (status, assignment, verdict,
claim and evidence edits and deletions, undo) carry the version the user saw. When the
current version differs, the change is merged field by field: it is refused with
``StaleVersion`` (naming the fields) only when someone else changed one of the fields
this user changed, to another value; otherwise only the user's changed fields are
written over the other person's. Every write goes through ``save()``/``delete()`` so that
simple-history records exactly one history row per change, with its user (and
``undo:…`` as the change reason of an undo). The page, the admin and any future API
call these same functions.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from annotations import counters
from annotations.history import (
    CLAIM_FIELDS,
    EVIDENCE_FIELDS,
    FACT_CHECK_FIELDS,
    UNDO_PREFIX,
    Change,
    fact_check_values,
    last_undoable_change,
    previous_record,
)
from annotations.models import ArticleReview, Claim, Evidence, FactCheck
from newsroom.models import Sentence
from newsroom.text.attribution import suggest_claimant
from newsroom.text.spans import trim

# Characters of context stored around a claim's quote to find it again after edits.
CONTEXT_CHARS = 32
# A second identical claim or evidence link by the same user within this time is the
# same submission sent twice (a double click, a resent form): the first one is returned.
DUPLICATE_WINDOW = timedelta(seconds=60)
_FACT_CHECK_DEFAULTS = {
    "status": FactCheck.Status.UNCHECKED.value,
    "assignee_id": None,
    "verdict": "",
    "note": "",
}


class StaleVersion(Exception):
    """The object changed since the user loaded it; ``current`` is its state now.

    ``fields`` names the fields both people changed (empty when the version the user saw
    is not known any more, or the object is gone)."""

    def __init__(
        self, current: Model | None, expected: int, actual: int, fields: tuple[str, ...] = ()
    ) -> None:
        detail = f" ({', '.join(fields)} changed meanwhile)" if fields else ""
        super().__init__(f"expected version {expected}, found {actual}{detail}")
        self.current = current
        self.expected = expected
        self.actual = actual
        self.fields = tuple(fields)


class ArticleApproved(PermissionDenied):
    """The sentence's article is approved: nothing on it changes until an editor reopens it."""

    def __init__(self) -> None:
        super().__init__(
            "This article is approved and read-only; an editor must reopen it before it can change."
        )


class NotYours(PermissionDenied):
    """Only the author of a claim or evidence link, or an editor, may edit or delete it."""

    def __init__(self, what: str) -> None:
        super().__init__(f"Only the person who added this {what}, or an editor, may change it.")


class NothingToUndo(Exception):
    """The user has no change on this sentence left to undo."""


class AssignedToSomeoneElse(PermissionDenied):
    """A fact-checker tried to take (or clear) a sentence another person is assigned to;
    only editors reassign. ``assignee`` is that person."""

    def __init__(self, assignee: Any) -> None:
        name = assignee.get_username() if assignee else "someone else"
        super().__init__(f"This sentence is assigned to {name}; only an editor can reassign it.")
        self.assignee = assignee


def fact_check_version(fact_check: FactCheck | None) -> int:
    """The version a user sees: 0 while the sentence has no FactCheck row."""
    return fact_check.version if fact_check else 0


def require_not_approved(article_id: int) -> None:
    """Raise ``ArticleApproved`` when the article is approved. The review row is locked, so
    an approval and a write on the same article queue instead of crossing."""
    state = (
        ArticleReview.objects.select_for_update()
        .filter(article_id=article_id)
        .values_list("state", flat=True)
        .first()
    )
    if state == ArticleReview.State.APPROVED:
        raise ArticleApproved()


def _lock(sentence: Sentence) -> tuple[Sentence, FactCheck | None]:
    locked = Sentence.objects.select_for_update().select_related("article").get(pk=sentence.pk)
    fact_check = FactCheck.objects.select_for_update().filter(sentence=locked).first()
    require_not_approved(locked.article_id)
    return locked, fact_check


def merge_changes(
    current: Model | None,
    *,
    expected: int,
    actual: int,
    changes: dict[str, Any],
    base: dict[str, Any] | None,
) -> dict[str, Any]:
    """The fields of ``changes`` to write on ``current`` (version ``actual``) for a user who
    saw version ``expected``, whose values then were ``base``.

    Same version: all of ``changes``. Otherwise only the fields the user changed from
    ``base``; ``StaleVersion`` naming the fields someone else also changed, to another
    value, and when ``base`` is unknown (``None``).
    """
    if actual == expected:
        return dict(changes)
    if base is None:
        raise StaleVersion(current, expected, actual)
    mine = {name: value for name, value in changes.items() if value != base[name]}
    now = {name: getattr(current, name) if current else base[name] for name in changes}
    clash = tuple(
        name for name, value in mine.items() if now[name] != base[name] and now[name] != value
    )
    if clash:
        raise StaleVersion(current, expected, actual, clash)
    return mine


def _version_values(model: type[Model], pk: int, version: int, fields: tuple[str, ...]):
    """The values ``fields`` had at ``version`` of row ``pk``, from its history (None if
    that version left no history row)."""
    record = (
        model.history.filter(id=pk, version=version)  # type: ignore[attr-defined]
        .order_by("-history_date", "-history_id")
        .first()
    )
    return {name: getattr(record, name) for name in fields} if record else None


def _checked(
    sentence: Sentence, expected_version: int, changes: dict[str, Any]
) -> tuple[Sentence, FactCheck, dict[str, Any]]:
    """The locked sentence and fact check, and the fields of ``changes`` to write on it
    (merged with changes made since ``expected_version``)."""
    locked, fact_check = _lock(sentence)
    actual = fact_check_version(fact_check)
    if actual != expected_version:
        if expected_version == 0:
            base = dict(_FACT_CHECK_DEFAULTS)
        elif fact_check is None:
            base = None
        else:
            base = _version_values(FactCheck, fact_check.pk, expected_version, FACT_CHECK_FIELDS)
        changes = merge_changes(
            fact_check, expected=expected_version, actual=actual, changes=changes, base=base
        )
    if fact_check is None:
        fact_check = FactCheck(sentence=locked, article_id=locked.article_id, version=0)
    return locked, fact_check, changes


def _save(obj: Any, user: Any, reason: str | None = None) -> None:
    obj._history_user = user
    obj._change_reason = reason
    obj.save()


def _write_fact_check(fact_check: FactCheck, user: Any, reason: str | None = None) -> FactCheck:
    fact_check.version += 1
    fact_check.updated_by = user
    _save(fact_check, user, reason)
    counters.refresh([fact_check.article_id])  # the article's stored roll-up, same transaction
    return fact_check


@transaction.atomic
def set_status(*, sentence: Sentence, status: str, user: Any, expected_version: int) -> FactCheck:
    """Set the fact-check status of ``sentence`` (a ``FactCheck.Status`` value).

    Raises ``StaleVersion`` when the sentence's version is not ``expected_version`` and
    ``ValidationError`` for an unknown status.
    """
    if status not in FactCheck.Status.values:
        raise ValidationError(
            "Unknown status %(status)s", code="invalid", params={"status": status}
        )
    _, fact_check, changes = _checked(sentence, expected_version, {"status": status})
    return _apply(fact_check, changes, user)


def _apply(fact_check: FactCheck, changes: dict[str, Any], user: Any) -> FactCheck:
    if "assignee_id" in changes:
        check_assignment(user=user, fact_check=fact_check, target_id=changes["assignee_id"])
    for name, value in changes.items():
        setattr(fact_check, name, value)
    return _write_fact_check(fact_check, user)


@transaction.atomic
def assign_sentence(
    *, sentence: Sentence, assignee: Any | None, user: Any, expected_version: int
) -> FactCheck:
    """Assign ``sentence`` to ``assignee`` (``None`` unassigns).

    Anyone who may change fact checks may take an unassigned sentence or unassign
    themselves; only ``can_assign_others`` users (editors) assign to someone else
    (``PermissionDenied``) or take a sentence from the person it is assigned to
    (``AssignedToSomeoneElse``). The rule is checked on the locked row.
    """
    target = assignee.pk if assignee else None
    _, fact_check, changes = _checked(sentence, expected_version, {"assignee_id": target})
    return _apply(fact_check, changes, user)


def check_assignment(*, user: Any, fact_check: FactCheck, target_id: int | None) -> None:
    """Refuse an assignment change ``user`` may not make: ``PermissionDenied`` for giving the
    sentence to someone else, ``AssignedToSomeoneElse`` for taking or clearing a sentence
    another person holds. Editors (``can_assign_others``) may do both; keeping the current
    assignee is always allowed. Every write that changes ``assignee`` calls this."""
    current = fact_check.assignee_id
    if target_id == current or can_assign_others(user):
        return
    if target_id not in (None, user.pk):
        raise PermissionDenied("Only editors assign sentences to other people.")
    if current not in (None, user.pk):
        raise AssignedToSomeoneElse(fact_check.assignee)


@transaction.atomic
def save_verdict(
    *, sentence: Sentence, verdict: str, note: str, user: Any, expected_version: int
) -> FactCheck:
    """Set the verdict summary and the note of ``sentence``'s fact check."""
    _, fact_check, changes = _checked(
        sentence, expected_version, {"verdict": verdict, "note": note}
    )
    return _apply(fact_check, changes, user)


@transaction.atomic
def update_fact_check(
    *, sentence: Sentence, user: Any, expected_version: int, **values: Any
) -> FactCheck:
    """Change any of ``status``, ``assignee`` (a user or ``None``), ``verdict`` and ``note``
    of ``sentence``'s fact check at once (the admin's change form).

    Same lock, merge, assignment rule and history row as the single-field writes;
    ``ValidationError`` for an unknown field or status.
    """
    changes: dict[str, Any] = {}
    for name, value in values.items():
        if name == "assignee":
            changes["assignee_id"] = value.pk if value else None
        elif name in ("status", "verdict", "note"):
            changes[name] = value
        else:
            raise ValidationError(f"{name} is not a fact-check field.", code="invalid")
    if "status" in changes and changes["status"] not in FactCheck.Status.values:
        raise ValidationError("Unknown status.", code="invalid")
    _, fact_check, changes = _checked(sentence, expected_version, changes)
    return _apply(fact_check, changes, user)


class _RolledBack(Exception):
    pass


def dry_run(write: Any, **arguments: Any) -> StaleVersion | None:
    """Run the service function ``write`` and roll it back: the ``StaleVersion`` it would
    raise, or ``None`` when it would succeed (other errors propagate).

    For forms that must report a conflict before they save (the admin's change forms):
    inside the caller's transaction the rows it locked stay locked, so the real write
    that follows meets the same state."""
    try:
        with transaction.atomic():
            write(**arguments)
            raise _RolledBack
    except _RolledBack:
        return None
    except StaleVersion as error:
        return error


def claim_anchor(text: str, start: int, end: int) -> dict[str, str]:
    """The quote of ``text[start:end]`` with up to ``CONTEXT_CHARS`` of context each side."""
    return {
        "quote": text[start:end],
        "prefix": text[max(0, start - CONTEXT_CHARS) : start],
        "suffix": text[end : end + CONTEXT_CHARS],
    }


@transaction.atomic
def add_claim(
    *,
    sentence: Sentence,
    user: Any,
    start: int | None = None,
    end: int | None = None,
    claimant: str | None = None,
    claim_type: str = Claim.Type.OTHER,
    note: str = "",
) -> Claim:
    """Mark a claim on ``sentence``: ``[start, end)`` code-point offsets into the article's
    raw text, inside the sentence (both ``None``: the whole sentence).

    ``claimant`` ``None`` takes the attribution suggestion. Stores the quote with
    ``CONTEXT_CHARS`` of prefix/suffix. Raises ``ValidationError`` for a span outside the
    sentence or one made of whitespace only. The same claim by the same user within
    ``DUPLICATE_WINDOW`` (a double submit) returns the first one and writes nothing.
    """
    locked, _ = _lock(sentence)
    text = locked.article.raw_text
    if start is None and end is None:
        start, end = locked.start, locked.end
    if start is None or end is None or not locked.start <= start < end <= locked.end:
        raise ValidationError("The claim must lie inside the sentence.", code="outside")
    start, end = trim(text, start, end)
    if start == end:
        raise ValidationError("The claim is empty.", code="empty")
    if claimant is None:
        claimant = suggest_claimant(text[locked.start : locked.end]) or ""
    twice = Claim.objects.filter(
        sentence=locked,
        start=start,
        end=end,
        claimant=claimant,
        claim_type=claim_type,
        note=note,
        created_by=user,
        created_at__gte=timezone.now() - DUPLICATE_WINDOW,
    ).first()
    if twice is not None:
        return twice  # the same form sent twice: one claim
    claim = Claim(
        sentence=locked,
        article_id=locked.article_id,
        start=start,
        end=end,
        claimant=claimant,
        claim_type=claim_type,
        note=note,
        created_by=user,
        **claim_anchor(text, start, end),
    )
    claim.full_clean()
    _save(claim, user)
    return claim


@transaction.atomic
def edit_claim(
    *, claim: Claim, claimant: str, claim_type: str, note: str, user: Any, expected_version: int
) -> Claim:
    """Change a claim's claimant, type and note (its author or an editor: ``NotYours``);
    merged like a fact check: ``StaleVersion`` if someone changed the same field meanwhile."""
    current = _locked_claim(claim, user, expected_version)
    changes = _merged(
        Claim,
        current,
        expected_version,
        {"claimant": claimant, "claim_type": claim_type, "note": note},
    )
    for name, value in changes.items():
        setattr(current, name, value)
    current.full_clean()
    current.version += 1
    _save(current, user)
    return current


def _locked_claim(claim: Claim, user: Any, expected_version: int) -> Claim:
    _lock(claim.sentence)
    current = Claim.objects.select_for_update().filter(pk=claim.pk).first()
    if current is None:
        raise StaleVersion(None, expected_version, 0)
    if current.created_by_id != user.pk and not can_assign_others(user):
        raise NotYours("claim")
    return current


def _merged(model, current, expected_version: int, changes: dict[str, Any]) -> dict[str, Any]:
    base = None
    if current.version != expected_version:
        base = _version_values(model, current.pk, expected_version, tuple(changes))
    return merge_changes(
        current, expected=expected_version, actual=current.version, changes=changes, base=base
    )


@transaction.atomic
def delete_claim(*, claim: Claim, user: Any, expected_version: int) -> None:
    """Delete a claim (its author or an editor); the deletion is a history row.
    ``StaleVersion`` if the claim changed (or went) since the user saw it."""
    current = _locked_claim(claim, user, expected_version)
    if current.version != expected_version:
        raise StaleVersion(current, expected_version, current.version)
    current._history_user = user  # type: ignore[attr-defined]  # simple_history
    current.delete()


@transaction.atomic
def add_evidence(
    *, sentence: Sentence, url: str, user: Any, title: str = "", stance: str = "", note: str = ""
) -> Evidence:
    """Attach an evidence link to ``sentence``'s fact check (created, unchecked, if missing).

    ``url`` must be http or https (``ValidationError`` otherwise). The same URL from the
    same user within ``DUPLICATE_WINDOW`` (a double submit) returns the first row.
    """
    locked, fact_check = _lock(sentence)
    if fact_check is None:
        fact_check = FactCheck(sentence=locked, article_id=locked.article_id, version=0)
        _write_fact_check(fact_check, user)
    twice = Evidence.objects.filter(
        fact_check=fact_check,
        url=url,
        added_by=user,
        created_at__gte=timezone.now() - DUPLICATE_WINDOW,
    ).first()
    if twice is not None:
        return twice  # the same link sent twice: one evidence row
    evidence = Evidence(
        fact_check=fact_check,
        url=url,
        title=title,
        stance=stance or Evidence.Stance.CONTEXT,
        note=note,
        added_by=user,
    )
    evidence.full_clean()
    _save(evidence, user)
    return evidence


def _locked_evidence(evidence: Evidence, user: Any, expected_version: int) -> Evidence:
    sentence = Sentence.objects.get(fact_check__evidence=evidence.pk)
    _lock(sentence)
    current = Evidence.objects.select_for_update().filter(pk=evidence.pk).first()
    if current is None:
        raise StaleVersion(None, expected_version, 0)
    if current.added_by_id != user.pk and not can_assign_others(user):
        raise NotYours("evidence link")
    return current


@transaction.atomic
def edit_evidence(
    *,
    evidence: Evidence,
    user: Any,
    expected_version: int,
    url: str,
    title: str = "",
    stance: str = "",
    note: str = "",
) -> Evidence:
    """Change an evidence link's URL, title, stance and note (its author or an editor:
    ``NotYours``); merged field by field like a fact check (``StaleVersion``)."""
    current = _locked_evidence(evidence, user, expected_version)
    values = {"url": url, "title": title, "stance": stance or current.stance, "note": note}
    for name, value in _merged(Evidence, current, expected_version, values).items():
        setattr(current, name, value)
    current.full_clean()
    current.version += 1
    _save(current, user)
    return current


@transaction.atomic
def delete_evidence(*, evidence: Evidence, user: Any, expected_version: int) -> None:
    """Delete an evidence link (its author or an editor); the deletion is a history row."""
    current = _locked_evidence(evidence, user, expected_version)
    if current.version != expected_version:
        raise StaleVersion(current, expected_version, current.version)
    current._history_user = user  # type: ignore[attr-defined]  # simple_history
    current.delete()


@transaction.atomic
def undo_last_change(*, sentence: Sentence, user: Any, expected_version: int) -> Change:
    """Revert the user's last change on ``sentence`` (status, assignment, verdict, claim or
    evidence); the revert is itself a change recorded in history (reason ``undo:…``).

    An added claim or evidence is deleted, an edit restores the previous values.
    Raises ``StaleVersion`` if the sentence's fact check changed since the user saw it,
    ``NothingToUndo`` when no change of the user is left and ``AssignedToSomeoneElse`` when
    reverting an assignment would take the sentence from the person who holds it now.
    """
    locked, fact_check = _lock(sentence)
    actual = fact_check_version(fact_check)
    if actual != expected_version:
        raise StaleVersion(fact_check, expected_version, actual)
    change = last_undoable_change(sentence, fact_check, user)
    if change is None:
        raise NothingToUndo()
    if fact_check is None:
        fact_check = FactCheck(sentence=locked, article_id=locked.article_id, version=0)
    reason = f"{UNDO_PREFIX}{change.model}:{change.record.history_id}"
    previous = previous_record(change)
    if change.model == "factcheck":
        # Restore only the fields this change touched, keeping later changes of others.
        pairs = zip(
            FACT_CHECK_FIELDS,
            fact_check_values(change.record),
            fact_check_values(previous),
            strict=True,
        )
        for name, after, before in pairs:
            if after != before:
                if name == "assignee_id":
                    # An undo must not take the sentence from whoever holds it now.
                    check_assignment(user=user, fact_check=fact_check, target_id=before)
                setattr(fact_check, name, before)
        _write_fact_check(fact_check, user, reason)
    else:
        model, fields = (
            (Claim, CLAIM_FIELDS) if change.model == "claim" else (Evidence, EVIDENCE_FIELDS)
        )
        _undo_row(model, fields, change.record.id, previous, user, reason)
    return change


def _undo_row(model: Any, fields: Any, pk: int, previous: Any, user: Any, reason: str) -> None:
    """Undo the last change of a claim or evidence row: delete what the change created, or
    put back the fields it had before (a new version, with a history row)."""
    row = model.objects.select_for_update().filter(pk=pk).first()
    if row is None:
        raise NothingToUndo()
    if previous is None:
        row._history_user, row._change_reason = user, reason
        row.delete()
    else:
        for name in fields:
            setattr(row, name, getattr(previous, name))
        row.version += 1
        _save(row, user, reason)


def can_change(user: Any) -> bool:
    """Whether the user may change statuses, claims, evidence and notes (fact-checkers up)."""
    return user.has_perm("annotations.change_factcheck")


def can_assign_others(user: Any) -> bool:
    """Whether the user may assign sentences to other people: editors and administrators,
    recognised by the editor-only permission to approve articles."""
    return user.has_perm("annotations.approve_article")
