"""Export articles with their editorial work: lossless JSON, sentence CSV, ClaimReview
JSON-LD or a W3C Web Annotation collection, streamed to stdout or a file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotations.exports.base import selected_articles
from annotations.exports.formats import FORMATS, base_url, stream
from newsroom.models import Article


class Command(BaseCommand):
    help = (
        "Export articles (all, or those given with --article) as lossless JSON (re-imported "
        "by import_lossless), a CSV of sentences, ClaimReview JSON-LD (approved articles "
        "unless --drafts) or a W3C Web Annotation collection."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=sorted(FORMATS), default="json")
        parser.add_argument(
            "--article", type=int, action="append", metavar="ID", help="repeat for several"
        )
        parser.add_argument("--output", "-o", help="write here instead of stdout")
        parser.add_argument(
            "--drafts", action="store_true", help="ClaimReview of articles not approved yet"
        )
        parser.add_argument(
            "--base-url",
            default="",
            help="public address of the site for links (default NEWSROOM_PUBLIC_BASE_URL)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ids = options["article"]
        if ids:
            found = set(Article.objects.filter(pk__in=ids).values_list("pk", flat=True))
            if missing := sorted(set(ids) - found):
                raise CommandError(f"no article with id {', '.join(map(str, missing))}")
        base = (options["base_url"] or base_url()).rstrip("/")
        chunks = stream(
            options["format"],
            selected_articles(ids),
            base=base,
            drafts=options["drafts"],
            collection_id=f"{base}/annotations",
        )
        if options["output"]:
            # newline="": the CSV writer's own \r\n line ends are kept as they are.
            with Path(options["output"]).open("w", encoding="utf-8", newline="") as out:
                for chunk in chunks:
                    out.write(chunk)
        else:
            out = getattr(self.stdout, "_out", sys.stdout)
            for chunk in chunks:
                out.write(chunk)
            out.flush()
