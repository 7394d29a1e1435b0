"""Admin for the editorial work, and the Article admin with its review roll-ups.

The Article admin lives here (not in newsroom/admin.py) because its columns, filters and
actions are the annotations app's: roll-ups come from ``rollups.with_progress`` applied
once in ``get_queryset`` (one query for the whole page), workflow actions call the
``review`` services, re-detection calls ``flagging.redetect_flags``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.contrib.auth import get_user_model
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Substr
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin

from annotations import review, rollups, services
from annotations.models import (
    ArticleReview,
    ArtifactFlag,
    Claim,
    Evidence,
    FactCheck,
    SourceFeedback,
)
from annotations.templatetags.bidi import reveal_controls
from annotations.templatetags.review_admin import drill_down_range
from newsroom.admin_input import SafeInputAdmin
from newsroom.models import Article, Sentence

FLAG_PERMISSION = "annotations.change_artifactflag"


def progress_bar(progress: rollups.Progress) -> str:
    """The coloured status segments of one article, numbers on hover (all escaped)."""
    segments = format_html_join(
        "",
        '<span class="nr-seg-{} nr-w-{}" title="{} {}"></span>',
        ((s.status, f"{s.percent:.0f}", s.count, s.label.lower()) for s in progress.segments),
    )
    return format_html(
        '<div class="nr-progress" role="img" title="{}" aria-label="{}">{}</div>',
        progress.summary,
        progress.summary,
        segments,
    )


def _sentence_text(prefix: str = "") -> Substr:
    """The span's text cut out of the article's raw text by the database."""
    return Substr(
        f"{prefix}article__raw_text",
        F(f"{prefix}start") + 1,
        F(f"{prefix}end") - F(f"{prefix}start"),
    )


# --- Article list filters --------------------------------------------------------------


class WorkflowStateFilter(admin.SimpleListFilter):
    title = "workflow state"
    parameter_name = "workflow"

    def lookups(self, request, model_admin):
        return ArticleReview.State.choices

    def queryset(self, request, queryset):
        if self.value() in ArticleReview.State.values:
            return rollups.in_state(queryset, self.value())
        return queryset


class _YesFilter(admin.SimpleListFilter):
    """A yes/no filter backed by a rollups ``Exists`` condition.

    Filtering by the ``Exists`` itself (a semi-join, one index seek per article) rather
    than ``pk IN (subquery)``: the IN list would be the matching articles of the whole
    table, built before the page's LIMIT (SQLite materialises it on every request).
    """

    condition: Any = None

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() not in ("yes", "no"):
            return queryset
        condition = type(self).condition()
        return queryset.filter(condition if self.value() == "yes" else ~condition)


class FalseMisleadingFilter(_YesFilter):
    title = "has false/misleading"
    parameter_name = "false"
    condition = rollups.false_or_misleading_exists


class PendingFlagsFilter(_YesFilter):
    title = "has pending flags"
    parameter_name = "pending"
    condition = rollups.pending_flags_exists


class UncheckedFilter(_YesFilter):
    title = "has unchecked sentences"
    parameter_name = "unchecked"
    condition = rollups.unchecked_exists


class AssignedToFilter(admin.SimpleListFilter):
    title = "assigned to"
    parameter_name = "assignee"

    def lookups(self, request, model_admin):
        users = get_user_model().objects.filter(
            Exists(FactCheck.objects.filter(assignee=OuterRef("pk")))
        )
        return [(str(user.pk), user.get_username()) for user in users.order_by("username")]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return rollups.assigned_to(queryset, int(self.value()))
        return queryset


# --- Article admin ---------------------------------------------------------------------


# Rows an inline of the Article change page shows: an article may have 100,000 sentences.
INLINE_ROWS = 50
# Characters of the raw text the change page shows (the article page shows it all, in parts).
CHANGE_PAGE_TEXT_CHARS = 20_000


class FirstRowsFormSet(BaseInlineFormSet):
    """An inline formset of the first ``INLINE_ROWS`` rows only (the inline is read-only;
    the change page links to the changelist of all of them)."""

    def get_queryset(self):
        if not hasattr(self, "_first_rows"):
            self._first_rows = super().get_queryset()[:INLINE_ROWS]
        return self._first_rows


class SentenceInline(admin.TabularInline):
    model = Sentence
    formset = FirstRowsFormSet
    fields = ("position", "sentence_text", "status", "claims_count", "assignee")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        # The claim count as a subquery, not a GROUP BY join: the LIMIT then applies first.
        claims = (
            Claim.objects.filter(sentence=OuterRef("pk"))
            .order_by()
            .values("sentence")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .select_related("fact_check__assignee")
            .annotate(claims_count=Coalesce(Subquery(claims), 0), text_value=_sentence_text())
            .order_by("position")
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="text")
    def sentence_text(self, sentence: Sentence) -> str:
        return sentence.text_value  # cut out by the database: no article per row

    @admin.display(description="status")
    def status(self, sentence: Sentence) -> str:
        fact_check = getattr(sentence, "fact_check", None)
        return fact_check.get_status_display() if fact_check else "Unchecked"

    @admin.display(description="claims")
    def claims_count(self, sentence: Sentence) -> int:
        return sentence.claims_count

    @admin.display(description="assignee")
    def assignee(self, sentence: Sentence) -> str:
        fact_check = getattr(sentence, "fact_check", None)
        return fact_check.assignee.get_username() if fact_check and fact_check.assignee else "—"


class ArtifactFlagInline(admin.TabularInline):
    model = ArtifactFlag
    formset = FirstRowsFormSet
    fields = ("kind", "state", "origin", "start", "end", "flagged_text", "reason", "decided_by")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("decided_by")
            .annotate(text_value=_sentence_text())
            .order_by("start", "end", "pk")
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="text")
    def flagged_text(self, flag: ArtifactFlag) -> str:
        return flag.text_value


# Roll-up annotations a column may be sorted by (``admin.display(ordering=...)``).
ROLLUP_ORDERING = frozenset(
    {"workflow_state", "open_count", "false_misleading_count", "pending_flags", "last_activity"}
)


class ArticleChangeList(ChangeList):
    """Computes the roll-ups for the shown page only (see ``rollups.page_with_progress``).

    The queryset it filters, counts and pages is plain: the roll-up annotations are a
    large expression tree that every clone copies and every query compiles (measured
    ~30 ms of Python per changelist request at 10,000 articles). They are added to the
    whole queryset only when a roll-up column is the sort key, which needs them.
    """

    def get_queryset(self, request: HttpRequest, exclude_parameters=None) -> QuerySet[Article]:
        if self._sorted_by_rollup():
            self.root_queryset = rollups.with_progress(self.root_queryset)
        return super().get_queryset(request, exclude_parameters)

    def _sorted_by_rollup(self) -> bool:
        for part in str(self.params.get(ORDER_VAR) or "").split("."):
            try:
                name = self.list_display[int(part.rpartition("-")[2])]
            except (IndexError, ValueError):
                continue
            if str(self.get_ordering_field(name) or "").lstrip("-") in ROLLUP_ORDERING:
                return True
        return False

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        base = Article.objects.select_related(*self.list_select_related)
        self.result_list = rollups.page_with_progress(self.result_list, base)

    # Date hierarchy drill-down: Django's own computes the end of the bucket with
    # ``replace(year=year + 1)`` and ``+ timedelta``, which raise for year 9999 (and
    # ``datetime()`` raises OverflowError for a huge year): 500s. The range comes from
    # ``review_admin.drill_down_range`` instead, open-ended at Python's first and last day.

    _hide_date_params = False

    def get_filters_params(self, params=None):
        lookup_params = super().get_filters_params(params)
        if self._hide_date_params:
            for part in ("year", "month", "day"):
                lookup_params.pop(f"{self.date_hierarchy}__{part}", None)
        return lookup_params

    def get_filters(self, request: HttpRequest):
        field = self.date_hierarchy
        year = self.params.get(f"{field}__year") if field else None
        if year is None:
            return super().get_filters(request)
        try:
            low, high = drill_down_range(
                year, self.params.get(f"{field}__month"), self.params.get(f"{field}__day")
            )
        except ValueError as error:
            raise IncorrectLookupParameters(error) from error
        self._hide_date_params = True
        try:
            specs, has_filters, lookup_params, duplicates, active = super().get_filters(request)
        finally:
            self._hide_date_params = False
        if low is not None:
            lookup_params[f"{field}__gte"] = [low]
        if high is not None:
            lookup_params[f"{field}__lt"] = [high]
        return specs, has_filters, lookup_params, duplicates, active


@admin.register(Article)
class ArticleAdmin(SafeInputAdmin):
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
        WorkflowStateFilter,
        "source",
        "published",
        FalseMisleadingFilter,
        PendingFlagsFilter,
        UncheckedFilter,
        AssignedToFilter,
    )
    search_fields = ("title", "url", "raw_text")
    date_hierarchy = "published"
    list_per_page = 50
    # A filtered page shows "N results" without a second COUNT(*) over the whole table.
    show_full_result_count = False
    actions = (
        "send_to_review",
        "approve",
        "approve_with_override",
        "request_changes",
        "redetect_artifacts",
        "export_json",
        "export_csv",
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
                "fields": (
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
                ),
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

    class Media:
        css = {"all": ("newsroom/app.css",)}

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

    # Permissions of the actions

    def has_review_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(review.SEND_PERMISSION)

    def has_approve_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(review.APPROVE_PERMISSION)

    def has_override_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perms([review.APPROVE_PERMISSION, review.OVERRIDE_PERMISSION])

    def has_flag_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(FLAG_PERMISSION)

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
        for article in rollups.with_progress(queryset):
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


# --- Admins of the editorial models ----------------------------------------------------


class ServiceWriteForm(forms.ModelForm):
    """An admin change form that writes through ``annotations.services``, never by saving
    the instance: it carries the version the user saw (``seen_version``), and its
    ``clean`` runs the service's write as a dry run, so that a conflict (someone changed
    the same field meanwhile) or an approved article is a form error before anything is
    saved. ``save_model`` then makes the same call for real. The admin sets ``user``."""

    seen_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    user: Any = None
    write: Any = None  # the service function

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = self.instance.version

    def write_arguments(self) -> dict[str, Any]:
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors or data.get("seen_version") is None:
            return data
        try:
            stale = services.dry_run(type(self).write, **self.write_arguments())
        except (services.ArticleApproved, services.NotYours) as error:
            raise forms.ValidationError(str(error), code="refused") from error
        if stale is not None:
            raise forms.ValidationError(self.stale_message(stale), code="stale")
        return data

    def stale_message(self, stale: services.StaleVersion) -> str:
        if not stale.fields:
            return "Not saved: this was changed or deleted since you opened this page. Reload it."
        current = stale.current
        values = "; ".join(
            f"{name.removesuffix('_id').replace('_', ' ')} is now "
            f"“{getattr(current, name.removesuffix('_id'), '') or '—'}”"
            for name in stale.fields
        )
        return (
            f"Not saved: someone changed the same field{'s' if len(stale.fields) > 1 else ''} "
            f"since you opened this page ({values}). Reload the page to see their change."
        )


class FactCheckAdminForm(ServiceWriteForm):
    write = staticmethod(services.update_fact_check)

    class Meta:
        model = FactCheck
        fields = ("status", "assignee", "verdict", "note")

    def write_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "sentence": self.instance.sentence,
            "user": self.user,
            "expected_version": data["seen_version"],
            "status": data["status"],
            "assignee": data["assignee"],
            "verdict": data["verdict"],
            "note": data["note"],
        }


class ClaimAdminForm(ServiceWriteForm):
    write = staticmethod(services.edit_claim)

    class Meta:
        model = Claim
        fields = ("claimant", "claim_type", "note")

    def write_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "claim": self.instance,
            "user": self.user,
            "expected_version": data["seen_version"],
            "claimant": data["claimant"],
            "claim_type": data["claim_type"],
            "note": data["note"],
        }


class EvidenceAdminForm(ServiceWriteForm):
    write = staticmethod(services.edit_evidence)

    class Meta:
        model = Evidence
        fields = ("url", "title", "stance", "note")

    def write_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "evidence": self.instance,
            "user": self.user,
            "expected_version": data["seen_version"],
            "url": data["url"],
            "title": data["title"],
            "stance": data["stance"],
            "note": data["note"],
        }


class ServiceWriteAdmin(SafeInputAdmin, SimpleHistoryAdmin):
    """Change and delete through the services (see ``ServiceWriteForm``)."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        return form

    def save_model(self, request, obj, form, change):
        type(form).write(**form.write_arguments())

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(FactCheck)
class FactCheckAdmin(ServiceWriteAdmin):
    form = FactCheckAdminForm
    list_display = ("sentence_text", "article", "status", "assignee", "updated_by", "updated_at")
    list_filter = ("status", ("assignee", admin.RelatedOnlyFieldListFilter), "article__source")
    list_select_related = ("article", "assignee", "updated_by")
    search_fields = ("article__title", "verdict", "note")
    fields = (
        "article",
        "sentence",
        "sentence_text",
        "status",
        "assignee",
        "verdict",
        "note",
        "seen_version",
        "version",
        "updated_by",
        "updated_at",
    )
    readonly_fields = (
        "article",
        "sentence",
        "sentence_text",
        "version",
        "updated_by",
        "updated_at",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(text=_sentence_text("sentence__"))

    def has_add_permission(self, request):
        return False  # fact-checks are created on the article page

    @admin.display(description="sentence")
    def sentence_text(self, fact_check: FactCheck) -> str:
        return getattr(fact_check, "text", "")

    def delete_model(self, request, obj):
        services.require_not_approved(obj.article_id)
        obj._history_user = request.user
        obj.delete()


@admin.register(Claim)
class ClaimAdmin(ServiceWriteAdmin):
    form = ClaimAdminForm
    list_display = ("quote_short", "claimant", "claim_type", "article", "created_by", "updated_at")
    list_filter = ("claim_type", "article__source")
    list_select_related = ("article", "created_by")
    search_fields = ("quote", "claimant", "note", "article__title")
    readonly_fields = (
        "article",
        "sentence",
        "start",
        "end",
        "quote",
        "prefix",
        "suffix",
        "version",
        "created_by",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        services.delete_claim(claim=obj, user=request.user, expected_version=obj.version)

    @admin.display(description="quote")
    def quote_short(self, claim: Claim) -> str:
        return claim.quote[:100]


@admin.register(Evidence)
class EvidenceAdmin(ServiceWriteAdmin):
    form = EvidenceAdminForm
    list_display = ("title_or_url", "stance", "fact_check", "added_by", "created_at")
    list_filter = ("stance",)
    list_select_related = ("fact_check", "added_by")
    search_fields = ("url", "title", "note")
    readonly_fields = ("fact_check", "version", "added_by", "created_at")

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        services.delete_evidence(evidence=obj, user=request.user, expected_version=obj.version)

    @admin.display(description="evidence")
    def title_or_url(self, evidence: Evidence) -> str:
        # Isolated from the columns' text; a shown URL has its bidi controls made visible.
        if evidence.title:
            return format_html("<bdi>{}</bdi>", evidence.title)
        return format_html('<bdi dir="ltr">{}</bdi>', reveal_controls(evidence.url))


class FlagOriginFilter(admin.SimpleListFilter):
    title = "origin"
    parameter_name = "origin"

    def lookups(self, request, model_admin):
        return [
            (ArtifactFlag.Origin.DETECTOR, "Suggested by the detector"),
            (ArtifactFlag.Origin.EDITOR, "Added by a person"),
        ]

    def queryset(self, request, queryset):
        if self.value() in ArtifactFlag.Origin.values:
            return queryset.filter(origin=self.value())
        return queryset


class FlagConfidenceFilter(admin.SimpleListFilter):
    title = "confidence"
    parameter_name = "confidence"

    def lookups(self, request, model_admin):
        threshold = settings.NEWSROOM_CONFIDENT_FLAG
        return [
            ("confident", f"Confident (≥ {threshold:.0%})"),
            ("unsure", f"Unsure (< {threshold:.0%})"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "confident":
            return queryset.confident()
        if self.value() == "unsure":
            return queryset.unsure()
        return queryset


@admin.register(ArtifactFlag)
class ArtifactFlagAdmin(SafeInputAdmin, SimpleHistoryAdmin):
    list_display = (
        "kind",
        "state",
        "origin",
        "confidence",
        "article",
        "start",
        "end",
        "flagged_text",
        "decided_by",
        "decided_at",
    )
    list_filter = (
        "kind",
        "state",
        FlagOriginFilter,
        FlagConfidenceFilter,
        ("article__source", admin.RelatedFieldListFilter),
    )
    list_select_related = ("article", "decided_by")
    search_fields = ("article__title", "reason")
    readonly_fields = (
        "article",
        "kind",
        "start",
        "end",
        "flagged_text",
        "state",
        "previous_state",
        "origin",
        "reason",
        "confidence",
        "version",
        "created_at",
        "created_by",
        "decided_by",
        "decided_at",
    )
    actions = ("confirm", "dismiss")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(text_value=_sentence_text())

    def has_add_permission(self, request):
        return False  # flags are added on the article page, by selecting text

    def has_flag_permission(self, request):
        return request.user.has_perm(FLAG_PERMISSION)

    @admin.display(description="text")
    def flagged_text(self, flag: ArtifactFlag) -> str:
        value = getattr(flag, "text_value", None)
        return (value if value is not None else flag.text)[:120]

    def _decide(self, request, queryset, state: str) -> None:
        from annotations import flagging

        count = 0
        for flag in queryset:
            flagging.decide_flag(flag=flag, user=request.user, state=state)
            count += 1
        self.message_user(request, f"{count} flag{'s' if count != 1 else ''} {state}.")

    @admin.action(description="Confirm selected flags", permissions=["flag"])
    def confirm(self, request, queryset):
        self._decide(request, queryset, ArtifactFlag.State.CONFIRMED)

    @admin.action(description="Dismiss selected flags", permissions=["flag"])
    def dismiss(self, request, queryset):
        self._decide(request, queryset, ArtifactFlag.State.DISMISSED)


@admin.register(ArticleReview)
class ArticleReviewAdmin(SafeInputAdmin, SimpleHistoryAdmin):
    list_display = ("article", "state", "changed_by", "changed_at", "override_reason")
    list_filter = ("state", ("changed_by", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("article", "changed_by")
    search_fields = ("article__title", "override_reason")
    readonly_fields = (
        "article",
        "state",
        "reason",
        "override_reason",
        "changed_by",
        "changed_at",
    )

    def has_add_permission(self, request):
        return False  # transitions go through the Article admin's actions or the list page


@admin.register(SourceFeedback)
class SourceFeedbackAdmin(admin.ModelAdmin):
    """Per source: how editors received the detector's suggestions (read-only)."""

    list_display = ("name", "confirmed", "dismissed", "pending", "editor_made", "confirm_rate")
    search_fields = ("name", "domain")
    ordering = ("name",)

    def get_queryset(self, request):
        from annotations.learning import source_feedback

        return source_feedback().filter(pk__in=super().get_queryset(request).values("pk"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="confirmed", ordering="confirmed")
    def confirmed(self, source) -> int:
        return source.confirmed

    @admin.display(description="dismissed", ordering="dismissed")
    def dismissed(self, source) -> int:
        return source.dismissed

    @admin.display(description="pending", ordering="pending")
    def pending(self, source) -> int:
        return source.pending

    @admin.display(description="added by editors", ordering="editor_made")
    def editor_made(self, source) -> int:
        return source.editor_made

    @admin.display(description="confirmed of decided")
    def confirm_rate(self, source) -> str:
        decided = source.confirmed + source.dismissed
        return f"{source.confirmed / decided:.0%}" if decided else "-"


# Re-anchoring on new revisions (issue 13), kept in its own module.
from annotations import revision_admin  # noqa: E402, F401
