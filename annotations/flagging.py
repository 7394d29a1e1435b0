"""Artifact flags: storing the detector's suggestions and recording editors' decisions.

Every write goes through these functions (the import receiver, the flag views, the
``detect_artifacts`` command and the admin action), each in one transaction, and each
written row gets exactly one django-simple-history record carrying the acting user.
A flag is *untouched* while it is a detector suggestion nobody decided on; re-detection
replaces only untouched flags, so an editor's decision is never lost or duplicated.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from newsroom.importing.rows import insert_rows
from newsroom.models import Article, Sentence
from newsroom.text import artifacts, pipeline
from newsroom.text.clean import clean_text
from newsroom.text.spans import Finding, trim

from . import counters
from .models import ArtifactFlag
from .services import StaleVersion, require_not_approved

State = ArtifactFlag.State
Origin = ArtifactFlag.Origin
DECISIONS = (State.CONFIRMED, State.DISMISSED)
_REASON_MAX = ArtifactFlag._meta.get_field("reason").max_length
# A suggested flag's columns as ``store_suggestions_many`` writes them, and its history's.
_FLAG_FIELDS = (
    "article",
    "kind",
    "start",
    "end",
    "state",
    "previous_state",
    "origin",
    "reason",
    "confidence",
    "version",
    "created_at",
    "created_by",
    "decided_by",
    "decided_at",
)
_HISTORY = ArtifactFlag.history.model
_HISTORY_FIELDS = (
    "id",
    *_FLAG_FIELDS,
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
)
# Kinds whose span is whitespace by definition: an editor's selection is not trimmed.
_WHITESPACE_KINDS = artifacts.WHITESPACE_KINDS

type FlagKey = tuple[str, int, int]


def _key(item: ArtifactFlag | Finding) -> FlagKey:
    return (item.kind, item.start, item.end)


def _flag_from_finding(article: Article, finding: Finding) -> ArtifactFlag:
    return ArtifactFlag(
        article=article,
        kind=finding.kind,
        start=finding.start,
        end=finding.end,
        state=State.SUGGESTED,
        origin=Origin.DETECTOR,
        reason=finding.reason[:_REASON_MAX],
        confidence=finding.confidence,
    )


def _check_findings(article: Article, findings: Iterable[Finding]) -> list[Finding]:
    """Findings of known kinds inside the article's text, without duplicates."""
    length = len(article.raw_text)
    unique: dict[FlagKey, Finding] = {}
    for finding in findings:
        if finding.kind not in artifacts.KINDS:
            raise ValueError(f"unknown artifact kind {finding.kind!r}")
        if not 0 <= finding.start < finding.end <= length:
            raise ValueError(f"finding [{finding.start}, {finding.end}) outside the article")
        unique.setdefault(_key(finding), finding)
    return list(unique.values())


@transaction.atomic
def store_suggestions(*, article: Article, findings: Iterable[Finding]) -> list[ArtifactFlag]:
    """Store the detector's findings for a newly imported article as suggested flags.

    ``store_suggestions_many`` for one article: plain-row inserts of the flags and their
    history rows, and the article's counters. A finding of an unknown kind or
    outside the raw text raises ``ValueError`` (and so rolls the import back); findings
    repeating the same (kind, start, end) are stored once.
    """
    return store_suggestions_many([(article, findings)])


@transaction.atomic
def store_suggestions_many(
    items: Iterable[tuple[Article, Iterable[Finding]]], *, return_flags: bool = True
) -> list[ArtifactFlag]:
    """``store_suggestions`` for many newly imported articles at once (an import batch).

    The flags of all articles and their django-simple-history rows are written as plain
    rows (``newsroom.importing.rows.insert_rows``, 500 per INSERT): the values
    ``bulk_create_with_history`` would write (each history row carries its article's
    ``imported_by``, else the request's user as simple-history would take it; no change
    reason), without a model instance and Django's per-value preparation, which cost
    most of an import's write time. Any invalid finding raises ``ValueError`` before
    anything is written. Returns the stored flags, or nothing with ``return_flags=False``
    (the import receiver).
    """
    items = list(items)
    now = timezone.now()
    created = connection.ops.adapt_datetimefield_value(now)
    rows: list[tuple] = []
    owners: list[Article] = []
    for article, findings in items:
        for finding in _check_findings(article, findings):
            rows.append(
                (
                    article.pk,
                    finding.kind,
                    finding.start,
                    finding.end,
                    State.SUGGESTED.value,
                    "",
                    Origin.DETECTOR.value,
                    finding.reason[:_REASON_MAX],
                    float(finding.confidence),
                    1,
                    created,
                    None,
                    None,
                    None,
                )
            )
            owners.append(article)
    ids = insert_rows(ArtifactFlag, _FLAG_FIELDS, rows, returning=True)
    if getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        users: dict[int, int | None] = {}
        history = [
            (flag_id, *row, created, None, "+", _history_user(article, users))
            for flag_id, row, article in zip(ids, rows, owners, strict=True)
        ]
        insert_rows(_HISTORY, _HISTORY_FIELDS, history)
    stored: list[ArtifactFlag] = []
    if return_flags:
        for flag_id, row, article in zip(ids, rows, owners, strict=True):
            flag = ArtifactFlag(id=flag_id, **dict(zip(_FLAG_FIELDS[1:], row[1:], strict=True)))
            flag.article, flag.created_at = article, now
            flag._state.adding = False
            stored.append(flag)
    counters.refresh(article.pk for article, _ in items)  # every article of the batch
    return stored


def _history_user(article: Article, cache: dict[int, int | None]) -> int | None:
    """The history user of an article's new flags: who imported it, else (as
    simple-history's ``bulk_history_create`` does) the request's authenticated user."""
    if article.imported_by_id is not None:
        return article.imported_by_id
    if 0 not in cache:
        user = _HISTORY.get_default_history_user(ArtifactFlag(article=article))
        cache[0] = getattr(user, "pk", None)
    return cache[0]


def _locked(flag: ArtifactFlag, expected_version: int | None = None) -> ArtifactFlag:
    """The flag re-read under a row lock, so two editors' decisions queue, not interleave;
    ``StaleVersion`` when ``expected_version`` (the version the editor saw) is not the
    flag's any more, ``ArticleApproved`` when its article is approved."""
    locked = ArtifactFlag.objects.select_for_update().select_related("article").get(pk=flag.pk)
    require_not_approved(locked.article_id)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(locked, expected_version, locked.version, ("state",))
    return locked


def _record(flag: ArtifactFlag, user, state: str, previous: str) -> None:
    flag.previous_state = previous
    flag.state = state
    flag.decided_by = user
    flag.decided_at = timezone.now()
    flag._history_user = user  # type: ignore[attr-defined]  # simple_history
    flag.version += 1


_DECISION_FIELDS = ["state", "previous_state", "decided_by", "decided_at", "version"]


@transaction.atomic
def decide_flag(
    *, flag: ArtifactFlag, user, state: str, expected_version: int | None = None
) -> ArtifactFlag:
    """Confirm or dismiss one flag, recording who and when; the old state is kept for undo.

    ``state`` must be ``confirmed`` or ``dismissed`` (else ``ValidationError``, code
    ``invalid_state``). Deciding the state a flag already has changes nothing and writes
    no history. Raises ``ArtifactFlag.DoesNotExist`` if the flag was deleted meanwhile and
    ``StaleVersion`` if another decision came after ``expected_version`` (the page's).
    """
    if state not in DECISIONS:
        raise ValidationError("A flag can only be confirmed or dismissed.", code="invalid_state")
    flag = _locked(flag, expected_version)
    if flag.state != state:
        _record(flag, user, state, flag.state)
        flag.save(update_fields=_DECISION_FIELDS)
        counters.refresh([flag.article_id])
    return flag


@transaction.atomic
def decide_kind(
    *, article: Article, kind: str, user, state: str, confident_only: bool = False
) -> int:
    """Confirm or dismiss every *pending* flag of ``kind`` on ``article`` in one action.

    With ``confident_only``, only the flags whose confidence reaches
    ``NEWSROOM_CONFIDENT_FLAG`` (the low-confidence ones are left for one-by-one review).
    Flags already decided keep their decision. Each changed flag gets its own history
    row (one bulk insert). Returns how many flags changed.
    """
    if state not in DECISIONS:
        raise ValidationError("A flag can only be confirmed or dismissed.", code="invalid_state")
    pending = ArtifactFlag.objects.select_for_update().filter(article=article, kind=kind).pending()
    if confident_only:
        pending = pending.confident()
    flags = list(pending)
    for flag in flags:
        _record(flag, user, state, flag.state)
    if flags:
        bulk_update_with_history(flags, ArtifactFlag, _DECISION_FIELDS, default_user=user)
        counters.refresh([article.pk])
    return len(flags)


@transaction.atomic
def undo_flag(*, flag: ArtifactFlag, user, expected_version: int | None = None) -> ArtifactFlag:
    """Return a flag to the state it had before its last decision.

    The undo is itself recorded (who, when, a history row) and cannot be undone in turn;
    a flag back to ``suggested`` stays out of re-detection's reach because an editor has
    now looked at it. ``ValidationError`` (code ``nothing_to_undo``) when there is no
    previous state.
    """
    flag = _locked(flag, expected_version)
    if not flag.previous_state:
        raise ValidationError("This flag has no decision to undo.", code="nothing_to_undo")
    _record(flag, user, flag.previous_state, "")
    flag.save(update_fields=_DECISION_FIELDS)
    counters.refresh([flag.article_id])
    return flag


@transaction.atomic
def add_flag(*, article: Article, start: int, end: int, kind: str, user) -> ArtifactFlag:
    """Flag a span the detector missed: origin editor, state confirmed, decided by ``user``.

    ``start``/``end`` are code-point offsets into ``article.raw_text`` (half-open). The
    span is trimmed of surrounding whitespace (browser selections often take a space or
    newline along), except for whitespace kinds. If a flag with the same kind and span
    exists, that flag is confirmed instead of creating a duplicate. Flags of one kind never
    overlap (the same text would be counted and decided twice): untouched detector
    suggestions of the kind that the span overlaps are merged into the new flag (its
    span grows to cover them, they are deleted with a history row each); a confirmed
    flag of the kind, or a suggestion an editor already acted on, makes it refused
    (code ``overlap``; the message names that flag and what to do). Dismissed flags do
    not count. ``ValidationError`` codes: ``invalid_kind``, ``invalid_span``,
    ``blank_span``, ``overlap``.
    """
    if kind not in artifacts.KINDS:
        raise ValidationError("Choose one of the artifact kinds.", code="invalid_kind")
    text = article.raw_text
    if not 0 <= start < end <= len(text):
        raise ValidationError(
            "The span must lie inside the article's text and not be empty.", code="invalid_span"
        )
    if kind not in _WHITESPACE_KINDS:
        start, end = trim(text, start, end)
        if start == end:
            raise ValidationError("The selection holds only whitespace.", code="blank_span")
    existing = (
        ArtifactFlag.objects.select_for_update()
        .filter(article=article, kind=kind, start=start, end=end)
        .first()
    )
    if existing is not None:
        return decide_flag(flag=existing, user=user, state=State.CONFIRMED)
    merged: dict[int, ArtifactFlag] = {}
    while True:  # widen over untouched suggestions of the kind until nothing else overlaps
        overlapping = [
            other
            for other in ArtifactFlag.objects.select_for_update()
            .filter(article=article, kind=kind, start__lt=end, end__gt=start)
            .exclude(state=State.DISMISSED)
            .order_by("start", "end")
            if other.pk not in merged
        ]
        if not overlapping:
            break
        for other in overlapping:
            if not _is_untouched(other):
                raise ValidationError(_overlap_message(other, start, end), code="overlap")
            merged[other.pk] = other
            start, end = min(start, other.start), max(end, other.end)
    for other in merged.values():
        other._history_user = user  # type: ignore[attr-defined]  # simple_history
        other.delete()  # one by one: each deletion gets its history row
    reason = "Flagged by an editor"
    if merged:
        reason += (
            f" (replaces {len(merged)} suggestion{'s' if len(merged) > 1 else ''} of the kind)"
        )
    flag = ArtifactFlag(
        article=article,
        kind=kind,
        start=start,
        end=end,
        state=State.CONFIRMED,
        origin=Origin.EDITOR,
        reason=reason,
        created_by=user,
        decided_by=user,
        decided_at=timezone.now(),
    )
    flag._history_user = user  # type: ignore[attr-defined]  # simple_history
    flag.save()
    counters.refresh([article.pk])
    return flag


def _overlap_message(flag: ArtifactFlag, start: int, end: int) -> str:
    label = dict(artifacts.KIND_LABELS)[flag.kind]
    state = flag.get_state_display().lower()
    if flag.start <= start and end <= flag.end:
        where = "lies inside"
    elif start <= flag.start and flag.end <= end:
        where = "holds"
    else:
        where = "overlaps"
    fix = (
        "dismiss that flag first to flag a different span"
        if flag.state == State.CONFIRMED
        else "confirm or dismiss that flag instead"
    )
    return (
        f"Not flagged: the selection [{start}, {end}) {where} the {state} "
        f"“{label}” flag [{flag.start}, {flag.end}); {fix}."
    )


@dataclass(frozen=True)
class RedetectResult:
    """What one re-detection did: suggestions added, removed, kept; decisions left alone."""

    added: int = 0
    removed: int = 0
    kept: int = 0
    decisions: int = 0

    def __add__(self, other: RedetectResult) -> RedetectResult:
        return RedetectResult(
            self.added + other.added,
            self.removed + other.removed,
            self.kept + other.kept,
            self.decisions + other.decisions,
        )


def detect_findings(article: Article) -> list[Finding]:
    """Run the text core's detector on an article's raw text, as the importer does (the
    same ``pipeline.scan``; no sentences, which re-detection does not need)."""
    return pipeline.scan(
        article.raw_text, title_in_text=article.title_in_text, segment=False
    ).findings


@transaction.atomic
def redetect_flags(*, article: Article, user=None) -> RedetectResult:
    """Run detection again and refresh the article's untouched suggestions.

    Untouched suggestions the detector still finds are kept (reason and confidence
    refreshed), the others deleted; new findings are added as suggestions unless a flag
    with the same (kind, start, end) already exists — in particular a decided one, so an
    editor's decision is never lost, overwritten or duplicated. Concurrent runs on one
    article queue on the article's row lock.
    """
    Article.objects.select_for_update().get(pk=article.pk)
    findings = {_key(f): f for f in _check_findings(article, detect_findings(article))}
    untouched: dict[FlagKey, ArtifactFlag] = {}
    stale: list[ArtifactFlag] = []
    decided: set[FlagKey] = set()
    for flag in article.artifact_flags.select_for_update():
        if not _is_untouched(flag):
            decided.add(_key(flag))
        elif _key(flag) in untouched:
            stale.append(flag)  # a duplicate suggestion (only from older data)
        else:
            untouched[_key(flag)] = flag

    refreshed: list[ArtifactFlag] = []
    kept = 0
    for key, flag in untouched.items():
        finding = findings.get(key)
        if finding is None or key in decided:
            stale.append(flag)
            continue
        kept += 1
        reason = finding.reason[:_REASON_MAX]
        if (flag.reason, flag.confidence) != (reason, finding.confidence):
            flag.reason, flag.confidence = reason, finding.confidence
            refreshed.append(flag)
    for flag in stale:
        flag._history_user = user  # type: ignore[attr-defined]  # simple_history
        flag.delete()  # one by one: each deletion gets its history row
    if refreshed:
        bulk_update_with_history(
            refreshed, ArtifactFlag, ["reason", "confidence"], default_user=user
        )
    new = [
        _flag_from_finding(article, finding)
        for key, finding in findings.items()
        if key not in untouched and key not in decided
    ]
    if new:
        bulk_create_with_history(new, ArtifactFlag, default_user=user)
    counters.refresh([article.pk])
    return RedetectResult(added=len(new), removed=len(stale), kept=kept, decisions=len(decided))


def _is_untouched(flag: ArtifactFlag) -> bool:
    """Mirror of ``ArtifactFlagQuerySet.untouched`` for a loaded row."""
    return (
        flag.state == State.SUGGESTED and flag.origin == Origin.DETECTOR and flag.decided_at is None
    )


def inside_confirmed_artifact(outer: str = "") -> Exists:
    """An ``Exists`` true when the outer row's span lies wholly inside one confirmed flag.

    For a Sentence queryset: ``.annotate(in_artifact=inside_confirmed_artifact())`` or
    ``.filter(~inside_confirmed_artifact())``. From a model that points to a sentence, pass
    the path as ``outer``: ``FactCheck.objects.filter(~inside_confirmed_artifact("sentence__"))``.
    Containment is by a single flag, using the ``(article, state)`` index: a sentence split
    across two adjacent confirmed flags (caption text + credit in one sentence) still
    counts. The detector's spans follow lines and sentence ends, so this is rare.
    """
    return Exists(
        ArtifactFlag.objects.filter(
            article=OuterRef(f"{outer}article"),
            state=State.CONFIRMED,
            start__lte=OuterRef(f"{outer}start"),
            end__gte=OuterRef(f"{outer}end"),
        )
    )


def sentences_outside_confirmed_artifacts(qs: QuerySet[Sentence]) -> QuerySet[Sentence]:
    """Sentences of ``qs`` not wholly inside a confirmed artifact flag (the ones to count)."""
    return qs.filter(~inside_confirmed_artifact())


def article_clean_text(article: Article) -> str:
    """The article's raw text without its confirmed artifacts, whitespace normalised."""
    spans = list(article.artifact_flags.confirmed().values_list("start", "end"))
    return clean_text(article.raw_text, spans)


@dataclass
class FlagGroup:
    """The flags of one kind on one article, with their counts by state."""

    kind: str
    label: str
    flags: list[ArtifactFlag] = field(default_factory=list)
    pending: int = 0
    confirmed: int = 0
    dismissed: int = 0
    confident_pending: int = 0  # pending flags at or above NEWSROOM_CONFIDENT_FLAG

    @property
    def total(self) -> int:
        """Flags of the kind on the whole article, in every state."""
        return self.pending + self.confirmed + self.dismissed


_STATE_ATTR: dict[str, str] = {
    State.SUGGESTED: "pending",
    State.CONFIRMED: "confirmed",
    State.DISMISSED: "dismissed",
}


class FlagPanel(list):
    """An article's flags in text order (iterate it for inline marks), grouped for the panel.

    ``groups`` in the order their kinds first appear in the text, ``pending_count``,
    ``kind_choices`` (the detector's kinds, for the add form).
    """

    @property
    def dismissed_count(self) -> int:
        """Dismissed flags of the article (hidden in the text unless asked for)."""
        return sum(g.dismissed for g in self.groups)

    def __init__(self, flags: Sequence[ArtifactFlag]) -> None:
        super().__init__(flags)
        labels = dict(artifacts.KIND_LABELS)
        by_kind: dict[str, FlagGroup] = {}
        for flag in self:
            group = by_kind.setdefault(flag.kind, FlagGroup(flag.kind, labels[flag.kind]))
            group.flags.append(flag)
            attr = _STATE_ATTR[flag.state]
            setattr(group, attr, getattr(group, attr) + 1)
            if flag.state == State.SUGGESTED and flag.is_confident:
                group.confident_pending += 1
        # Dict order is the order of each kind's first flag: groups follow the text.
        self.groups = list(by_kind.values())
        self.pending_count = sum(g.pending for g in self.groups)
        self.kind_choices = [(kind, labels[kind]) for kind in artifacts.KINDS]


_WHITESPACE_NAMES = {"\n": "newline", "\r": "CR", "\t": "tab", " ": "space", "\u00a0": "NBSP"}


def shown_text(text: str, limit: int = 160) -> str:
    """How the panel quotes a flag: shortened, and whitespace-only spans named
    (``"[NBSP]"``, ``"[newline x2]"``) since they would be invisible."""
    if text.strip():
        return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    names: list[list] = []
    for char in text:
        name = _WHITESPACE_NAMES.get(char) or unicodedata.name(char, f"U+{ord(char):04X}")
        if names and names[-1][0] == name:
            names[-1][1] += 1
        else:
            names.append([name, 1])
    return " ".join(f"[{name}{f' x{n}' if n > 1 else ''}]" for name, n in names)


def panel_flags(article: Article) -> FlagPanel:
    """All flags of ``article`` for the page and the flags panel, in one query."""
    flags = list(
        article.artifact_flags.select_related("decided_by", "created_by").order_by("start", "end")
    )
    return FlagPanel(with_flag_text(article, flags))


class _Counted(list):
    """A list of the flags shown whose ``len()`` (``|length`` in the panel) is the number
    of flags of its kind in the whole article."""

    def __init__(self, shown: Iterable[ArtifactFlag], total: int) -> None:
        super().__init__(shown)
        self.total = total

    def __len__(self) -> int:
        return self.total


class PartFlagPanel(FlagPanel):
    """The flags of a part of the article (iterating it gives them: the marks in the
    text), with the whole article's counts and number of flags as its ``len()``."""

    total = 0
    shown_count = 0

    def __len__(self) -> int:
        return self.total


def with_flag_text(article: Article, flags: list[ArtifactFlag]) -> list[ArtifactFlag]:
    for flag in flags:
        flag.article = article  # ``flag.text`` without a query per flag
        flag.shown_text = shown_text(flag.text)  # type: ignore[attr-defined]
    return flags


def part_flags(article: Article, *, start: int, end: int) -> FlagPanel:
    """The flags panel of the text ``[start, end)`` of a long article (one part): the flags
    overlapping it, with the counts (and so the "all pending" buttons) of the whole
    article. Two queries, bounded by the part whatever the article's length."""
    flags = with_flag_text(
        article,
        list(
            article.artifact_flags.filter(start__lt=end, end__gt=start)
            .select_related("decided_by", "created_by")
            .order_by("start", "end")
        ),
    )
    panel = PartFlagPanel(flags)
    groups = {group.kind: group for group in panel.groups}
    labels = dict(panel.kind_choices)
    for existing in groups.values():
        existing.pending = existing.confirmed = existing.dismissed = existing.confident_pending = 0
    for kind, state, n, sure in _counts(article.artifact_flags.all()):
        group = groups.get(kind)
        if group is None:
            group = groups[kind] = FlagGroup(kind, str(labels.get(kind, kind)))
            panel.groups.append(group)
        attr = _STATE_ATTR[state]
        setattr(group, attr, getattr(group, attr) + n)
        if state == State.SUGGESTED:
            group.confident_pending += sure
    for group in panel.groups:
        group.flags = _Counted(group.flags, group.pending + group.confirmed + group.dismissed)
    panel.pending_count = sum(g.pending for g in panel.groups)
    panel.total = sum(len(g.flags) for g in panel.groups)
    panel.shown_count = len(flags)
    return panel


def _counts(flags: QuerySet[ArtifactFlag]) -> list[tuple[str, str, int, int]]:
    """(kind, state, flags, confident flags) of ``flags``, one grouped query."""
    return list(
        flags.order_by()
        .values_list("kind", "state")
        .annotate(
            n=Count("pk"),
            sure=Count("pk", filter=Q(confidence__gte=settings.NEWSROOM_CONFIDENT_FLAG)),
        )
        .order_by("kind", "state")
    )


@dataclass
class FlagSummary:
    """What a decision on one flag changes in the panel besides the flag itself: its
    kind's group (counts, "all pending" buttons) and the article's pending count."""

    group: FlagGroup
    pending_count: int


def flag_summary(flag: ArtifactFlag) -> FlagSummary:
    """The whole article's counts for the panel around ``flag`` after a decision: one
    grouped query, whatever the number of flags."""
    label = dict(artifacts.KIND_LABELS).get(flag.kind, flag.kind)
    group = FlagGroup(flag.kind, label)
    pending = 0
    for kind, state, n, sure in _counts(ArtifactFlag.objects.filter(article_id=flag.article_id)):
        if state == State.SUGGESTED:
            pending += n
        if kind != flag.kind:
            continue
        setattr(group, _STATE_ATTR[state], n)
        if state == State.SUGGESTED:
            group.confident_pending = sure
    return FlagSummary(group=group, pending_count=pending)
