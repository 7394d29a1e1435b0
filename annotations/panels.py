"""What the article page and its side panel show, read from the database: the part of the
article on the page (``page_context``), the panel of one sentence (``panel_context``), the
workflow box, and the rows of a 409 conflict (``conflict_rows``). Views render these; the
writes live in ``annotations.services``, the sentence's history in ``annotations.history``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Subquery
from django.http import HttpRequest, QueryDict
from django.urls import reverse

from annotations import flagging, history, review, services
from annotations.article_html import SentenceRow, article_html, excluded_sentences, marks_for
from annotations.forms import (
    AssignForm,
    ClaimEditForm,
    ClaimForm,
    EvidenceEditForm,
    EvidenceForm,
    VerdictForm,
)
from annotations.models import ArticleReview, ArtifactFlag, Claim, Evidence, FactCheck
from annotations.rollups import article_counts
from newsroom.models import Article, Block, Sentence
from newsroom.text.attribution import suggest_claimant

# Sentences shown before and after the selected one in the panel.
CONTEXT_SENTENCES = 2
# Keyboard digits 1-9 set the statuses in this order.
STATUS_KEYS = [(str(i), s.value, s.label) for i, s in enumerate(FactCheck.Status, start=1)]


FIELD_LABELS = {
    "status": "Status",
    "assignee_id": "Assignee",
    "verdict": "Verdict summary",
    "note": "Note",
    "claimant": "Claimant",
    "claim_type": "Claim type",
    "url": "URL",
    "title": "Title",
    "stance": "Stance",
}


SHOW_DISMISSED = "show"
# ``?history=open`` (or the same field in a write from the panel): the panel shows the
# sentence's timeline. Without it the timeline is loaded when the user opens History.
HISTORY_OPEN = "open"


def history_requested(request: HttpRequest) -> bool:
    """Whether the request asks for the panel with its timeline: the page's or the
    panel's ``?history=open``, or a write sent from a panel whose timeline was shown (the
    loaded timeline carries a hidden ``history=open`` that the panel's forms include)."""
    params = request.POST if request.method == "POST" else request.GET
    return params.get("history") == HISTORY_OPEN


def shows_dismissed(params: QueryDict) -> bool:
    """Whether the page (``?dismissed=show``) or a flag write asks to draw dismissed
    flags in the text; by default they are only listed in the panel."""
    return params.get("dismissed") == SHOW_DISMISSED


def flag_panel_vals(start: int, end: int, show_dismissed: bool) -> dict[str, Any]:
    """What the flags panel sends back with every write (its ``hx-vals``): the text range
    of the part shown and whether dismissed flags are drawn."""
    vals = {"text_start": start, "text_end": end}
    if show_dismissed:
        vals["dismissed"] = SHOW_DISMISSED
    return {"flag_vals": json.dumps(vals), "show_dismissed": show_dismissed}


def conflict_rows(
    current: Any, fields: Iterable[str], yours: dict[str, Any]
) -> list[tuple[str, str, str]]:
    """(label, current value, the user's value) of each field both people changed."""
    rows = []
    for name in fields:
        now, mine = (getattr(current, name, "") if current else ""), yours.get(name, "")
        if name == "status":
            now, mine = FactCheck.Status(now).label, FactCheck.Status(mine).label
        elif name == "assignee_id":
            users = dict(
                get_user_model().objects.filter(pk__in=[now, mine]).values_list("pk", "username")
            )
            now, mine = users.get(now, "nobody"), users.get(mine, "nobody")
        elif name in ("claim_type", "stance") and current is not None:
            choices = dict(type(current)._meta.get_field(name).choices)
            now, mine = choices.get(now, now), choices.get(mine, mine)
        rows.append((FIELD_LABELS.get(name, name), str(now or "—"), str(mine or "—")))
    return rows


def panel_context(
    request: HttpRequest,
    sentence: Sentence,
    *,
    forms: dict[str, Any] | None = None,
    conflict: FactCheck | Claim | Evidence | None = None,
    conflict_fields: list[tuple[str, str, str]] | None = None,
    message: str = "",
    around: list[SentenceRow] | None = None,
    with_timeline: bool | None = None,
) -> dict[str, Any]:
    """Everything the side panel shows for ``sentence`` (article and its review loaded),
    in ~5 queries (~8 with the timeline). On an approved article nobody gets write forms.
    ``around``: the sentences next to it when the caller has them already
    (``context_rows``). ``with_timeline`` (default: ``history_requested``): the history
    timeline too; else ``timeline`` is None and the panel loads it on demand."""
    forms = forms or {}
    article = sentence.article
    article_review = getattr(article, "review", None)
    approved = bool(article_review and article_review.state == ArticleReview.State.APPROVED)
    fact_check = (
        FactCheck.objects.select_related("assignee", "updated_by").filter(sentence=sentence).first()
    )
    version = services.fact_check_version(fact_check)
    around = (
        around
        if around is not None
        else list(
            Sentence.objects.filter(
                article=article,
                position__gte=sentence.position - CONTEXT_SENTENCES,
                position__lte=sentence.position + CONTEXT_SENTENCES + 1,
            )
            .order_by("position")
            .only("pk", "position", "start", "end")
        )
    )
    text = article.raw_text
    before = [s for s in around if s.position < sentence.position]
    after = [s for s in around if s.position > sentence.position]
    claims = list(sentence.claims.order_by("start", "pk"))
    evidence = list(fact_check.evidence.select_related("added_by")) if fact_check else []
    can_change = services.can_change(request.user) and not approved
    can_assign = services.can_assign_others(request.user) and not approved
    user_pk = request.user.pk
    status = fact_check.status if fact_check else FactCheck.Status.UNCHECKED
    sentence_text = text[sentence.start : sentence.end]
    suggestion = suggest_claimant(sentence_text) or ""
    context = {
        "article": article,
        "sentence": sentence,
        "sentence_text": sentence_text,
        "before": [(s, text[s.start : s.end]) for s in before[-CONTEXT_SENTENCES:]],
        "after": [(s, text[s.start : s.end]) for s in after[:CONTEXT_SENTENCES]],
        "previous_pk": before[-1].pk if before else None,
        "next_pk": after[0].pk if after else None,
        "fact_check": fact_check,
        "status": status,
        "status_label": FactCheck.Status(status).label,
        "version": version,
        "status_keys": STATUS_KEYS,
        "claims": [
            {
                "claim": c,
                "mine": can_change and (can_assign or c.created_by_id == user_pk),
                "form": forms.get(f"claim-{c.pk}")
                or ClaimEditForm(
                    instance=c, initial={"version": c.version}, prefix=f"claim-{c.pk}"
                ),
            }
            for c in claims
        ],
        "evidence": [
            {
                "ev": e,
                "mine": can_change and (can_assign or e.added_by_id == user_pk),
                "form": forms.get(f"evidence-{e.pk}")
                or EvidenceEditForm(
                    instance=e, initial={"version": e.version}, prefix=f"evidence-{e.pk}"
                ),
            }
            for e in evidence
        ],
        "approved": approved,
        "article_review": article_review,
        "timeline": (
            history.timeline(sentence, fact_check)
            if (history_requested(request) if with_timeline is None else with_timeline)
            else None
        ),
        "can_change": can_change,
        "can_assign": can_assign,
        "conflict": conflict,
        "conflict_fields": conflict_fields or [],
        "kept_input": bool(forms),
        **history.last_change_by(conflict),
        "message": message,
        "suggestion": suggestion,
    }
    if can_change:
        context["verdict_form"] = forms.get("verdict") or VerdictForm(
            initial={
                "version": version,
                "verdict": fact_check.verdict if fact_check else "",
                "note": fact_check.note if fact_check else "",
            }
        )
        context["claim_form"] = forms.get("claim") or ClaimForm(
            initial={"claimant": suggestion}, prefix="claim"
        )
        context["evidence_form"] = forms.get("evidence") or EvidenceForm(prefix="evidence")
    if can_assign:
        context["assign_form"] = AssignForm(
            initial={"version": version, "assignee": fact_check.assignee_id if fact_check else None}
        )
    return context


def timeline_context(sentence: Sentence) -> dict[str, Any]:
    """The panel's History on its own (``sentence_panel.html#timeline``): the timeline of
    ``sentence``, in four queries (its fact check and the three history tables)."""
    fact_check = FactCheck.objects.filter(sentence=sentence).first()
    return {"sentence": sentence, "timeline": history.timeline(sentence, fact_check)}


@dataclass(frozen=True)
class Part:
    """The sentences of the article page: positions ``[first, stop)`` of ``total``, the
    text ``[text_start, text_end)`` they and the text around them cover, and the sentences
    just outside (for previous/next part and the keyboard)."""

    number: int
    count: int
    first: int
    stop: int
    total: int
    text_start: int
    text_end: int
    previous: SentenceRow | None
    next: SentenceRow | None

    @property
    def windowed(self) -> bool:
        return self.count > 1

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def first_shown(self) -> int:
        """The part's first sentence counted from 1, as the page shows it."""
        return self.first + 1


def _int_param(value: Any) -> int | None:
    """A small non-negative integer from the query string, None for anything else (huge
    numbers would overflow SQLite's 64-bit integers)."""
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else None


def page_part(article: Article, selected_pk: Any, part: Any) -> tuple[Part, list[SentenceRow]]:
    """The part to show and its sentences: one query (two for a long article, three for a
    ``?part=`` past the end)."""
    size = max(1, int(settings.NEWSROOM_ARTICLE_PAGE_SENTENCES))
    sentences = Sentence.objects.filter(article=article)

    def rows(first: Any) -> list[SentenceRow]:
        # The part with one sentence either side: both tell whether there is more.
        return [
            SentenceRow(*values)
            for values in sentences.filter(position__gte=first - 1, position__lte=first + size)
            .order_by("position")
            .values_list("pk", "position", "start", "end")
        ]

    around: list[SentenceRow] = []
    number = max((_int_param(part) or 1) - 1, 0)
    if (pk := _int_param(selected_pk)) is not None:
        # The part of the selected sentence, found by the same query.
        position = Subquery(sentences.filter(pk=pk).values("position")[:1])
        around = rows(position / size * size)
        selected = next((r for r in around if r.pk == pk), None)
        number = selected.position // size if selected else number
    if not around:
        around = rows(number * size)
    if number and not any(r.position >= number * size for r in around):
        # A part after the last one (a stale ?part=): show the last part.
        last = sentences.order_by("-position").values_list("position", flat=True).first()
        number = last // size if last is not None else 0
        around = rows(number * size)
    first, stop = number * size, (number + 1) * size
    sentences = [r for r in around if first <= r.position < stop]
    previous = next((r for r in around if r.position < first), None)
    following = next((r for r in around if r.position >= stop), None)
    total = len(sentences)
    if previous or following:
        total = Sentence.objects.filter(article=article).count()
    return (
        Part(
            number=number + 1,
            count=max(-(-total // size), 1),
            first=first,
            stop=first + len(sentences),
            total=total,
            text_start=sentences[0].start if previous and sentences else 0,
            text_end=following.start if following else len(article.raw_text),
            previous=previous,
            next=following,
        ),
        sentences,
    )


def page_context(
    request: HttpRequest, article: Article, selected_pk: Any, part: Any = None, **panel: Any
) -> dict[str, Any]:
    """Everything the article page shows: the part of the article holding ``selected_pk``
    (or part number ``part``), its marks and statuses, the flags and workflow boxes, and
    the panel of the selected sentence (``panel``: forms, conflict, message for it)."""
    window, sentences = page_part(article, selected_pk, part)
    lo, hi = window.text_start, window.text_end
    # Ordered by position explicitly: the models' default ordering goes through the
    # article (a join and a sort); (article, position) is a unique index.
    blocks = list(article.blocks.filter(start__lt=hi, end__gt=lo).order_by("position"))
    if window.windowed:
        # Cut to the part's text: a paragraph may begin in the previous part.
        for block in blocks:
            block.start, block.end = max(block.start, lo), min(block.end, hi)
        fact_checks = dict(
            FactCheck.objects.filter(
                article=article,
                sentence__position__gte=window.first,
                sentence__position__lt=window.stop,
            ).values_list("sentence_id", "status")
        )
        flags = flagging.part_flags(article, start=lo, end=hi)
    else:
        fact_checks = dict(
            FactCheck.objects.filter(article=article).values_list("sentence_id", "status")
        )
        flags = flagging.panel_flags(article)
    claims = list(
        Claim.objects.filter(article=article, start__lt=hi, end__gt=lo)
        .order_by()  # render.segments sorts the marks
        .only("sentence_id", "start", "end", "claim_type", "claimant")
    )
    wanted = str(selected_pk or "")
    row = next((s for s in sentences if str(s.pk) == wanted), sentences[0] if sentences else None)
    show_dismissed = shows_dismissed(request.GET)
    progress = article_counts(article)
    context = {
        "article": article,
        "article_html": article_html(
            article.raw_text,
            blocks,
            sentences,
            marks_for(flags, claims, show_dismissed=show_dismissed),
            statuses=fact_checks,
            claimed={c.sentence_id for c in claims},
            selected_pk=row.pk if row else None,
            excluded=excluded_sentences(sentences, flags),
        ),
        **flag_panel_vals(lo, hi, show_dismissed),
        "part": window,
        "title_block": any(b.role == Block.Role.TITLE for b in blocks),
        "progress": progress,
        **_workflow_context(request, article, progress),
        "status_keys": STATUS_KEYS,
        "flag_kinds": ArtifactFlag._meta.get_field("kind").choices,
        "can_flag": request.user.has_perm("annotations.change_artifactflag"),
        "flag_add_url": reverse("annotations:flag-add", args=[article.pk]),
        "flags": flags,
    }
    if row:
        selected = Sentence(
            pk=row.pk, article=article, position=row.position, start=row.start, end=row.end
        )
        around = context_rows(window, sentences, row.position)
        context.update(panel_context(request, selected, around=around, **panel))
    return context


def context_rows(
    window: Part, sentences: list[SentenceRow], position: int
) -> list[SentenceRow] | None:
    """The panel's context sentences of the sentence at ``position`` (the ones it shows
    either side, and one more after for "next") from the page's rows, or None when they
    reach past what the page loaded (the panel then asks the database)."""
    known = [r for r in (window.previous, *sentences, window.next) if r is not None]
    lo, hi = position - CONTEXT_SENTENCES, position + CONTEXT_SENTENCES + 1
    # Before the page's first row there is nothing when the page loaded no previous row;
    # after its last row, nothing when it loaded no next one.
    if not known or (lo < known[0].position and window.previous is not None):
        return None
    if hi > known[-1].position and window.next is not None:
        return None
    return [r for r in known if lo <= r.position <= hi]


def _workflow_context(request: HttpRequest, article: Article, progress: Any) -> dict[str, Any]:
    """The workflow box: state, latest decision, the user's moves (with the guard's
    reasons) and the last workflow moves; one query (the history)."""
    article_review = getattr(article, "review", None)
    state = article_review.state if article_review else ArticleReview.State.NEW
    return {
        "article_review": article_review,
        "workflow_state": state,
        "workflow_label": ArticleReview.State(state).label,
        "workflow_moves": review.available_moves(state=state, progress=progress, user=request.user),
        "workflow_history": list(
            history.rows_of(ArticleReview)
            .filter(article_id=article.pk)
            .select_related("history_user")
            .order_by("-history_date", "-history_id")[:10]
        ),
    }
