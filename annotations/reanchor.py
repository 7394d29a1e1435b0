"""Move an article's editorial work to its new revision, and settle what could not be.

``reanchor_article`` runs inside the importer's savepoint (``newsroom.signals.
article_revised``, receiver in ``annotations/receivers.py``) while the old sentences
still exist: it aligns the old text with the new one once (``newsroom.text.anchoring``)
and places every claim (its quote, prefix and suffix), fact check (its sentence's text
with the neighbouring text) and decided artifact flag (its text and context):

- a fact check goes to the new sentence that best overlaps its placed text when that
  sentence's text is at least ``THRESHOLD`` similar to the old sentence's; if the text
  differs at all (a corrected figure) a verdict goes back to *to check* ("needs
  re-check"), the old status kept in the history row and on the Reanchor row;
- a claim goes to the new sentence holding its placed span, its quote and context
  re-cut from the new text;
- a decided flag (confirmed, dismissed, an editor's) keeps its decision at its new
  span; untouched detector suggestions are recomputed on the new text
  (``flagging.redetect_flags``);
- whatever cannot be placed with confidence is an *orphan*: the row is taken off the
  article (its offsets point into a text that no longer exists) and kept whole in its
  Reanchor row's snapshot until an editor places it by hand (``place_orphan``: it comes
  back with its id, so its history goes on) or discards it (``discard_orphan``).

Every moved item gets one history row (user: who imported; reason: from which revision,
how it was found), every item one Reanchor row, and an approved article goes back to in
review ("text changed on re-import").
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Model
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from newsroom.models import Article, ArticleRevision, Sentence
from newsroom.signals import RETIRED_POSITION
from newsroom.text import anchoring
from newsroom.text.anchoring import THRESHOLD, Anchor
from newsroom.text.spans import Finding

from . import counters
from .flagging import redetect_flags
from .models import ArticleReview, ArtifactFlag, Claim, Evidence, FactCheck
from .revision_models import Reanchor

Method = Reanchor.Method
Kind = Reanchor.Kind
# Context kept around an anchor's quote (as services.CONTEXT_CHARS for claims).
CONTEXT_CHARS = 32
# Statuses that are a verdict on the sentence's text: reset when the text changed.
VERDICTS = frozenset(
    {
        FactCheck.Status.NO_CLAIM,
        FactCheck.Status.ACCURATE,
        FactCheck.Status.MISLEADING,
        FactCheck.Status.FALSE,
        FactCheck.Status.UNVERIFIABLE,
        FactCheck.Status.OPINION,
    }
)
REOPEN_REASON = "text changed on re-import"


@dataclass
class ReanchorReport:
    """What one re-anchoring did, counted by method (and re-checks)."""

    revision: int
    exact: int = 0
    fuzzy: int = 0
    lost: int = 0
    recheck: int = 0
    reopened: bool = False
    rows: list[Reanchor] = field(default_factory=list, repr=False)


def _anchor(text: str, start: int, end: int) -> Anchor:
    return Anchor(
        start,
        end,
        text[start:end],
        text[max(0, start - CONTEXT_CHARS) : start],
        text[end : end + CONTEXT_CHARS],
    )


class _Sentences:
    """The new revision's sentences, for finding the one a span falls in."""

    def __init__(self, rows: list[tuple[int, int, int]], text: str) -> None:
        self.rows = rows
        self.starts = [start for _, start, _ in rows]
        self.text = text

    def best_overlap(self, start: int, end: int) -> tuple[int, int, int] | None:
        index = max(0, bisect.bisect_right(self.starts, start) - 1)
        best, best_overlap = None, 0
        while index < len(self.rows) and self.rows[index][1] < max(end, start + 1):
            row = self.rows[index]
            overlap = min(end, row[2]) - max(start, row[1])
            if overlap > best_overlap:
                best, best_overlap = row, overlap
            index += 1
        return best

    def containing(self, start: int, end: int) -> tuple[int, int, int] | None:
        index = bisect.bisect_right(self.starts, start) - 1
        if index < 0:
            return None
        row = self.rows[index]
        return row if row[1] <= start and end <= row[2] else None


def _snapshot(obj: Model, **extra: list[Model]) -> dict[str, str]:
    data = {"object": serializers.serialize("json", [obj])}
    for name, objs in extra.items():
        data[name] = serializers.serialize("json", objs)
    return data


def _reason(revision: int, method: str, score: float) -> str:
    how = "exact" if method == Method.EXACT else f"fuzzy {score:.0f}"
    return f"revision {revision}: moved from revision {revision - 1} ({how})"


def reanchor_article(
    *,
    article: Article,
    previous: ArticleRevision,
    user: Any = None,
    findings: Iterable[Finding] | None = None,
) -> ReanchorReport:
    """Move ``article``'s claims, fact checks and decided flags from ``previous`` (the
    revision just superseded) to its current text; see the module docstring.

    Must run where the importer calls it: in its transaction, the article row locked,
    the new sentences saved and the old ones still there. ``findings`` are the detector's
    on the new text (the importer's); without them detection runs again. Returns the
    counts.
    """
    old, new = previous.raw_text, article.raw_text
    revision = article.revision
    alignment = anchoring.align(old, new)
    sentences = _Sentences(
        list(
            Sentence.objects.filter(article=article, position__lt=RETIRED_POSITION)
            .order_by("position")
            .values_list("id", "start", "end")
        ),
        new,
    )
    old_spans = {pk: (start, end) for start, end, _, pk in previous.sentences}
    report = ReanchorReport(revision=revision)
    rows: list[Reanchor] = []
    orphans: list[tuple[Model, Reanchor]] = []

    def record(kind: str, item: Model, anchor: Anchor, placement, **fields: Any) -> Reanchor:
        row = Reanchor(
            article=article,
            revision=revision,
            kind=kind,
            item_id=item.pk,
            method=placement.method,
            score=round(placement.score, 1),
            old_start=anchor.start,
            old_end=anchor.end,
            old_text=anchor.quote,
            created_by=user,
            state=Reanchor.State.OPEN if placement.method == Method.LOST else Reanchor.State.MOVED,
            **fields,
        )
        if placement.method != Method.LOST:
            row.new_start, row.new_end = placement.start, placement.end
            row.new_text = new[placement.start : placement.end]
        setattr(report, placement.method, getattr(report, placement.method) + 1)
        rows.append(row)
        return row

    def lose(kind: str, item: Model, anchor: Anchor, score: float, reason: str, **snap) -> None:
        lost = anchoring.Placement(Method.LOST, None, None, score)
        row = record(kind, item, anchor, lost, reason=reason, snapshot=_snapshot(item, **snap))
        orphans.append((item, row))

    # Fact checks: onto the new sentence that best overlaps the placed text.
    fact_checks = list(FactCheck.objects.select_for_update().filter(article=article))
    evidence: dict[int, list[Evidence]] = {}
    for item in Evidence.objects.filter(fact_check__article=article).order_by("pk"):
        evidence.setdefault(item.fact_check_id, []).append(item)
    taken: set[int] = set()
    moved_checks: list[FactCheck] = []
    for fact_check in sorted(fact_checks, key=lambda f: old_spans.get(f.sentence_id, (0, 0))):
        start, end = old_spans.get(fact_check.sentence_id, (0, 0))
        anchor = _anchor(old, start, end)
        snap = {"evidence": evidence.get(fact_check.pk, [])}
        placement = anchoring.place(alignment, anchor)
        target = (
            sentences.best_overlap(placement.start, placement.end)
            if placement.method != Method.LOST
            else None
        )
        if target is None:
            lose(Kind.FACT_CHECK, fact_check, anchor, placement.score, "sentence not found", **snap)
            continue
        pk, new_start, new_end = target
        score = anchoring.similarity(anchor.quote, new[new_start:new_end])
        if score < THRESHOLD:
            lose(Kind.FACT_CHECK, fact_check, anchor, score, "sentence rewritten", **snap)
            continue
        if pk in taken:
            lose(
                Kind.FACT_CHECK,
                fact_check,
                anchor,
                score,
                "its new sentence already holds another fact check",
                **snap,
            )
            continue
        taken.add(pk)
        method = Method.EXACT if score == 100.0 else Method.FUZZY
        placed = anchoring.Placement(method, new_start, new_end, score)
        row = record(Kind.FACT_CHECK, fact_check, anchor, placed)
        fact_check.sentence_id = pk
        fact_check.version += 1
        fact_check._history_user = user
        fact_check._change_reason = _reason(revision, method, score)
        if method == Method.FUZZY and fact_check.status in VERDICTS:
            row.needs_recheck = True
            row.previous_status = fact_check.status
            fact_check._change_reason = (
                f"needs re-check: sentence changed in revision {revision} "
                f"(was {fact_check.get_status_display().lower()})"
            )
            fact_check.status = FactCheck.Status.TO_CHECK
            fact_check.updated_by = user
            report.recheck += 1
        moved_checks.append(fact_check)

    # Claims: onto the new sentence holding the placed span.
    moved_claims: list[Claim] = []
    for claim in Claim.objects.select_for_update().filter(article=article).order_by("start"):
        anchor = Anchor(claim.start, claim.end, claim.quote, claim.prefix, claim.suffix)
        placement = anchoring.place(alignment, anchor)
        if placement.method == Method.LOST:
            lose(Kind.CLAIM, claim, anchor, placement.score, "quote not found")
            continue
        target = sentences.containing(placement.start, placement.end)
        if target is None:
            lose(Kind.CLAIM, claim, anchor, placement.score, "crosses a sentence boundary now")
            continue
        record(Kind.CLAIM, claim, anchor, placement)
        cut = _anchor(new, placement.start, placement.end)
        claim.sentence_id = target[0]
        claim.start, claim.end = placement.start, placement.end
        claim.quote, claim.prefix, claim.suffix = cut.quote, cut.prefix, cut.suffix
        claim.version += 1
        claim._history_user = user
        claim._change_reason = _reason(revision, placement.method, placement.score)
        moved_claims.append(claim)

    # Decided flags keep their decision at their new span.
    moved_flags: list[ArtifactFlag] = []
    for flag in ArtifactFlag.objects.select_for_update().filter(article=article).decided():
        anchor = _anchor(old, flag.start, flag.end)
        placement = anchoring.place(alignment, anchor)
        if placement.method == Method.LOST:
            lose(Kind.FLAG, flag, anchor, placement.score, "flagged text not found")
            continue
        record(Kind.FLAG, flag, anchor, placement)
        flag.start, flag.end = placement.start, placement.end
        flag._history_user = user
        flag._change_reason = _reason(revision, placement.method, placement.score)
        moved_flags.append(flag)

    for item, row in orphans:
        item._history_user = user
        item._change_reason = f"orphaned on re-import: {row.reason} in revision {revision}"
        item.delete()  # one by one: each gets its deletion history row (evidence too)
    _update_with_history(moved_checks, ["sentence", "status", "version", "updated_by"], user)
    _update_with_history(
        moved_claims, ["sentence", "start", "end", "quote", "prefix", "suffix", "version"], user
    )
    _update_with_history(moved_flags, ["start", "end"], user)
    # Untouched suggestions still hold old offsets: the detector's findings on the new text
    # replace them; decided flags (now at their new spans) are never suggested twice.
    if findings is None:
        redetect_flags(article=article, user=user)
    else:
        _resuggest(article, findings, user)
    # Plain rows, no creation history: a Reanchor row's history starts when an editor
    # settles it (place, discard).
    created = timezone.now()
    user_id = getattr(user, "pk", None)
    for row in rows:
        row.created_at, row.created_by_id = created, user_id
    _insert_plain(
        Reanchor,
        [
            {
                f.attname: getattr(row, f.attname)
                for f in Reanchor._meta.concrete_fields
                if not f.primary_key
            }
            for row in rows
        ],
    )
    report.rows = rows
    report.reopened = _reopen(article, user)
    # The stored roll-up of the new text (retired sentences, deleted next, not counted).
    counters.refresh([article.pk])
    return report


def _resuggest(article: Article, findings: Iterable[Finding], user: Any) -> None:
    """Replace the untouched suggestions (each deleted with its history row) by
    ``findings``, except where a decided flag has the same kind and span."""
    reason = f"revision {article.revision}: suggestions recomputed on the new text"
    for flag in ArtifactFlag.objects.filter(article=article).untouched():
        flag._history_user = user
        flag._change_reason = reason
        flag.delete()
    decided = set(ArtifactFlag.objects.filter(article=article).values_list("kind", "start", "end"))
    length = len(article.raw_text)
    seen: set[tuple[str, int, int]] = set()
    fresh = []
    for finding in findings:
        key = (finding.kind, finding.start, finding.end)
        if key in decided or key in seen or not 0 <= finding.start < finding.end <= length:
            continue
        seen.add(key)
        fresh.append(
            ArtifactFlag(
                article=article,
                kind=finding.kind,
                start=finding.start,
                end=finding.end,
                reason=finding.reason[:_REASON_MAX],
                confidence=finding.confidence,
            )
        )
    if fresh:
        bulk_create_with_history(fresh, ArtifactFlag, default_user=user, batch_size=500)


_REASON_MAX = ArtifactFlag._meta.get_field("reason").max_length


def _update_with_history(objs: list[Model], fields: list[str], user: Any) -> None:
    """Save ``fields`` of ``objs`` with one prepared UPDATE run for every row, then write
    their history rows ("~", each with its ``_change_reason``, the user, now).

    The same rows ``bulk_update_with_history`` writes (a test compares them), without
    Django's ``CASE WHEN`` per value and row and its per-value preparation: 500 items
    took seconds that way on the loaded 2-core machine.
    """
    if not objs:
        return
    model = type(objs[0])
    meta = model._meta
    qn = connection.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    assignments = ", ".join(f"{qn(field.column)} = %s" for field in columns)
    # Table and column names from the model, quoted; every value is a parameter.
    sql = f"UPDATE {qn(meta.db_table)} SET {assignments} WHERE {qn(meta.pk.column)} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [[_db_value(f, getattr(obj, f.attname)) for f in columns] + [obj.pk] for obj in objs],
        )
    now = timezone.now()
    user_id = getattr(user, "pk", None)
    history = model.history.model
    tracked = [field.attname for field in history.tracked_fields]
    _insert_plain(
        history,
        [
            {
                **{name: getattr(obj, name) for name in tracked},
                "history_date": now,
                "history_change_reason": getattr(obj, "_change_reason", None),
                "history_type": "~",
                "history_user_id": user_id,
            }
            for obj in objs
        ],
    )


# Field types whose values the database adapter cannot take as Python gives them.
_PREPARED = (models.DateTimeField, models.DateField, models.TimeField, models.JSONField)


def _db_value(field: models.Field, value: Any) -> Any:
    return field.get_db_prep_save(value, connection) if isinstance(field, _PREPARED) else value


def _insert_plain(model: type[Model], rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (attname -> value, every concrete field but an auto primary key)
    with one prepared INSERT run per row: for this module's own plain rows only."""
    if not rows:
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not (f.primary_key and f.attname not in rows[0])]
    qn = connection.ops.quote_name
    columns = ", ".join(qn(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[_db_value(f, row[f.attname]) for f in fields] for row in rows])


def _reopen(article: Article, user: Any) -> bool:
    """An approved article goes back to in review; True when it did."""
    review = ArticleReview.objects.select_for_update().filter(article=article).first()
    if review is None or review.state != ArticleReview.State.APPROVED:
        return False
    review.state = ArticleReview.State.IN_REVIEW
    review.changed_by = user
    review.override_reason = ""
    review._history_user = user
    review._change_reason = REOPEN_REASON
    review.save()
    return True


def _locked_orphan(reanchor: Reanchor) -> Reanchor:
    locked = Reanchor.objects.select_for_update().select_related("article").get(pk=reanchor.pk)
    if not locked.is_orphan:
        raise ValidationError("This item is no longer an orphan.", code="not_orphan")
    return locked


def _restore(data: str) -> Model:
    [restored] = serializers.deserialize("json", data)
    return restored.object


@transaction.atomic
def place_orphan(
    *, reanchor: Reanchor, user: Any, sentence: Sentence | None = None, text: str = ""
) -> Reanchor:
    """Put an orphan back on the article's current text, where an editor says.

    A fact check goes on ``sentence`` (which must not hold one); a claim on ``sentence``,
    quoting ``text`` when given (it must occur in the sentence) or the whole sentence; a
    flag on the first occurrence of ``text`` (or on ``sentence``). The item comes back
    with its id (its history goes on) and a history row; the Reanchor row records who
    placed it. ``ValidationError`` codes: ``not_orphan``, ``no_target``, ``taken``,
    ``not_found``.
    """
    reanchor = _locked_orphan(reanchor)
    article = Article.objects.select_for_update().get(pk=reanchor.article_id)
    raw = article.raw_text
    if sentence is not None and sentence.article_id != article.pk:
        raise ValidationError("Choose a sentence of this article.", code="no_target")
    if sentence is not None:
        start, end = sentence.start, sentence.end
        if text:
            found = raw.find(text, start, end)
            if found < 0:
                raise ValidationError("That text is not in the sentence.", code="not_found")
            start, end = found, found + len(text)
    elif text and reanchor.kind == Kind.FLAG:
        start = raw.find(text)
        if start < 0:
            raise ValidationError("That text is not in the article.", code="not_found")
        end = start + len(text)
    else:
        raise ValidationError("Choose where to place it.", code="no_target")
    item = _restore(reanchor.snapshot["object"])
    reason = f"placed by hand after re-import (revision {reanchor.revision})"
    if reanchor.kind == Kind.FACT_CHECK:
        if sentence is None:
            raise ValidationError("Choose a sentence for the fact check.", code="no_target")
        if FactCheck.objects.filter(sentence=sentence).exists():
            raise ValidationError("That sentence already has a fact check.", code="taken")
        item.sentence_id = sentence.pk
        item.version += 1
    elif reanchor.kind == Kind.CLAIM:
        if sentence is None:
            raise ValidationError("Choose a sentence for the claim.", code="no_target")
        cut = _anchor(raw, start, end)
        item.sentence_id = sentence.pk
        item.start, item.end = start, end
        item.quote, item.prefix, item.suffix = cut.quote, cut.prefix, cut.suffix
        item.version += 1
    else:
        item.start, item.end = start, end
    item.article_id = article.pk
    item._history_user = user
    item._change_reason = reason
    item.save(force_insert=True)
    if reanchor.kind == Kind.FACT_CHECK:
        for piece in serializers.deserialize("json", reanchor.snapshot.get("evidence", "[]")):
            piece.object._history_user = user
            piece.object._change_reason = reason
            piece.object.save(force_insert=True)
    return _resolve(reanchor, user, Reanchor.State.PLACED, start=start, end=end, text=raw)


@transaction.atomic
def discard_orphan(*, reanchor: Reanchor, user: Any) -> Reanchor:
    """An editor gives up on an orphan: it stays in the Reanchor row's snapshot only."""
    reanchor = _locked_orphan(reanchor)
    return _resolve(reanchor, user, Reanchor.State.DISCARDED)


def _resolve(
    reanchor: Reanchor,
    user: Any,
    state: str,
    *,
    start: int | None = None,
    end: int | None = None,
    text: str = "",
) -> Reanchor:
    reanchor.state = state
    reanchor.resolved_by = user
    reanchor.resolved_at = timezone.now()
    if start is not None:
        reanchor.new_start, reanchor.new_end = start, end
        reanchor.new_text = text[start:end]
    reanchor._history_user = user
    reanchor.save()
    return reanchor


@dataclass
class RevisionText:
    """One revision's number, text and sentence texts (the current one or a kept one)."""

    number: int
    raw_text: str
    sentences: list[str]
    imported_at: Any
    imported_by: Any


@dataclass
class RevisionChanges:
    """What changed from revision ``old.number`` to ``new.number`` of an article: the
    sentence diff (``rows``, unchanged runs collapsed into ``("same", count)``), its counts,
    and the Reanchor rows of the revisions in between (how each item went over)."""

    old: RevisionText
    new: RevisionText
    rows: list[Any]
    counts: dict[str, int]
    moves: list[Reanchor]


def revision_text(article: Article, number: int) -> RevisionText | None:
    """Revision ``number`` of ``article`` (None when there is no such revision)."""
    if number == article.revision:
        spans = article.sentences.order_by("position").values_list("start", "end")
        text = article.raw_text
        first = article.revision == 1
        return RevisionText(
            number,
            text,
            [text[start:end] for start, end in spans],
            article.imported_at if first else article.revised_at,
            article.imported_by if first else article.revised_by,
        )
    kept = article.revisions.select_related("imported_by").filter(number=number).first()
    if kept is None:
        return None
    return RevisionText(
        number, kept.raw_text, kept.sentence_texts(), kept.imported_at, kept.imported_by
    )


def revision_changes(article: Article, old_number: int, new_number: int) -> RevisionChanges | None:
    """Compare two revisions of ``article`` (None when either does not exist). A fixed
    number of queries whatever the article's length."""
    old, new = revision_text(article, old_number), revision_text(article, new_number)
    if old is None or new is None:
        return None
    rows: list[Any] = []
    counts = {"same": 0, "changed": 0, "inserted": 0, "deleted": 0}
    for change in anchoring.diff_sentences(old.sentences, new.sentences):
        counts[change.tag] += 1
        if change.tag != "same":
            rows.append(change)
        elif rows and isinstance(rows[-1], list):
            rows[-1][1] += 1
        else:
            rows.append(["same", 1])
    low, high = sorted((old_number, new_number))
    moves = list(
        article.reanchors.filter(revision__gt=low, revision__lte=high)
        .select_related("created_by", "resolved_by")
        .order_by("revision", "kind", "old_start")
    )
    return RevisionChanges(old, new, rows, counts, moves)
