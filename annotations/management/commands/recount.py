"""``manage.py recount``: rebuild every article's stored counters (``ArticleCounters``)
from its sentences, fact checks, flags and review. The services keep the counters in
step; run this once after the migration that adds them, or after writing rows by hand."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from annotations import counters


class Command(BaseCommand):
    help = "Rebuild the per-article counters the list pages, dashboard and admin read."

    def add_arguments(self, parser):
        parser.add_argument(
            "--chunk",
            type=int,
            default=counters.CHUNK,
            help=f"articles per query and transaction (default {counters.CHUNK})",
        )

    def handle(self, *args, chunk: int, **options):
        if chunk < 1:
            self.stderr.write("--chunk must be at least 1.")
            raise SystemExit(2)
        began = time.perf_counter()
        total = counters.recount_all(chunk=chunk)
        self.stdout.write(
            f"Recounted {total} article{'s' if total != 1 else ''} "
            f"in {time.perf_counter() - began:.1f} s."
        )
