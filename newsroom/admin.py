"""Admin for sources, blocks and sentences. (The Article admin, with its review roll-ups,
is registered by the annotations app, annotations/admin/articles.py.)"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from newsroom.admin_input import SEARCH_MAX_CHARS, SafeInputAdmin
from newsroom.models import Block, Sentence, Source, span_text


@admin.register(Source)
class SourceAdmin(SafeInputAdmin):
    list_display = ("name", "domain", "article_count", "created_at")
    search_fields = ("name", "domain")
    readonly_fields = ("created_at",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, source: Source) -> int:
        return source.article_count


class _SpanAdmin(SafeInputAdmin):
    """Read-only spans of an article: the text comes from the database, never edited."""

    list_select_related = ("article",)
    list_per_page = 100

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(span_text=span_text())

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term and len(search_term) <= SEARCH_MAX_CHARS and "\x00" not in search_term:
            by_text = self.get_queryset(request).filter(span_text__icontains=search_term)
            queryset = queryset | by_text
        return queryset, may_have_duplicates

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # spans come from the importer, with offsets into the raw text

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description="text")
    def text(self, span) -> str:
        return span.span_text


@admin.register(Sentence)
class SentenceAdmin(_SpanAdmin):
    list_display = ("text", "article", "position", "block_role", "start", "end")
    list_select_related = ("article", "block")
    list_filter = ("block__role", "article__source")
    search_fields = ("article__title",)
    fields = ("article", "block", "position", "start", "end", "text")
    readonly_fields = fields

    @admin.display(description="block", ordering="block__role")
    def block_role(self, sentence: Sentence) -> str:
        return sentence.block.get_role_display()


@admin.register(Block)
class BlockAdmin(_SpanAdmin):
    list_display = ("text", "article", "position", "role", "start", "end")
    list_filter = ("role", "article__source")
    search_fields = ("article__title",)
    fields = ("article", "role", "position", "start", "end", "text")
    readonly_fields = fields


from newsroom.jobs import admin as _jobs_admin  # noqa: E402, F401  (registers JobAdmin)
