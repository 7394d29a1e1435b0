"""The article review workflow: new → in review → changes requested → approved, and
approved → in review again when an editor reopens an article (with a reason).

Every transition is one service function: it checks the user's permission and the
current state, locks the article's ArticleReview row, saves it (simple-history keeps
who moved it, when, and the reason as ``history_change_reason``) and returns the row.
A refused transition raises ``ReviewRefused`` with human-readable reasons and changes
nothing. An approved article is read-only for the fact-check services until reopened.
``available_moves`` lists, for the article page, the moves a user may make and why the
guard would refuse an approval, before the user commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction

from annotations import counters
from annotations.models import ArticleReview
from annotations.rollups import Progress, article_progress
from newsroom.models import Article

State = ArticleReview.State

SEND_PERMISSION = "annotations.change_articlereview"
APPROVE_PERMISSION = "annotations.approve_article"
OVERRIDE_PERMISSION = "annotations.override_review_guard"

# From which states each transition may start.
SEND_FROM = (State.NEW, State.CHANGES_REQUESTED)
APPROVE_FROM = (State.IN_REVIEW,)
REQUEST_CHANGES_FROM = (State.IN_REVIEW, State.APPROVED)
REOPEN_FROM = (State.APPROVED,)


class ReviewRefused(Exception):
    """A workflow transition was refused; ``reasons`` says why, one sentence each."""

    def __init__(self, reasons: list[str] | str) -> None:
        self.reasons = [reasons] if isinstance(reasons, str) else list(reasons)
        super().__init__("; ".join(self.reasons))


def guard_reasons(progress: Progress) -> list[str]:
    """Why an article with this roll-up may not be approved (empty when it may)."""
    reasons = []
    if progress.open:
        detail = ", ".join(
            f"{segment.count} {segment.label.lower()}"
            for segment in progress.segments
            if segment.status in ("unchecked", "to_check", "in_progress")
        )
        noun = "sentence is" if progress.open == 1 else "sentences are"
        reasons.append(f"{progress.open} {noun} still open ({detail})")
    if progress.pending_flags:
        noun = "artifact flag is" if progress.pending_flags == 1 else "artifact flags are"
        reasons.append(f"{progress.pending_flags} {noun} still pending")
    return reasons


def _locked_review(article: Article) -> ArticleReview:
    # No row yet means new: the first transition creates it (one history row per move).
    review = ArticleReview.objects.select_for_update().filter(article=article).first()
    return review or ArticleReview(article=article, state=State.NEW)


def _move(
    review: ArticleReview, state: str, user: Any, *, reason: str = "", override: str = ""
) -> ArticleReview:
    review.state = state
    review.changed_by = user
    review.override_reason = override
    review.reason = override or reason  # what the person wrote, for the pages
    review._change_reason = reason  # stored by simple-history on the history row
    review._history_user = user
    try:
        with transaction.atomic():
            review.save()
            counters.refresh([review.article_id])  # the stored last activity
    except IntegrityError as error:  # another request created the row at the same moment
        raise ReviewRefused("The article's workflow changed meanwhile; try again.") from error
    return review


def _require(user: Any, permission: str, action: str) -> None:
    if not user.has_perm(permission):
        raise ReviewRefused(f"You are not allowed to {action}.")


def _require_state(review: ArticleReview, allowed: tuple[str, ...], action: str) -> None:
    if review.state not in allowed:
        raise ReviewRefused(
            f"Cannot {action} an article that is {review.get_state_display().lower()}."
        )


# What each action needs, for ``state_refusal``: (from states, wording of the refusal).
_STATE_RULES = {
    "send": (SEND_FROM, "send to review"),
    "approve": (APPROVE_FROM, "approve"),
    "request_changes": (REQUEST_CHANGES_FROM, "request changes on"),
    "reopen": (REOPEN_FROM, "reopen"),
}


def state_refusal(state: str, action: str) -> str | None:
    """Why ``action`` cannot start from ``state`` (the transition's own message), or None:
    lets a form check this before it asks the user for a reason."""
    allowed, wording = _STATE_RULES[action]
    if state in allowed:
        return None
    return f"Cannot {wording} an article that is {State(state).label.lower()}."


def send_to_review(*, article: Article, user: Any) -> ArticleReview:
    """Move ``article`` from new or changes requested to in review.

    Needs ``annotations.change_articlereview`` (fact-checkers and editors).
    Raises ReviewRefused when the user may not or the article is in another state.
    """
    _require(user, SEND_PERMISSION, "send articles to review")
    with transaction.atomic():
        review = _locked_review(article)
        _require_state(review, SEND_FROM, "send to review")
        return _move(review, State.IN_REVIEW, user)


def approve(*, article: Article, user: Any, override_reason: str = "") -> ArticleReview:
    """Approve an article in review; needs ``annotations.approve_article`` (editors).

    Guard: no counted sentence open (unchecked, to check, in progress) and no pending
    artifact flag. A user with ``annotations.override_review_guard`` may approve anyway
    by giving a written ``override_reason``; it is stored on the review and in its
    history. Raises ReviewRefused with the guard's reasons otherwise.
    """
    _require(user, APPROVE_PERMISSION, "approve articles")
    override_reason = override_reason.strip()
    with transaction.atomic():
        review = _locked_review(article)
        _require_state(review, APPROVE_FROM, "approve")
        reasons = guard_reasons(article_progress(article))
        if reasons and not override_reason:
            raise ReviewRefused(reasons)
        if reasons and not user.has_perm(OVERRIDE_PERMISSION):
            raise ReviewRefused([*reasons, "You are not allowed to override the review guard."])
        if not reasons:
            return _move(review, State.APPROVED, user)
        return _move(
            review,
            State.APPROVED,
            user,
            reason=f"Approved over the guard ({'; '.join(reasons)}): {override_reason}",
            override=override_reason,
        )


def request_changes(*, article: Article, user: Any, reason: str = "") -> ArticleReview:
    """Send an article in review (or approved) back with changes requested.

    Needs ``annotations.approve_article`` (editors) and a written ``reason`` (the
    fact-checkers read it on the article page, the list and the dashboard); it is kept on
    the review and in its history. ReviewRefused otherwise.
    """
    _require(user, APPROVE_PERMISSION, "request changes")
    with transaction.atomic():
        review = _locked_review(article)
        _require_state(review, REQUEST_CHANGES_FROM, "request changes on")
        if not reason.strip():
            raise ReviewRefused("Say what should change: a reason is required.")
        return _move(review, State.CHANGES_REQUESTED, user, reason=reason.strip())


def reopen(*, article: Article, user: Any, reason: str = "") -> ArticleReview:
    """Reopen an approved article: back to in review, so that it can change again.

    Needs ``annotations.approve_article`` (editors) and a written ``reason``, kept on the
    review and in its history. ReviewRefused otherwise.
    """
    _require(user, APPROVE_PERMISSION, "reopen articles")
    with transaction.atomic():
        review = _locked_review(article)
        _require_state(review, REOPEN_FROM, "reopen")
        if not reason.strip():
            raise ReviewRefused("Say why the article is reopened: a reason is required.")
        return _move(review, State.IN_REVIEW, user, reason=reason.strip())


@dataclass(frozen=True)
class Move:
    """One workflow move a user may make on an article now.

    ``action`` is the value posted to ``annotations:article-review``; ``needs_reason``
    says the form must ask for one; ``blocked`` holds the guard's reasons an approval
    would be refused for (an ``approve_override`` move carries them too)."""

    action: str
    label: str
    needs_reason: bool = False
    blocked: list[str] = field(default_factory=list)


def available_moves(*, state: str, progress: Progress, user: Any) -> list[Move]:
    """The moves ``user`` may make on an article in ``state`` with this roll-up, in the
    order the article page shows them; the same rules as the transitions themselves."""
    moves: list[Move] = []
    if state in SEND_FROM and user.has_perm(SEND_PERMISSION):
        moves.append(Move("send", "Send to review"))
    if not user.has_perm(APPROVE_PERMISSION):
        return moves
    if state in APPROVE_FROM:
        reasons = guard_reasons(progress)
        if not reasons:
            moves.append(Move("approve", "Approve"))
        else:
            moves.append(Move("approve", "Approve", blocked=reasons))
            if user.has_perm(OVERRIDE_PERMISSION):
                moves.append(
                    Move("approve", "Approve over the guard", needs_reason=True, blocked=reasons)
                )
    if state in REQUEST_CHANGES_FROM:
        moves.append(Move("request_changes", "Request changes", needs_reason=True))
    if state in REOPEN_FROM:
        moves.append(Move("reopen", "Reopen", needs_reason=True))
    return moves
