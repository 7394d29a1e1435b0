"""The article page: the article as a reader sees it, and the side panel where a sentence is
fact-checked (status, assignee, verdict, claims, evidence, history).

Writes go through ``annotations.services``; with htmx the panel is re-rendered in place
(``sentence_panel.html#panel``), without JavaScript a write redirects back to the page.
A stale write (someone changed the same field since the user loaded it) gets 409 and the
panel with the current state beside the user's own input, which stays in the form; a
write on an approved article gets 409 and says an editor must reopen it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from annotations import services
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
from annotations.models import Claim, Evidence
from annotations.panels import (
    HISTORY_OPEN,
    conflict_rows,
    history_requested,
    page_context,
    panel_context,
    timeline_context,
)
from annotations.rollups import article_counts
from newsroom.models import Article, Sentence

CHANGE_PERM = "annotations.change_factcheck"


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


def _render_page(
    request: HttpRequest,
    article: Article,
    selected_pk: Any,
    status: int = 200,
    part: Any = None,
    **panel: Any,
) -> HttpResponse:
    context = page_context(request, article, selected_pk, part, **panel)
    return render(request, "annotations/article_detail.html", context, status=status)


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
    """The side panel of one sentence (htmx); without htmx, the article page showing it.
    With ``?history=open`` only the sentence's history timeline (what the panel's History
    loads when opened), or without htmx the page with the timeline shown."""
    sentence = _sentence(pk)
    wants_history = history_requested(request)
    if not request.htmx:
        url = reverse("annotations:article-detail", args=[sentence.article_id])
        shown = f"&history={HISTORY_OPEN}" if wants_history else ""
        return redirect(f"{url}?s={sentence.pk}{shown}#s-{sentence.pk}")
    if wants_history:
        return render(
            request, "annotations/sentence_panel.html#timeline", timeline_context(sentence)
        )
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
