"""``manage.py run_jobs``: the background-job worker (README, "Background jobs")."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from newsroom.jobs.worker import run_worker


class Command(BaseCommand):
    help = (
        "Run background jobs (imports, URL imports, re-detections, exports) on the configured "
        "backend (NEWSROOM_TASKS_BACKEND), re-enqueueing first the jobs whose worker was lost."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="run what is waiting, then exit (cron, tests)"
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="seconds between two looks at the queue when it is empty (default 1)",
        )

    def handle(self, *args: str, **options: Any) -> None:
        run_worker(once=options["once"], interval=options["interval"])
