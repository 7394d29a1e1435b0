"""The Article admin's actions: workflow moves through the ``review`` services (with a
reason form where one is required), re-detection, and the two exports, which are
``annotations.exports`` streamed from here. For many articles, re-detection and every
export format also run as background jobs (``annotations.tasks``): the action starts the
job and links its page."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.html import format_html

from annotations import review, rollups, tasks
from annotations.admin.common import (
    FLAG_PERMISSION,
)
from newsroom.models import Article

# Background jobs are for editors (and administrators): the role that may change articles.
JOB_PERMISSION = "newsroom.change_article"
EXPORT_LABELS = {"json": "lossless JSON", "csv": "CSV", "claimreview": "ClaimReview", "w3c": "W3C"}


def _job_started(modeladmin, request, job, what: str) -> None:
    modeladmin.message_user(
        request,
        format_html(
            '{} started as job #{}: <a href="{}">follow it here</a>.',
            what,
            job.pk,
            job.get_absolute_url(),
        ),
        messages.SUCCESS,
    )


def _export_job_action(name: str):
    """The admin action that exports the selected articles in format ``name`` as a job."""

    @admin.action(
        description=f"Export selected articles ({EXPORT_LABELS[name]}, background job)",
        permissions=["job"],
    )
    def action(modeladmin, request, queryset):
        job = tasks.start_export(
            format=name,
            article_ids=list(queryset.order_by("pk").values_list("pk", flat=True)),
            user=request.user,
            base_url=request.build_absolute_uri("/"),
        )
        _job_started(modeladmin, request, job, f"The {EXPORT_LABELS[name]} export")

    action.__name__ = f"export_{name}_job"
    return action


class ArticleActions:
    """Mixed into ``ArticleAdmin`` (a ModelAdmin): its action permissions and actions."""

    # Permissions of the actions

    def has_review_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(review.SEND_PERMISSION)

    def has_approve_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(review.APPROVE_PERMISSION)

    def has_override_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perms([review.APPROVE_PERMISSION, review.OVERRIDE_PERMISSION])

    def has_flag_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(FLAG_PERMISSION)

    def has_job_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(JOB_PERMISSION)

    def has_redetect_job_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perms([JOB_PERMISSION, FLAG_PERMISSION])

    # Actions

    def _transition(self, request, queryset, move, done: str) -> None:
        moved, refused = 0, []
        for article in queryset:
            try:
                move(article)
            except review.ReviewRefused as error:
                refused.append((article, error))
            else:
                moved += 1
        if moved:
            noun = "article" if moved == 1 else "articles"
            self.message_user(request, f"{moved} {noun} {done}.", messages.SUCCESS)
        for article, error in refused:
            self._refused(request, article, str(error))

    def _refused(self, request, article: Article, error: str) -> None:
        # The services' reasons end with a period already.
        self.message_user(
            request, f"“{article.title}” refused: {error.rstrip('.')}.", messages.ERROR
        )

    def _with_reason(
        self, request, queryset, *, action: str, field: str, title: str, intro: str, move, done
    ):
        """An action that needs a written reason. Every precondition but the reason (the
        state each article is in) is checked first: articles that cannot take the move
        are reported at once and left out, and the reason is asked only for the others.
        ``move(article, reason)`` calls the review service."""
        allowed, notes = [], {}
        for article in rollups.with_live_progress(queryset):
            refusal = review.state_refusal(article.workflow_state, action)
            if refusal:
                if "apply" not in request.POST:
                    self._refused(request, article, refusal)
                continue
            allowed.append(article)
            if action == "approve":
                notes[article.pk] = review.guard_reasons(rollups.Progress.of(article))
        if not allowed:
            return None
        reason = request.POST.get(field, "").strip()
        if "apply" in request.POST and reason:
            self._transition(
                request,
                Article.objects.filter(pk__in=[a.pk for a in allowed]),
                lambda a: move(a, reason),
                done,
            )
            return None
        if "apply" in request.POST:
            self.message_user(request, "Give a reason: it is required.", messages.ERROR)
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "intro": intro,
            "opts": self.model._meta,
            "articles": [(a, notes.get(a.pk, [])) for a in allowed],
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "action": action if action != "approve" else "approve_with_override",
            "field": field,
            "reason": reason,
        }
        return TemplateResponse(request, "admin/newsroom/article/workflow_reason.html", context)

    @admin.action(description="Send selected articles to review", permissions=["review"])
    def send_to_review(self, request, queryset):
        user = request.user
        self._transition(
            request,
            queryset,
            lambda a: review.send_to_review(article=a, user=user),
            "sent to review",
        )

    @admin.action(description="Approve selected articles", permissions=["approve"])
    def approve(self, request, queryset):
        user = request.user
        self._transition(
            request, queryset, lambda a: review.approve(article=a, user=user), "approved"
        )

    @admin.action(
        description="Approve selected articles over the guard (with a reason)",
        permissions=["override"],
    )
    def approve_with_override(self, request, queryset):
        user = request.user
        return self._with_reason(
            request,
            queryset,
            action="approve",
            field="override_reason",
            title="Approve over the review guard",
            intro="These articles will be approved even though the review guard would refuse "
            "them. Your reason is recorded on each article and in its workflow history.",
            move=lambda a, reason: review.approve(article=a, user=user, override_reason=reason),
            done="approved",
        )

    @admin.action(
        description="Request changes on selected articles (with a reason)",
        permissions=["approve"],
    )
    def request_changes(self, request, queryset):
        user = request.user
        return self._with_reason(
            request,
            queryset,
            action="request_changes",
            field="reason",
            title="Request changes",
            intro="These articles go back to their fact-checkers. Say what should change: "
            "they read it on the article page, the list and the dashboard.",
            move=lambda a, reason: review.request_changes(article=a, user=user, reason=reason),
            done="sent back with changes requested",
        )

    @admin.action(description="Re-run artifact detection", permissions=["flag"])
    def redetect_artifacts(self, request, queryset):
        from annotations import flagging

        total = flagging.RedetectResult()
        count = 0
        for article in queryset:
            total += flagging.redetect_flags(article=article, user=request.user)
            count += 1
        self.message_user(
            request,
            f"Re-ran detection on {count} article{'s' if count != 1 else ''}: "
            f"{total.added} suggestions added, {total.removed} removed, {total.kept} kept, "
            f"{total.decisions} editor decisions left untouched.",
            messages.SUCCESS,
        )

    @admin.action(description="Export selected articles (lossless JSON)", permissions=["view"])
    def export_json(self, request, queryset):
        """The lossless export (``annotations.exports.lossless``): it re-imports with
        ``manage.py import_lossless``."""
        from annotations.exports.formats import streaming_response

        articles = Article.objects.filter(pk__in=queryset.values("pk"))
        return streaming_response(request, "json", articles, filename="articles.json")

    @admin.action(description="Export sentences of selected articles (CSV)", permissions=["view"])
    def export_csv(self, request, queryset):
        from annotations.exports.formats import streaming_response

        articles = Article.objects.filter(pk__in=queryset.values("pk"))
        return streaming_response(request, "csv", articles, filename="sentences.csv")

    @admin.action(
        description="Re-run artifact detection (background job)", permissions=["redetect_job"]
    )
    def redetect_artifacts_job(self, request, queryset):
        job = tasks.start_redetection(
            article_ids=list(queryset.order_by("pk").values_list("pk", flat=True)),
            user=request.user,
        )
        _job_started(self, request, job, "Re-detection")

    export_json_job = _export_job_action("json")
    export_csv_job = _export_job_action("csv")
    export_claimreview_job = _export_job_action("claimreview")
    export_w3c_job = _export_job_action("w3c")
