"""The article page: the article as a reader sees it, and the side panel where a sentence is
fact-checked (status, assignee, verdict, claims, evidence, history).

Writes go through ``annotations.services``; with htmx the panel is re-rendered in place
(``sentence_panel.html#panel``), without JavaScript a write redirects back to the page.
A stale write (someone changed the same field since the user loaded it) gets 409 and the
panel with the current state beside the user's own input, which stays in the form; a
write on an approved article gets 409 and says an editor must reopen it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import Q, Subquery
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from annotations import flagging, review, services
from annotations.article_html import SentenceRow, article_html, excluded_sentences, marks_for
from annotations.excerpt import excerpt
from annotations.forms import (
    AssignForm,
    ClaimEditForm,
    ClaimForm,
    EvidenceEditForm,
    EvidenceForm,
    StatusForm,
    VerdictForm,
    VersionMixin,
)
from annotations.models import ArticleReview, ArtifactFlag, Claim, Evidence, FactCheck
from annotations.rollups import article_counts
from annotations.views import flags as flag_views
from newsroom.models import Article, Block, Sentence
from newsroom.text.attribution import suggest_claimant

CHANGE_PERM = "annotations.change_factcheck"
# Sentences shown before and after the selected one in the panel.
CONTEXT_SENTENCES = 2
# Keyboard digits 1-9 set the statuses in this order.
STATUS_KEYS = [(str(i), s.value, s.label) for i, s in enumerate(FactCheck.Status, start=1)]


def _timeline(sentence: Sentence, fact_check: FactCheck | None) -> list[dict[str, Any]]:
    """History of the sentence's fact check, claims and evidence, newest first: who changed
    what, when, from what to what. Constant number of queries."""
    records: list[tuple[str, Any]] = [
        ("factcheck", r)
        for r in FactCheck.history.filter(
            # Its rows from before a re-import moved it here name an older sentence.
            Q(sentence_id=sentence.pk) | Q(id=fact_check.pk)
            if fact_check
            else Q(sentence_id=sentence.pk)
        ).select_related("history_user")
    ]
    records += [
        ("claim", r)
        for r in Claim.history.filter(
            Q(sentence_id=sentence.pk)
            | Q(id__in=Claim.objects.filter(sentence=sentence).values("id"))
        ).select_related("history_user")
    ]
    if fact_check:
        records += [
            ("evidence", r)
            for r in Evidence.history.filter(fact_check_id=fact_check.pk).select_related(
                "history_user"
            )
        ]
    records.sort(key=lambda item: (item[1].history_date, item[1].history_id))
    user_ids = {r.assignee_id for kind, r in records if kind == "factcheck" and r.assignee_id}
    names = (
        dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "username"))
        if user_ids
        else {}
    )
    statuses = dict(FactCheck.Status.choices)
    previous: dict[tuple[str, int], Any] = {}
    entries = []
    for kind, r in records:
        before = previous.get((kind, r.id))
        previous[(kind, r.id)] = r
        changes: list[tuple[str, str, str]] = []
        if kind == "factcheck":
            old = services._fact_check_values(before)
            new = services._fact_check_values(r)
            for field, a, b in zip(
                ("Status", "Assignee", "Verdict", "Note"), old, new, strict=True
            ):
                if a == b:
                    continue
                if field == "Status":
                    a, b = statuses.get(a, a), statuses.get(b, b)
                elif field == "Assignee":
                    a, b = names.get(a, "nobody"), names.get(b, "nobody")
                changes.append((field, a or "—", b or "—"))
            if not changes:
                continue
            what = "Fact check"
        elif kind == "claim":
            what = f"Claim “{excerpt(r.quote, 60)}”"
            if r.history_type == "+":
                changes = [("Claim", "—", f"by {r.claimant or 'unknown'} ({r.claim_type})")]
            elif r.history_type == "-":
                changes = [("Claim", "present", "removed")]
            else:
                for field in services.CLAIM_FIELDS:
                    a, b = getattr(before, field, ""), getattr(r, field)
                    if a != b:
                        changes.append((field.replace("_", " ").capitalize(), a or "—", b or "—"))
                if not changes:
                    continue
        else:
            what = f"Evidence {r.title or r.url}"
            if r.history_type == "-":
                changes = [("Evidence", r.url, "removed")]
            elif r.history_type == "~" and before is not None:
                for field in services.EVIDENCE_FIELDS:
                    a, b = getattr(before, field), getattr(r, field)
                    if a != b:
                        changes.append(("Evidence " + field, a or "—", b or "—"))
                if not changes:
                    continue
            else:
                changes = [("Evidence", "—", f"{r.stance}: {r.url}")]
        entries.append(
            {
                "when": r.history_date,
                "who": r.history_user.get_username() if r.history_user else "system",
                "what": what,
                "changes": changes,
                "undo": (r.history_change_reason or "").startswith(services.UNDO_PREFIX),
            }
        )
    entries.reverse()
    return entries


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


def _conflict_author(current: FactCheck | Claim | Evidence | None) -> dict[str, Any]:
    """Who made the change that won, and when (for the 409 panel)."""
    if current is None:
        return {}
    if isinstance(current, FactCheck):
        user = current.updated_by
        return {
            "conflict_by": user.get_username() if user else "",
            "conflict_at": current.updated_at,
        }
    last = current.history.select_related("history_user").first()
    user = last.history_user if last else None
    return {
        "conflict_by": user.get_username() if user else "",
        "conflict_at": last.history_date if last else None,
    }


def panel_context(
    request: HttpRequest,
    sentence: Sentence,
    *,
    forms: dict[str, Any] | None = None,
    conflict: FactCheck | Claim | Evidence | None = None,
    conflict_fields: list[tuple[str, str, str]] | None = None,
    message: str = "",
) -> dict[str, Any]:
    """Everything the side panel shows for ``sentence`` (article and its review loaded),
    in ~8 queries. On an approved article nobody gets write forms."""
    forms = forms or {}
    article = sentence.article
    article_review = getattr(article, "review", None)
    approved = bool(article_review and article_review.state == ArticleReview.State.APPROVED)
    fact_check = (
        FactCheck.objects.select_related("assignee", "updated_by").filter(sentence=sentence).first()
    )
    version = services.fact_check_version(fact_check)
    around = list(
        Sentence.objects.filter(
            article=article,
            position__gte=sentence.position - CONTEXT_SENTENCES,
            position__lte=sentence.position + CONTEXT_SENTENCES + 1,
        )
        .order_by("position")
        .only("pk", "position", "start", "end")
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
        "timeline": _timeline(sentence, fact_check),
        "can_change": can_change,
        "can_assign": can_assign,
        "conflict": conflict,
        "conflict_fields": conflict_fields or [],
        "kept_input": bool(forms),
        **_conflict_author(conflict),
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


def _sentence(pk: int) -> Sentence:
    return get_object_or_404(Sentence.objects.select_related("article__review__changed_by"), pk=pk)


def _page_url(sentence: Sentence) -> str:
    url = reverse("annotations:article-detail", args=[sentence.article_id])
    return f"{url}?s={sentence.pk}#s-{sentence.pk}"


@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The article as a reader sees it, each sentence selectable, with the side panel of the
    sentence given by ``?s=`` (or ``?sentence=``; default: the first one of the part). A
    long article is shown in parts of ``NEWSROOM_ARTICLE_PAGE_SENTENCES`` sentences: the
    part holding the selected sentence, or ``?part=`` (from 1)."""
    article = get_object_or_404(
        Article.objects.select_related("source", "review__changed_by"), pk=pk
    )
    selected = request.GET.get("s") or request.GET.get("sentence")
    return _render_page(request, article, selected, part=request.GET.get("part"))


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


def _part(article: Article, selected_pk: Any, part: Any) -> tuple[Part, list[SentenceRow]]:
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


def _render_page(
    request: HttpRequest,
    article: Article,
    selected_pk: Any,
    status: int = 200,
    part: Any = None,
    **panel: Any,
) -> HttpResponse:
    window, sentences = _part(article, selected_pk, part)
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
    show_dismissed = flag_views.shows_dismissed(request.GET)
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
        **flag_views.page_context(lo, hi, show_dismissed),
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
        context.update(panel_context(request, selected, **panel))
    return render(request, "annotations/article_detail.html", context, status=status)


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
            ArticleReview.history.filter(article_id=article.pk)
            .select_related("history_user")
            .order_by("-history_date", "-history_id")[:10]
        ),
    }


def _respond(
    request: HttpRequest, sentence: Sentence, status: int = 200, **panel: Any
) -> HttpResponse:
    """After a write: the panel (htmx), a redirect (plain POST that worked) or the whole
    page with the panel's errors or conflict (plain POST that did not)."""
    if request.htmx:
        context = panel_context(request, sentence, **panel)
        context["progress"] = article_counts(sentence.article)
        context["oob"] = True
        return render(request, "annotations/sentence_panel.html#panel", context, status=status)
    if status == 200 and not panel:
        return redirect(_page_url(sentence))
    return _render_page(request, sentence.article, sentence.pk, status=status, **panel)


def _conflict(
    request: HttpRequest,
    sentence: Sentence,
    error: services.StaleVersion,
    keep: Callable[[int], dict[str, Any]] | None = None,
    yours: dict[str, Any] | None = None,
) -> HttpResponse:
    """The 409 panel: the current state, the fields both people changed (theirs beside
    the user's), and the user's input kept in its form (``keep(current_version)``: saving
    it again then replaces theirs)."""
    rows = conflict_rows(error.current, error.fields, yours or {})
    forms = keep(error.actual) if keep and error.current is not None else None
    return _respond(
        request, sentence, status=409, conflict=error.current, conflict_fields=rows, forms=forms
    )


def _with_version(data: QueryDict, name: str, version: int) -> QueryDict:
    data = data.copy()
    data[name] = str(version)
    return data


def _write(
    request: HttpRequest,
    sentence: Sentence,
    write: Callable[[], Any],
    keep: Callable[[int], dict[str, Any]] | None = None,
    yours: dict[str, Any] | None = None,
) -> HttpResponse:
    """Run one service write and answer with the panel: 409 for a conflict (input kept), an
    approved article or someone else's sentence; 403 for someone else's claim/evidence."""
    try:
        write()
    except services.StaleVersion as error:
        return _conflict(request, sentence, error, keep, yours)
    except (services.ArticleApproved, services.AssignedToSomeoneElse) as error:
        return _respond(request, sentence, status=409, message=str(error))
    return _respond(request, sentence)


@require_GET
def sentence_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The side panel of one sentence (htmx); without htmx, the article page showing it."""
    sentence = _sentence(pk)
    if not request.htmx:
        return redirect(_page_url(sentence))
    return render(
        request, "annotations/sentence_panel.html#panel", panel_context(request, sentence)
    )


@require_POST
@permission_required(CHANGE_PERM, raise_exception=True)
def sentence_status(request: HttpRequest, pk: int) -> HttpResponse:
    sentence = _sentence(pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _respond(request, sentence, status=422, message="Choose a status.")
    data = form.cleaned_data
    return _write(
        request,
        sentence,
        lambda: services.set_status(
            sentence=sentence,
            status=data["status"],
            user=request.user,
            expected_version=data["version"],
        ),
        yours={"status": data["status"]},
    )


@require_POST
@permission_required(CHANGE_PERM, raise_exception=True)
def sentence_assign(request: HttpRequest, pk: int) -> HttpResponse:
    sentence = _sentence(pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        return _respond(request, sentence, status=422, message="Choose someone to assign.")
    data = form.cleaned_data
    return _write(
        request,
        sentence,
        lambda: services.assign_sentence(
            sentence=sentence,
            assignee=data["assignee"],
            user=request.user,
            expected_version=data["version"],
        ),
        yours={"assignee_id": data["assignee"].pk if data["assignee"] else None},
    )


@require_POST
@permission_required(CHANGE_PERM, raise_exception=True)
def sentence_verdict(request: HttpRequest, pk: int) -> HttpResponse:
    sentence = _sentence(pk)
    form = VerdictForm(request.POST)
    if not form.is_valid():
        return _respond(request, sentence, status=422, forms={"verdict": form})
    data = form.cleaned_data
    return _write(
        request,
        sentence,
        lambda: services.save_verdict(
            sentence=sentence,
            verdict=data["verdict"],
            note=data["note"],
            user=request.user,
            expected_version=data["version"],
        ),
        keep=lambda version: {
            "verdict": VerdictForm(_with_version(request.POST, "version", version))
        },
        yours=data,
    )


@require_POST
@permission_required(CHANGE_PERM, raise_exception=True)
def sentence_undo(request: HttpRequest, pk: int) -> HttpResponse:
    sentence = _sentence(pk)
    form = VersionMixin(request.POST)
    if not form.is_valid():
        return _respond(request, sentence, status=422, message="Reload the page and try again.")
    try:
        services.undo_last_change(
            sentence=sentence, user=request.user, expected_version=form.cleaned_data["version"]
        )
    except services.StaleVersion as error:
        return _conflict(request, sentence, error)
    except services.ArticleApproved as error:
        return _respond(request, sentence, status=409, message=str(error))
    except services.NothingToUndo:
        return _respond(request, sentence, message="Nothing of yours to undo on this sentence.")
    except services.AssignedToSomeoneElse as error:
        return _respond(request, sentence, status=409, message=f"Nothing undone. {error}")
    return _respond(request, sentence)


@require_POST
@permission_required("annotations.add_claim", raise_exception=True)
def claim_add(request: HttpRequest, pk: int) -> HttpResponse:
    sentence = _sentence(pk)
    form = ClaimForm(request.POST, prefix="claim")
    if form.is_valid():
        try:
            services.add_claim(
                sentence=sentence,
                user=request.user,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                claimant=form.cleaned_data["claimant"],
                claim_type=form.cleaned_data["claim_type"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        except services.ArticleApproved as error:
            return _respond(request, sentence, status=409, message=str(error))
        else:
            return _respond(request, sentence)
    return _respond(request, sentence, status=422, forms={"claim": form})


@require_POST
@permission_required("annotations.change_claim", raise_exception=True)
def claim_edit(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(
        Claim.objects.select_related("sentence__article__review__changed_by"), pk=pk
    )
    sentence = claim.sentence
    prefix = f"claim-{claim.pk}"
    form = ClaimEditForm(request.POST, instance=Claim(sentence=sentence), prefix=prefix)
    if not form.is_valid():
        return _respond(request, sentence, status=422, forms={prefix: form})
    data = form.cleaned_data
    return _write(
        request,
        sentence,
        lambda: services.edit_claim(
            claim=claim,
            claimant=data["claimant"],
            claim_type=data["claim_type"],
            note=data["note"],
            user=request.user,
            expected_version=data["version"],
        ),
        keep=lambda version: {
            prefix: ClaimEditForm(
                _with_version(request.POST, f"{prefix}-version", version),
                instance=Claim(sentence=sentence),
                prefix=prefix,
            )
        },
        yours=data,
    )


@require_POST
@permission_required("annotations.delete_claim", raise_exception=True)
def claim_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a claim (its author or an editor), with the version the user saw."""
    claim = get_object_or_404(
        Claim.objects.select_related("sentence__article__review__changed_by"), pk=pk
    )
    form = VersionMixin(request.POST)
    if not form.is_valid():
        return _respond(
            request, claim.sentence, status=422, message="Reload the page and try again."
        )
    return _write(
        request,
        claim.sentence,
        lambda: services.delete_claim(
            claim=claim, user=request.user, expected_version=form.cleaned_data["version"]
        ),
    )


@require_POST
@permission_required("annotations.add_evidence", raise_exception=True)
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    sentence = _sentence(pk)
    form = EvidenceForm(request.POST, prefix="evidence")
    if not form.is_valid():
        return _respond(request, sentence, status=422, forms={"evidence": form})
    data = form.cleaned_data
    return _write(
        request,
        sentence,
        lambda: services.add_evidence(
            sentence=sentence,
            user=request.user,
            url=data["url"],
            title=data["title"],
            stance=data["stance"],
            note=data["note"],
        ),
    )


def _evidence(pk: int) -> Evidence:
    evidence = get_object_or_404(Evidence.objects.select_related("fact_check"), pk=pk)
    evidence.sentence = _sentence(evidence.fact_check.sentence_id)
    return evidence


@require_POST
@permission_required("annotations.change_evidence", raise_exception=True)
def evidence_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an evidence link (its author or an editor); merged like a fact check."""
    evidence = _evidence(pk)
    prefix = f"evidence-{evidence.pk}"
    form = EvidenceEditForm(request.POST, prefix=prefix)
    if not form.is_valid():
        return _respond(request, evidence.sentence, status=422, forms={prefix: form})
    data = form.cleaned_data
    return _write(
        request,
        evidence.sentence,
        lambda: services.edit_evidence(
            evidence=evidence,
            user=request.user,
            expected_version=data["version"],
            url=data["url"],
            title=data["title"],
            stance=data["stance"],
            note=data["note"],
        ),
        keep=lambda version: {
            prefix: EvidenceEditForm(
                _with_version(request.POST, f"{prefix}-version", version), prefix=prefix
            )
        },
        yours=data,
    )


@require_POST
@permission_required("annotations.delete_evidence", raise_exception=True)
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete an evidence link (its author or an editor), with the version the user saw."""
    evidence = _evidence(pk)
    form = VersionMixin(request.POST)
    if not form.is_valid():
        return _respond(
            request, evidence.sentence, status=422, message="Reload the page and try again."
        )
    return _write(
        request,
        evidence.sentence,
        lambda: services.delete_evidence(
            evidence=evidence, user=request.user, expected_version=form.cleaned_data["version"]
        ),
    )
