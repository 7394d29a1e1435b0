"""An article's revisions: what changed between two of them, how the desk's work went
over (carried, moved, orphaned), and the orphans an editor places or discards.

Reads come from ``annotations.reanchor.revision_changes``; the two writes call
``reanchor.place_orphan`` and ``reanchor.discard_orphan``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from annotations import reanchor
from annotations.forms import OrphanPlaceForm
from annotations.models import Reanchor
from newsroom.models import Article, Sentence

# Deciding what happens to an orphan is an editor's decision, like an artifact flag's.
DECIDE_PERM = "annotations.change_artifactflag"


def _number(value: str | None, default: int, last: int) -> int:
    try:
        number = int(value or default)
    except ValueError:
        return default
    return number if 1 <= number <= last else default


@login_required
@require_GET
def article_revisions(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(
        Article.objects.select_related("source", "imported_by", "revised_by"), pk=pk
    )
    last = article.revision
    new = _number(request.GET.get("to"), last, last)
    old = _number(request.GET.get("from"), max(1, new - 1), last)
    changes = reanchor.revision_changes(article, old, new)
    if changes is None:  # a kept revision missing (older data): compare nothing
        raise Http404("No such revision.")
    orphans = list(
        article.reanchors.orphans().select_related("created_by").order_by("revision", "old_start")
    )
    kept = list(
        article.revisions.select_related("imported_by", "superseded_by")
        .defer("raw_text", "blocks", "sentences")
        .order_by("-number")
    )
    return render(
        request,
        "annotations/article_revisions.html",
        {
            "article": article,
            "changes": changes,
            "orphans": orphans,
            "kept": kept,
            "numbers": list(range(1, last + 1)),
            "can_decide": request.user.has_perm(DECIDE_PERM),
            "place_form": OrphanPlaceForm(),
        },
    )


def _back(orphan: Reanchor) -> HttpResponse:
    return redirect(reverse("annotations:article-revisions", args=[orphan.article_id]) + "#orphans")


@login_required
@permission_required(DECIDE_PERM, raise_exception=True)
@require_POST
def orphan_place(request: HttpRequest, pk: int) -> HttpResponse:
    orphan = get_object_or_404(Reanchor, pk=pk)
    form = OrphanPlaceForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return _back(orphan)
    number = form.cleaned_data["sentence"]
    sentence = None
    if number is not None:
        sentence = Sentence.objects.filter(
            article_id=orphan.article_id, position=number - 1
        ).first()
        if sentence is None:
            messages.error(request, f"The article has no sentence {number}.")
            return _back(orphan)
    try:
        reanchor.place_orphan(
            reanchor=orphan, user=request.user, sentence=sentence, text=form.cleaned_data["text"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{orphan.get_kind_display()} placed on the current text.")
    return _back(orphan)


@login_required
@permission_required(DECIDE_PERM, raise_exception=True)
@require_POST
def orphan_discard(request: HttpRequest, pk: int) -> HttpResponse:
    orphan = get_object_or_404(Reanchor, pk=pk)
    try:
        reanchor.discard_orphan(reanchor=orphan, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{orphan.get_kind_display()} discarded.")
    return _back(orphan)
