"""Article roll-ups: sentence counts by fact-check status, computed in the database.

``with_progress(qs)`` annotates a queryset of articles in the same single SQL query that
fetches them (correlated subqueries, each an index lookup on one article's rows, so a
page of 25 articles costs 25 small lookups per column, never a query per row). Counting
through subqueries rather than joins keeps sentences, fact-checks and flags from
multiplying each other (no join fan-out).

Rules shared by every roll-up:
- a sentence wholly inside a *confirmed* artifact flag is excluded from every count;
- a sentence without a FactCheck row counts as unchecked;
- "open" means unchecked, to check or in progress; a "pending" flag is a suggested one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest

from annotations.flagging import inside_confirmed_artifact
from annotations.models import ArticleReview, ArtifactFlag, FactCheck
from newsroom.models import Article, ArticleQuerySet, Sentence
from newsroom.signals import RETIRED_POSITION

Status = FactCheck.Status
State = ArticleReview.State

# Annotation name of each status count, e.g. ``false_count``.
STATUS_FIELDS: dict[str, str] = {status.value: f"{status.value}_count" for status in Status}
OPEN_STATUSES: tuple[str, ...] = tuple(s.value for s in FactCheck.OPEN_STATUSES)


def current_sentences() -> QuerySet[Sentence]:
    """Sentences of the current text: not those a new revision retired (renumbered past
    ``RETIRED_POSITION`` and deleted once re-anchoring has moved their work over)."""
    return Sentence.objects.filter(position__lt=RETIRED_POSITION)


def counted_sentences() -> QuerySet[Sentence]:
    """Sentences that count in roll-ups (current, not wholly inside a confirmed artifact)."""
    return current_sentences().exclude(inside_confirmed_artifact())


def _count(qs: QuerySet) -> Coalesce:
    # COUNT(*) without GROUP BY: exactly one row per outer article, 0 when nothing matches.
    counted = qs.order_by().annotate(n=Func(Value(1), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _fact_checks(**filters: Any) -> QuerySet[FactCheck]:
    return FactCheck.objects.filter(
        article=OuterRef("pk"), sentence__position__lt=RETIRED_POSITION, **filters
    ).exclude(inside_confirmed_artifact("sentence__"))


def _assignee_names() -> Subquery:
    # Users whose pk is IN this article's fact-check assignees: the IN list comes from
    # the (article) index, then a primary-key lookup per name (no scan of the users).
    assignees = FactCheck.objects.filter(
        article=OuterRef(OuterRef("pk")), assignee__isnull=False
    ).values("assignee")
    users = (
        get_user_model()
        .objects.filter(pk__in=assignees)
        .order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(names=StringAgg("username", Value(",")))
        .values("names")
    )
    return Subquery(users)


def with_live_progress(qs: QuerySet[Article]) -> QuerySet[Article]:
    """Annotate each article with its review roll-up computed from its rows, in the query
    that fetches it: what ``counters.refresh`` stores (pages read the stored counters
    through ``with_progress``; this is the recount).

    Adds ``sentence_total`` (all sentences), ``excluded_count`` (inside confirmed
    artifacts), ``counted_total`` (the rest), one ``<status>_count`` per fact-check
    status (``unchecked_count`` includes sentences without a FactCheck row),
    ``open_count``, ``pending_flags`` (suggested flags), ``workflow_state`` ("new" when
    there is no ArticleReview row), ``assignee_names`` (comma-separated usernames or
    None) and ``last_activity`` (latest fact-check, flag decision or review change,
    the import time when there is none).
    """
    status_counts = {
        STATUS_FIELDS[status]: _count(_fact_checks(status=status))
        for status in Status
        if status != Status.UNCHECKED
    }
    checked = sum((F(name) for name in status_counts), start=Value(0))
    return qs.annotate(
        sentence_total=_count(current_sentences().filter(article=OuterRef("pk"))),
        counted_total=_count(counted_sentences().filter(article=OuterRef("pk"))),
        **status_counts,
    ).annotate(
        excluded_count=F("sentence_total") - F("counted_total"),
        unchecked_count=F("counted_total") - checked,
        open_count=F("counted_total")
        - checked
        + F(STATUS_FIELDS[Status.TO_CHECK])
        + F(STATUS_FIELDS[Status.IN_PROGRESS]),
        false_misleading_count=F(STATUS_FIELDS[Status.FALSE]) + F(STATUS_FIELDS[Status.MISLEADING]),
        pending_flags=_count(
            ArtifactFlag.objects.filter(article=OuterRef("pk"), state=ArtifactFlag.State.SUGGESTED)
        ),
        workflow_state=Coalesce(F("review__state"), Value(State.NEW.value)),
        assignee_names=_assignee_names(),
        last_activity=Greatest(
            F("imported_at"),
            Coalesce(F("review__changed_at"), F("imported_at")),
            Coalesce(
                Subquery(
                    FactCheck.objects.filter(article=OuterRef("pk"))
                    .order_by()
                    .values("article")
                    .annotate(last=Max("updated_at"))
                    .values("last")
                ),
                F("imported_at"),
            ),
            Coalesce(
                Subquery(
                    ArtifactFlag.objects.filter(article=OuterRef("pk"), decided_at__isnull=False)
                    .order_by()
                    .values("article")
                    .annotate(last=Max("decided_at"))
                    .values("last")
                ),
                F("imported_at"),
            ),
        ),
    )


# The stored counters (``ArticleCounters``) under the names ``with_live_progress`` gives.
COUNTER_FIELDS: tuple[str, ...] = (
    "sentence_total",
    "excluded_count",
    "counted_total",
    *STATUS_FIELDS.values(),
    "open_count",
    "false_misleading_count",
    "pending_flags",
)


def with_progress(qs: QuerySet[Article]) -> QuerySet[Article]:
    """Annotate each article with its stored roll-up (``ArticleCounters``, one LEFT JOIN):
    the same names and values as ``with_live_progress``, read from indexed columns.
    ``assignee_names`` stays a subquery (shown, never filtered on: pages apply this to
    their 25-50 rows only). An article without a counters row reads as zeros, new."""
    return qs.annotate(
        **{name: Coalesce(F(f"counters__{name}"), 0) for name in COUNTER_FIELDS},
        workflow_state=Coalesce(F("review__state"), Value(State.NEW.value)),
        last_activity=Coalesce(F("counters__last_activity"), F("imported_at")),
        assignee_names=_assignee_names(),
    )


def page_with_progress(page: QuerySet[Article], base: QuerySet[Article]) -> list[Article]:
    """One page of articles with their roll-ups, read for that page only.

    ``page`` is a sliced (filtered, ordered) queryset; ``base`` an unannotated queryset
    carrying the select_related/defer wanted on the rows. Two queries whatever the
    table size: the page's ids in order, then ``with_progress`` over those ids.
    """
    ids = list(page.values_list("pk", flat=True))
    rows = {article.pk: article for article in with_progress(base.filter(pk__in=ids))}
    return [rows[pk] for pk in ids if pk in rows]


# --- Filters: conditions on the stored counters (indexed columns) ---------------------


def false_or_misleading_exists() -> Q:
    """True for an article with a counted sentence checked false or misleading."""
    return Q(counters__false_misleading_count__gt=0)


def unchecked_exists() -> Q:
    """True for an article with a counted sentence still unchecked (row or no row)."""
    return Q(counters__unchecked_count__gt=0)


def open_exists() -> Q:
    """True for an article with a counted sentence unchecked, to check or in progress."""
    return Q(counters__open_count__gt=0)


def pending_flags_exists() -> Q:
    """True for an article with at least one suggested (undecided) artifact flag."""
    return Q(counters__pending_flags__gt=0)


def in_state_condition(state: str) -> Q:
    """Articles in workflow ``state``; articles without an ArticleReview row are new."""
    if state == State.NEW:
        return Q(review__isnull=True) | Q(review__state=State.NEW)
    return Q(review__state=state)


def assigned_to_condition(user: Any) -> Exists:
    """True for an article with at least one sentence assigned to ``user`` (or a user id)."""
    return Exists(FactCheck.objects.filter(article=OuterRef("pk"), assignee=user))


class ReviewQuerySet(ArticleQuerySet):
    """Articles with the review read-side as QuerySet methods: ``articles()`` gives one,
    ``articles().in_state("new").has_unchecked().with_progress()``. Lives in annotations
    (not on ``Article.objects``): newsroom does not know fact checks or counters."""

    def with_progress(self) -> ReviewQuerySet:
        return with_progress(self)

    def with_live_progress(self) -> ReviewQuerySet:
        return with_live_progress(self)

    def has_false_or_misleading(self) -> ReviewQuerySet:
        return self.filter(false_or_misleading_exists())

    def has_unchecked(self) -> ReviewQuerySet:
        return self.filter(unchecked_exists())

    def has_open(self) -> ReviewQuerySet:
        return self.filter(open_exists())

    def has_pending_flags(self) -> ReviewQuerySet:
        return self.filter(pending_flags_exists())

    def assigned_to(self, user: Any) -> ReviewQuerySet:
        return self.filter(assigned_to_condition(user))

    def in_state(self, state: str) -> ReviewQuerySet:
        return self.filter(in_state_condition(state))

    def matching(self, filters: dict, user: Any) -> ReviewQuerySet:
        """The article list's filters (an ``ArticleFilterForm``'s cleaned data: ``q``,
        ``state``, ``false``, ``unchecked``, ``mine``), as the list, its CSV export and the
        API apply them."""
        qs = self
        if filters.get("q"):
            qs = qs.search(filters["q"])
        if filters.get("state"):
            qs = qs.in_state(filters["state"])
        if filters.get("false"):
            qs = qs.has_false_or_misleading()
        if filters.get("unchecked"):
            qs = qs.has_unchecked()
        if filters.get("mine"):
            qs = qs.assigned_to(user)
        return qs


# What a list row needs besides the roll-ups (the raw text is not shown): the list, the
# dashboard and the API's list.
LIST_BASE = Article.objects.select_related("source", "review__changed_by").defer("raw_text")


def articles(qs: QuerySet[Article] | None = None) -> ReviewQuerySet:
    """All articles, or the articles of ``qs`` (its filters, ordering and related
    selections kept), as a ``ReviewQuerySet``."""
    if qs is None:
        return ReviewQuerySet(model=Article)
    clone = qs._chain()
    clone.__class__ = ReviewQuerySet
    return clone


def open_fact_checks_assigned_to(user: Any) -> QuerySet[FactCheck]:
    """The user's queue: assigned sentences still open, outside confirmed artifacts."""
    return FactCheck.objects.filter(assignee=user, status__in=OPEN_STATUSES).exclude(
        inside_confirmed_artifact("sentence__")
    )


# --- One article ----------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    status: str
    label: str
    count: int
    percent: float


@dataclass(frozen=True)
class Progress:
    """The roll-up of one article (read from a ``with_progress`` row)."""

    counts: dict[str, int]
    total: int
    excluded: int
    pending_flags: int
    workflow_state: str
    last_activity: datetime | None
    assignees: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, article: Article) -> Progress:
        """Read the annotations ``with_progress`` put on ``article``."""
        names = getattr(article, "assignee_names", None) or ""
        return cls(
            counts={status: getattr(article, name) for status, name in STATUS_FIELDS.items()},
            total=article.counted_total,
            excluded=article.excluded_count,
            pending_flags=article.pending_flags,
            workflow_state=article.workflow_state,
            last_activity=article.last_activity,
            assignees=sorted(name for name in names.split(",") if name),
        )

    @property
    def open(self) -> int:
        return sum(self.counts[status] for status in OPEN_STATUSES)

    @property
    def false_or_misleading(self) -> int:
        return self.counts[Status.FALSE] + self.counts[Status.MISLEADING]

    @property
    def done(self) -> int:
        return self.total - self.open

    @property
    def segments(self) -> list[Segment]:
        """Non-empty status counts in status order, with their share of the total."""
        return [
            Segment(status.value, status.label, count, 100 * count / self.total)
            for status in Status
            if (count := self.counts[status])
        ]

    @property
    def summary(self) -> str:
        """ "3 unchecked, 2 false" — the numbers behind the progress bar."""
        parts = [f"{segment.count} {segment.label.lower()}" for segment in self.segments]
        return ", ".join(parts) or "no sentences"


def article_counts(article: Article | int) -> Progress:
    """Sentence counts by status and pending flags of one article, in two small queries.

    The same rules as ``with_progress`` (a test holds them equal), as one GROUP BY over the
    article's sentences: far cheaper to build than the page-wide roll-up, which matters on
    the annotation page. ``workflow_state``, ``last_activity`` and ``assignees`` stay empty.
    """
    pk = article if isinstance(article, int) else article.pk
    rows = (
        Sentence.objects.filter(article_id=pk)
        .annotate(
            excluded=inside_confirmed_artifact(),
            state=Coalesce(F("fact_check__status"), Value(Status.UNCHECKED.value)),
        )
        .order_by()
        .values_list("excluded", "state")
        .annotate(n=Count("pk"))
    )
    counts = dict.fromkeys(Status.values, 0)
    excluded = 0
    for is_excluded, state, n in rows:
        if is_excluded:
            excluded += n
        else:
            counts[state] += n
    pending = ArtifactFlag.objects.filter(article_id=pk, state=ArtifactFlag.State.SUGGESTED).count()
    return Progress(
        counts=counts,
        total=sum(counts.values()),
        excluded=excluded,
        pending_flags=pending,
        workflow_state="",
        last_activity=None,
    )


def article_progress(article: Article | int) -> Progress:
    """The whole roll-up of one article (workflow state, activity, assignees too), in one
    query, computed from its rows (what the review guard decides on, never a stored count)."""
    pk = article if isinstance(article, int) else article.pk
    return Progress.of(with_live_progress(Article.objects.filter(pk=pk)).get())
