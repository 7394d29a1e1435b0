"""The article list at the site root, the dashboard, and the review workflow endpoint."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from annotations import review, rollups
from annotations.forms import ArticleFilterForm
from annotations.models import ArticleReview, FactCheck
from annotations.paging import CappedPaginator, capped_counts, count_cap
from newsroom.models import Article, span_text

PAGE_SIZE = 25
QUEUE_SIZE = 50
RECENT_SIZE = 15


def _with_progress_objects(articles, user) -> list[Article]:
    """Each article with its ``progress`` and the workflow ``moves`` ``user`` may make."""
    articles = list(articles)
    for article in articles:
        article.progress = rollups.Progress.of(article)
        article.moves = review.available_moves(
            state=article.workflow_state, progress=article.progress, user=user
        )
    return articles


def my_queue(user) -> QuerySet[FactCheck]:
    return (
        rollups.open_fact_checks_assigned_to(user)
        .select_related("article", "sentence")
        .defer("article__raw_text")
        .annotate(text=span_text("sentence__"))
        .order_by("article__title", "article_id", "sentence__position")
    )[:QUEUE_SIZE]


@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    """All articles with their review progress; search, filters, pagination, my queue."""
    form = ArticleFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    articles = rollups.articles().matching(data, request.user)
    page = CappedPaginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _with_progress_objects(
        rollups.page_with_progress(page.object_list, rollups.LIST_BASE.all()), request.user
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "queue": my_queue(request.user),
        "count_cap": count_cap(),
        "states": ArticleReview.State.choices,
    }
    return render(request, "annotations/article_list.html", context)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Articles by workflow state, what is waiting for me, recently changed sentences."""
    # Per state, each count capped (``paging``; one query) and read from the review's
    # state index alone; "new" is also every article without a review row.
    cap = count_cap()
    choices = ArticleReview.State.choices
    counts = capped_counts(
        [ArticleReview.objects.filter(state=value) for value, _ in choices]
        # NOT EXISTS, not a LEFT JOIN … IS NULL: PostgreSQL stops at the cap instead of
        # hashing every review (45 ms against 570 at 1,000,000 articles).
        + [Article.objects.filter(~Exists(ArticleReview.objects.filter(article=OuterRef("pk"))))],
        cap,
    )
    counts[0] = min(counts[0] + counts.pop(), cap + 1)  # State.NEW is the first choice
    states = [(value, label, n) for (value, label), n in zip(choices, counts, strict=True)]
    editor = request.user.has_perm(review.APPROVE_PERMISSION)
    waiting = Article.objects.all()
    if editor:
        waiting = rollups.articles(waiting).in_state(ArticleReview.State.IN_REVIEW)
    else:
        waiting = waiting.filter(
            Exists(
                rollups.open_fact_checks_assigned_to(request.user).filter(article=OuterRef("pk"))
            )
        )
    waiting = waiting.order_by("-review__changed_at", "-imported_at")[:PAGE_SIZE]
    waiting = _with_progress_objects(
        rollups.page_with_progress(waiting, rollups.LIST_BASE.all()), request.user
    )
    recent = (
        FactCheck.history.select_related("history_user")
        .annotate(
            text=span_text("sentence__"),
            article_title=F("sentence__article__title"),
            article_pk=F("sentence__article_id"),
        )
        .filter(article_pk__isnull=False)  # the sentence still exists
        .order_by("-history_date", "-history_id")[:RECENT_SIZE]
    )
    context = {
        "states": states,
        "count_cap": cap,
        "waiting": waiting,
        "editor": editor,
        "recent": recent,
    }
    return render(request, "annotations/dashboard.html", context)


ACTIONS = {
    "send": (review.SEND_PERMISSION, "Sent to review."),
    "approve": (review.APPROVE_PERMISSION, "Approved."),
    "request_changes": (review.APPROVE_PERMISSION, "Changes requested."),
    "reopen": (review.APPROVE_PERMISSION, "Reopened: back in review."),
}


@require_POST
def article_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an article through the workflow: action = send, approve, request_changes or
    reopen (the last two with ``reason``, an override with ``override_reason``)."""
    article = get_object_or_404(Article, pk=pk)
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        return HttpResponseBadRequest("Unknown workflow action.")
    permission, done = ACTIONS[action]
    if not request.user.has_perm(permission):
        raise PermissionDenied
    try:
        if action == "send":
            review.send_to_review(article=article, user=request.user)
        elif action == "approve":
            review.approve(
                article=article,
                user=request.user,
                override_reason=request.POST.get("override_reason", ""),
            )
        elif action == "reopen":
            review.reopen(article=article, user=request.user, reason=request.POST.get("reason", ""))
        else:
            review.request_changes(
                article=article, user=request.user, reason=request.POST.get("reason", "")
            )
    except review.ReviewRefused as refused:
        messages.error(request, f"“{article.title}” not changed: {str(refused).rstrip('.')}.")
    else:
        messages.success(request, f"“{article.title}”: {done}")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "annotations:article-list"
    return redirect(target)
