"""The Article admin: list columns from the review roll-ups, the change page with its
read-only inlines and workflow history. Its actions are in ``article_actions``."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from annotations import rollups
from annotations.admin import filters
from annotations.admin.article_actions import ArticleActions
from annotations.admin.changelist import ArticleChangeList
from annotations.admin.common import (
    CHANGE_PAGE_TEXT_CHARS,
    INLINE_ROWS,
    progress_bar,
)
from annotations.admin.inlines import ArtifactFlagInline, SentenceInline
from annotations.models import (
    ArticleReview,
    ArtifactFlag,
)
from annotations.paging import CappedPaginator
from newsroom.admin_input import SafeInputAdmin
from newsroom.models import Article, Sentence

# Where the article came from and its revisions: shown read-only, in a collapsed fieldset.
IMPORT_FIELDS = (
    "content_hash",
    "external_id",
    "revision",
    "revised_at",
    "revised_by",
    "imported_by",
    "imported_at",
    "origin_name",
    "origin_format",
    "origin_index",
    "title_in_text",
)


@admin.register(Article)
class ArticleAdmin(ArticleActions, SafeInputAdmin):
    list_display = (
        "title",
        "source",
        "published",
        "revision",
        "workflow",
        "progress",
        "false_misleading",
        "pending",
        "assignees",
        "last_activity",
    )
    list_select_related = ("source", "review")
    list_filter = (
        filters.WorkflowStateFilter,
        "source",
        "published",
        filters.FalseMisleadingFilter,
        filters.PendingFlagsFilter,
        filters.UncheckedFilter,
        filters.AssignedToFilter,
    )
    search_fields = ("title", "url", "raw_text")
    date_hierarchy = "published"
    list_per_page = 50
    # A filtered page shows "N results" without a second COUNT(*) over the whole table.
    show_full_result_count = False
    # Counts stop at NEWSROOM_COUNT_CAP + 1 rows (``annotations.paging``): a filter that
    # matches most of a million articles does not count them all.
    paginator = CappedPaginator
    actions = (
        "send_to_review",
        "approve",
        "approve_with_override",
        "request_changes",
        "redetect_artifacts",
        "export_json",
        "export_csv",
        "redetect_artifacts_job",
        "export_json_job",
        "export_csv_job",
        "export_claimreview_job",
        "export_w3c_job",
    )
    inlines = (SentenceInline, ArtifactFlagInline)
    fieldsets = (
        (None, {"fields": ("title", "url", "source", "published", "byline", "annotation_link")}),
        ("Review", {"fields": ("workflow", "progress", "pending", "workflow_history")}),
        ("Text", {"fields": ("raw_text_display", "spans")}),
        (
            "Import",
            {
                "classes": ("collapse",),
                "fields": IMPORT_FIELDS,
            },
        ),
    )
    readonly_fields = (
        "annotation_link",
        "workflow",
        "progress",
        "pending",
        "workflow_history",
        "raw_text_display",
        "spans",
        *IMPORT_FIELDS,
    )

    class Media:
        css = {"all": ("annotations/review.css",)}

    def get_changelist(self, request: HttpRequest, **kwargs):
        return ArticleChangeList

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Articles come in through the import service (Import page, import_articles), which
        # parses them into blocks, sentences and suggested flags; a bare form could not.
        return False

    def get_object(self, request: HttpRequest, object_id: str, from_field=None):
        # The change page shows the roll-up: annotate the one row it fetches.
        queryset = rollups.with_progress(self.get_queryset(request))
        field = Article._meta.pk if from_field is None else Article._meta.get_field(from_field)
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (Article.DoesNotExist, ValidationError, ValueError):
            return None

    # Columns

    @admin.display(description="workflow", ordering="workflow_state")
    def workflow(self, article: Article) -> str:
        label = ArticleReview.State(article.workflow_state).label
        reason = getattr(getattr(article, "review", None), "override_reason", "")
        if article.workflow_state == ArticleReview.State.APPROVED and reason:
            return format_html('{} <bdi title="{}">(override: {})</bdi>', label, reason, reason)
        return label

    @admin.display(description="progress", ordering="open_count")
    def progress(self, article: Article) -> str:
        return progress_bar(rollups.Progress.of(article))

    @admin.display(description="false + misleading", ordering="false_misleading_count")
    def false_misleading(self, article: Article) -> int:
        return article.false_misleading_count

    @admin.display(description="pending flags", ordering="pending_flags")
    def pending(self, article: Article) -> int:
        return article.pending_flags

    @admin.display(description="assignees")
    def assignees(self, article: Article) -> str:
        return ", ".join(rollups.Progress.of(article).assignees) or "—"

    @admin.display(description="last activity", ordering="last_activity")
    def last_activity(self, article: Article):
        return article.last_activity

    # Change page

    @admin.display(description="raw text")
    def raw_text_display(self, article: Article) -> str:
        text = article.raw_text
        if len(text) <= CHANGE_PAGE_TEXT_CHARS:
            return format_html('<pre class="nr-pre-wrap">{}</pre>', text)
        return format_html(
            '<pre class="nr-pre-wrap">{}</pre><p>… {} more characters: the '
            '<a href="{}">article page</a> shows the whole text, in parts.</p>',
            text[:CHANGE_PAGE_TEXT_CHARS],
            intcomma(len(text) - CHANGE_PAGE_TEXT_CHARS),
            article.get_absolute_url(),
        )

    @admin.display(description="sentences and flags")
    def spans(self, article: Article) -> str:
        """How many rows the inlines below hold, with links to all of them."""
        lines = []
        for model, count in (
            (Sentence, Sentence.objects.filter(article=article).count()),
            (ArtifactFlag, ArtifactFlag.objects.filter(article=article).count()),
        ):
            opts = model._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            shown = f"the first {INLINE_ROWS} below" if count > INLINE_ROWS else "all below"
            lines.append(
                format_html(
                    '{} {} ({}; <a href="{}?article__id__exact={}">all in the list</a>)',
                    intcomma(count),
                    opts.verbose_name_plural,
                    shown,
                    url,
                    article.pk,
                )
            )
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))

    @admin.display(description="annotation page")
    def annotation_link(self, article: Article) -> str:
        try:
            url = reverse("annotations:article-detail", args=[article.pk])
        except NoReverseMatch:
            return "—"
        return format_html('<a href="{}">Open the article page</a>', url)

    @admin.display(description="workflow history")
    def workflow_history(self, article: Article) -> str:
        rows = ArticleReview.history.filter(article_id=article.pk).select_related("history_user")
        rows = rows.order_by("-history_date", "-history_id")
        if not rows:
            return "No workflow changes yet."
        items = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    row.history_date.strftime("%Y-%m-%d %H:%M"),
                    ArticleReview.State(row.state).label,
                    row.history_user.get_username() if row.history_user else "—",
                    row.history_change_reason or "",
                )
                for row in rows
            ),
        )
        return format_html(
            "<table><thead><tr><th>When</th><th>State</th><th>By</th><th>Reason</th></tr>"
            "</thead><tbody>{}</tbody></table>",
            items,
        )
