"""Re-run artifact detection on stored articles, keeping every editor decision."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from annotations.flagging import RedetectResult, redetect_flags
from newsroom.models import Article

CHUNK = 200


class Command(BaseCommand):
    help = (
        "Re-run artifact detection on the given articles (all when none): untouched "
        "suggestions are refreshed, confirmed, dismissed and editor-made flags are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("article_ids", nargs="*", type=int, metavar="ARTICLE_ID")

    def handle(self, *args: Any, **options: Any) -> None:
        ids: list[int] = options["article_ids"]
        pks = list(Article.objects.order_by("pk").values_list("pk", flat=True))
        if ids:
            missing = sorted(set(ids) - set(pks))
            if missing:
                raise CommandError(f"no article with id {', '.join(map(str, missing))}")
            pks = sorted(set(ids))
        total = RedetectResult()
        bar = tqdm(
            total=len(pks),
            unit=" articles",
            disable=not self.stderr.isatty() or options["verbosity"] < 1,
            # The wrapped stream: OutputWrapper.write would add a newline to every redraw.
            file=getattr(self.stderr, "_out", sys.stderr),
        )
        with bar:
            # Read in chunks (no cursor held open across the writes); each article is
            # re-detected in its own transaction inside redetect_flags.
            for i in range(0, len(pks), CHUNK):
                chunk = Article.objects.filter(pk__in=pks[i : i + CHUNK]).order_by("pk")
                for article in chunk.only("pk", "raw_text", "title_in_text"):
                    total += redetect_flags(article=article)
                    bar.update()
        count = len(pks)
        self.stdout.write(
            f"Re-ran detection on {count} article{'s' * (count != 1)}: "
            f"{total.added} suggestions added, {total.removed} removed, {total.kept} kept; "
            f"{total.decisions} editor decision{'s' * (total.decisions != 1)} left untouched."
        )
