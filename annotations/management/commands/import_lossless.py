"""Import a lossless JSON export (``manage.py export --format json``): new articles are
created whole; an article already here (same content hash) is merged, and the report says
what was taken from the file."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotations.exports.lossless import import_document


class Command(BaseCommand):
    help = (
        "Import a lossless JSON export (FILE, or - for stdin): articles whose content hash "
        "is new are created with all their work; the others are merged, keeping what the "
        "database has."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--user", help="recorded as the author of the import's history rows")

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no user named {options['user']!r}")
        name = options["file"]
        try:
            if name == "-":
                document = json.load(sys.stdin)
            else:
                with Path(name).open(encoding="utf-8") as handle:
                    document = json.load(handle)
        except OSError as error:
            raise CommandError(f"{name}: {error.strerror or error}") from error
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            raise CommandError(f"{name}: not valid JSON ({error})") from error
        try:
            report = import_document(document=document, user=user)
        except ValidationError as error:
            raise CommandError(f"{name}: {error.messages[0]}") from error
        for line in report.lines():
            self.stdout.write(line)
        if report.failed:
            raise CommandError(f"{len(report.failed)} article(s) failed")
