"""Artifact flag decisions (editors) and the article's clean text (everyone).

Writes are POST-only and call ``annotations.flagging``. With htmx they are answered in
place, bounded by the flag (never by the article): a decision on one flag returns that
flag's panel entry, its kind's counts, the pending badge, the blocks of the article text
around the flag (its marks, labels and skipped sentences) and the progress bar, all
out-of-band, so the page keeps its scroll position and open sentence. A decision on a
whole kind, or a new flag, returns the flags panel of the part shown (at most one part's
flags) and the text it changed. The page sends the text range of its part and whether
dismissed flags are shown (``hx-vals`` on the panel). Without JavaScript a write
redirects back to the article page (errors as messages). A refused write answers 422
with the error where the user acted: at the flag, or at the "Flag a span" form with
what they typed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import Max, Min
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import escape
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from annotations import flagging
from annotations.article_html import region_html
from annotations.forms import AddFlagForm, DecideForm, DecideKindForm
from annotations.models import ArtifactFlag
from annotations.panels import flag_panel_vals, shows_dismissed
from annotations.rollups import article_counts
from annotations.services import StaleVersion
from newsroom.models import Article
from newsroom.text import artifacts

CHANGE_PERM = "annotations.change_artifactflag"


def _first_error(form: forms.Form) -> str:
    return next(iter(form.errors.values()))[0]


def _window(request: HttpRequest, article: Article) -> tuple[int, int]:
    """The part of the text the page shows, from the write's ``text_start``/``text_end``
    (clamped to the text; anything else: the whole text)."""
    length = len(article.raw_text)
    values = []
    for name, default in (("text_start", 0), ("text_end", length)):
        raw = request.POST.get(name, "")
        values.append(int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 12 else default)
    start, end = min(values[0], length), min(values[1], length)
    return (start, end) if start < end else (0, length)


def _around(request: HttpRequest, article: Article, spans: list[tuple[int, int]]) -> dict[str, Any]:
    """The out-of-band parts of a write's answer: the text around ``spans`` and the
    progress bar (sentences inside confirmed flags are not counted)."""
    window = _window(request, article)
    show = shows_dismissed(request.POST)
    html = ""
    if spans:
        html = region_html(
            article,
            start=min(s for s, _ in spans),
            end=max(e for _, e in spans),
            window=window,
            show_dismissed=show,
        )
    return {
        "article": article,
        "region_html": html,
        "progress": article_counts(article),
        **flag_panel_vals(*window, show),
    }


def _panel(request: HttpRequest, article: Article) -> flagging.FlagPanel:
    start, end = _window(request, article)
    if start == 0 and end == len(article.raw_text):
        return flagging.panel_flags(article)
    return flagging.part_flags(article, start=start, end=end)


def _respond(
    request: HttpRequest,
    article: Article,
    error: str = "",
    spans: list[tuple[int, int]] | None = None,
) -> HttpResponse:
    """The whole flags panel of the part (htmx), or a redirect to the article page."""
    if request.htmx:
        context = {"flags": _panel(request, article), "flag_error": error}
        context.update(_around(request, article, [] if error else spans or []))
        # 422 for a refused write: the article page's htmx config swaps it in.
        status = 422 if error else 200
        response = render(request, "annotations/flag_response.html", context, status=status)
        response["HX-Retarget"] = "#flag-panel"
        response["HX-Reswap"] = "outerHTML"
        return response
    if error:
        messages.error(request, error)
    return redirect(article.get_absolute_url() + "#flag-panel")


def _respond_flag(request: HttpRequest, flag: ArtifactFlag, error: str = "") -> HttpResponse:
    """After a decision on one flag: that flag's entry and what it changes (htmx), or a
    redirect to the article page."""
    article = flag.article
    if not request.htmx:
        return _respond(request, article, error)
    flagging.with_flag_text(article, [flag])
    context = {"flag": flag, "summary": flagging.flag_summary(flag), "flag_error": error}
    context.update(_around(request, article, [] if error else [(flag.start, flag.end)]))
    response = render(
        request, "annotations/flag_response.html", context, status=422 if error else 200
    )
    response["HX-Retarget"] = f"#flag-{flag.pk}"
    response["HX-Reswap"] = "outerHTML"
    return response


def _respond_add_form(request: HttpRequest, article: Article, form: AddFlagForm, error: str):
    """A refused "Flag a span": the form again with the error at it and what was typed
    (htmx), or a redirect with the error as a message."""
    if not request.htmx:
        return _respond(request, article, error)
    if request.POST.get("via") == "selection":
        # From the menu under a selection in the text: the message goes under the menu.
        response = HttpResponse(escape(error), status=422)
        response["HX-Retarget"] = "#selection-error"
        response["HX-Reswap"] = "innerHTML"
        return response
    context = {"article": article, "add_form": form, "add_error": error, "flags": FlagKinds()}
    response = render(request, "annotations/flag_panel.html#add-form", context, status=422)
    response["HX-Retarget"] = "#flag-add-form"
    response["HX-Reswap"] = "outerHTML"
    return response


class FlagKinds:
    """The kinds the add form offers, for ``flag_panel.html#add-form`` rendered alone."""

    kind_choices = [(kind, label) for kind, label in artifacts.KIND_LABELS.items()]


def _flag(pk: int) -> ArtifactFlag:
    return get_object_or_404(ArtifactFlag.objects.select_related("article"), pk=pk)


def _int(value) -> int | None:
    """The flag version a decision form sent (None: not sent, no check)."""
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else None


def _stale(request: HttpRequest, error: StaleVersion) -> HttpResponse:
    """409: someone decided the flag after the editor loaded it; the flag as it is now."""
    flag = error.current
    who = flag.decided_by.get_username() if flag.decided_by else "someone else"
    message = (
        f"Not saved: {who} decided this flag meanwhile (it is now "
        f"{flag.get_state_display().lower()}). Look at it again before deciding."
    )
    response = _respond_flag(request, flag, message)
    if request.htmx:
        response.status_code = 409
    return response


@require_POST
@permission_required(CHANGE_PERM, raise_exception=True)
def flag_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm or dismiss one flag (``state`` = confirmed | dismissed)."""
    flag = _flag(pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        return _respond_flag(request, flag, _first_error(form))
    try:
        flag = flagging.decide_flag(
            flag=flag,
            user=request.user,
            state=form.cleaned_data["state"],
            expected_version=_int(request.POST.get("version")),
        )
    except ArtifactFlag.DoesNotExist:  # deleted by a re-detection meanwhile
        raise Http404 from None
    except StaleVersion as error:
        return _stale(request, error)
    return _respond_flag(request, flag)


@require_POST
@permission_required(CHANGE_PERM, raise_exception=True)
def flag_decide_kind(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm or dismiss every pending flag of one kind on the article."""
    article = get_object_or_404(Article, pk=pk)
    form = DecideKindForm(request.POST)
    if not form.is_valid():
        return _respond(request, article, _first_error(form))
    # The text the decision redraws: from the first to the last pending flag of the kind.
    reach = (
        article.artifact_flags.filter(kind=form.cleaned_data["kind"])
        .pending()
        .aggregate(start=Min("start"), end=Max("end"))
    )
    flagging.decide_kind(article=article, user=request.user, **form.cleaned_data)
    spans = [(reach["start"], reach["end"])] if reach["start"] is not None else []
    return _respond(request, article, spans=spans)


@require_POST
@permission_required(CHANGE_PERM, raise_exception=True)
def flag_undo(request: HttpRequest, pk: int) -> HttpResponse:
    """Return a flag to the state before its last decision."""
    flag = _flag(pk)
    try:
        flag = flagging.undo_flag(
            flag=flag, user=request.user, expected_version=_int(request.POST.get("version"))
        )
    except ArtifactFlag.DoesNotExist:
        raise Http404 from None
    except StaleVersion as error:
        return _stale(request, error)
    except ValidationError as error:
        return _respond_flag(request, flag, error.messages[0])
    return _respond_flag(request, flag)


@require_POST
@permission_required(CHANGE_PERM, raise_exception=True)
def flag_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Flag a span the detector missed, by code-point offsets or by its exact text."""
    article = get_object_or_404(Article, pk=pk)
    form = AddFlagForm(request.POST, article=article)
    if not form.is_valid():
        return _respond_add_form(request, article, form, _first_error(form))
    data = form.cleaned_data
    try:
        flag = flagging.add_flag(
            article=article,
            start=data["start"],
            end=data["end"],
            kind=data["kind"],
            user=request.user,
        )
    except ValidationError as error:
        return _respond_add_form(request, article, form, error.messages[0])
    return _respond(request, article, spans=[(flag.start, flag.end)])


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
