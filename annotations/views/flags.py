"""Artifact flag decisions (editors) and the article's clean text (everyone).

Writes are POST-only and call ``annotations.flagging``. With htmx the response is the
flags panel (``flag_panel.html``) re-rendered in place, plus an ``HX-Trigger:
flags-changed`` event so the article page can refresh its marks; without JavaScript a
write redirects back to the article page (errors as messages). A refused write answers
422 with the panel showing why.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from annotations import flagging
from annotations.models import ArtifactFlag, artifact_kind_choices
from newsroom.models import Article

CHANGE_PERM = "annotations.change_artifactflag"
DECISION_CHOICES = [(s.value, s.label) for s in flagging.DECISIONS]


class DecideForm(forms.Form):
    state = forms.ChoiceField(choices=DECISION_CHOICES)


class DecideKindForm(DecideForm):
    kind = forms.ChoiceField(choices=artifact_kind_choices)
    # Only the suggestions the detector is confident of (NEWSROOM_CONFIDENT_FLAG).
    confident_only = forms.BooleanField(required=False)


class AddFlagForm(forms.Form):
    """A span by code-point offsets (the page's selection), or by its exact text (no JS)."""

    start = forms.IntegerField(min_value=0, required=False)
    end = forms.IntegerField(min_value=1, required=False)
    quote = forms.CharField(required=False, strip=False, max_length=20_000)
    kind = forms.ChoiceField(choices=artifact_kind_choices)

    def __init__(self, *args, article: Article, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.article = article

    def clean(self) -> dict:
        data = super().clean()
        start, end, quote = data.get("start"), data.get("end"), data.get("quote")
        if start is not None and end is not None:
            return data
        if not quote or not quote.strip():
            raise ValidationError("Give the start and end offsets, or the text to flag.")
        text = self.article.raw_text
        count = text.count(quote)
        if count != 1:
            raise ValidationError(
                "That text appears %(count)d times in the article; select it on the page.",
                params={"count": count},
                code="ambiguous_quote" if count else "quote_not_found",
            )
        data["start"] = text.index(quote)
        data["end"] = data["start"] + len(quote)
        return data


def _first_error(form: forms.Form) -> str:
    return next(iter(form.errors.values()))[0]


def _respond(request: HttpRequest, article: Article, error: str = "") -> HttpResponse:
    if request.htmx:
        context = {"article": article, "flags": flagging.panel_flags(article), "flag_error": error}
        # 422 for a refused write: the article page's htmx config swaps it in.
        status = 422 if error else 200
        response = render(request, "annotations/flag_panel.html", context, status=status)
        if not error:
            response["HX-Trigger"] = "flags-changed"
        return response
    if error:
        messages.error(request, error)
    return redirect(article.get_absolute_url() + "#flag-panel")


def _flag(pk: int) -> ArtifactFlag:
    return get_object_or_404(ArtifactFlag.objects.select_related("article"), pk=pk)


@require_POST
@permission_required(CHANGE_PERM, raise_exception=True)
def flag_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm or dismiss one flag (``state`` = confirmed | dismissed)."""
    flag = _flag(pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        return _respond(request, flag.article, _first_error(form))
    try:
        flagging.decide_flag(flag=flag, user=request.user, state=form.cleaned_data["state"])
    except ArtifactFlag.DoesNotExist:  # deleted by a re-detection meanwhile
        raise Http404 from None
    return _respond(request, flag.article)


@require_POST
@permission_required(CHANGE_PERM, raise_exception=True)
def flag_decide_kind(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm or dismiss every pending flag of one kind on the article."""
    article = get_object_or_404(Article, pk=pk)
    form = DecideKindForm(request.POST)
    if not form.is_valid():
        return _respond(request, article, _first_error(form))
    flagging.decide_kind(article=article, user=request.user, **form.cleaned_data)
    return _respond(request, article)


@require_POST
@permission_required(CHANGE_PERM, raise_exception=True)
def flag_undo(request: HttpRequest, pk: int) -> HttpResponse:
    """Return a flag to the state before its last decision."""
    flag = _flag(pk)
    try:
        flagging.undo_flag(flag=flag, user=request.user)
    except ArtifactFlag.DoesNotExist:
        raise Http404 from None
    except ValidationError as error:
        return _respond(request, flag.article, error.messages[0])
    return _respond(request, flag.article)


@require_POST
@permission_required(CHANGE_PERM, raise_exception=True)
def flag_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Flag a span the detector missed, by code-point offsets or by its exact text."""
    article = get_object_or_404(Article, pk=pk)
    form = AddFlagForm(request.POST, article=article)
    if not form.is_valid():
        return _respond(request, article, _first_error(form))
    data = form.cleaned_data
    try:
        flagging.add_flag(
            article=article,
            start=data["start"],
            end=data["end"],
            kind=data["kind"],
            user=request.user,
        )
    except ValidationError as error:
        return _respond(request, article, error.messages[0])
    return _respond(request, article)


@require_GET
@permission_required("newsroom.view_article", raise_exception=True)
def article_clean(request: HttpRequest, pk: int) -> HttpResponse:
    """The article without its confirmed artifacts, whitespace normalised."""
    article = get_object_or_404(Article, pk=pk)
    context = {"article": article, "clean_text": flagging.article_clean_text(article)}
    return render(request, "annotations/article_clean.html", context)


@require_GET
@permission_required("newsroom.view_article", raise_exception=True)
def article_clean_txt(request: HttpRequest, pk: int) -> HttpResponse:
    """The clean text as a UTF-8 ``.txt`` download named after the title."""
    article = get_object_or_404(Article, pk=pk)
    response = HttpResponse(
        flagging.article_clean_text(article) + "\n", content_type="text/plain; charset=utf-8"
    )
    name = slugify(article.title)[:80].strip("-") or f"article-{article.pk}"
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.txt")
    response["X-Content-Type-Options"] = "nosniff"
    return response
