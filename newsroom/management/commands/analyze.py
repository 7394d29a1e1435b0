"""``manage.py analyze PATH… [--json]``: parse articles without touching the database."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsroom.limits import configured as configured_limits
from newsroom.readers import (
    FORMAT_NAMES,
    Analysis,
    RecordError,
    Skipped,
    analyse,
    read_paths,
    read_stream,
)


class Command(BaseCommand):
    help = (
        "Parse articles (files, directories or '-') as the importer would, without a "
        "database: layout blocks, sentences and artifact findings. --json prints one JSON "
        "object per article per line, offsets into its text."
    )
    requires_system_checks: list[str] = []
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="file, directory or -")
        parser.add_argument("--json", action="store_true", help="one JSON object per line")
        parser.add_argument("--format", choices=FORMAT_NAMES, help="format of - and named files")

    def handle(self, *args: str, **options: Any) -> None:
        paths: list[str] = options["paths"]
        failed = 0
        for item in self._items(paths, options):
            if isinstance(item, Skipped):
                self.stderr.write(f"{item.origin}: skipped, {item.reason}")
            elif isinstance(item, RecordError):
                failed += 1
                self.stderr.write(str(item))
            elif options["json"]:
                self.stdout.write(json.dumps(item.as_json(), ensure_ascii=False))
            else:
                self.stdout.write(_summary(item))
        if failed:
            raise CommandError(f"{failed} article(s) could not be read; see the messages above.")

    def _items(self, paths: list[str], options: dict[str, Any]) -> Iterator[Any]:
        limits = configured_limits()
        files = [p for p in paths if p != "-"]
        sources = []
        if "-" in paths:
            stream = options.get("stdin") or sys.stdin.buffer
            sources.append(
                read_stream(
                    stream, origin="<stdin>", format=options["format"] or "text", limits=limits
                )
            )
        if files:
            sources.append(read_paths(files, format=options["format"], limits=limits))
        for source in sources:
            for item in source:
                if isinstance(item, RecordError | Skipped):
                    yield item
                    continue
                try:
                    yield analyse(item, tz=settings.TIME_ZONE, limits=limits)
                except RecordError as error:
                    yield error


def _summary(analysis: Analysis) -> str:
    roles: dict[str, int] = {}
    for block in analysis.layout.blocks:
        roles[str(block.role)] = roles.get(str(block.role), 0) + 1
    shape = ", ".join(f"{count} {role}" for role, count in roles.items())
    published = analysis.published.isoformat() if analysis.published else "no date"
    return (
        f"{analysis.record.location}: {analysis.title!r} ({published}); blocks: {shape}; "
        f"{len(analysis.sentences)} sentences; {len(analysis.findings)} artifact findings"
    )
