"""``manage.py import_articles PATH…``: import files, directories and standard input."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from newsroom.fetch import import_url
from newsroom.importing import (
    BATCH_ARTICLES,
    ImportResult,
    ImportSummary,
    Status,
    import_paths,
    import_stream,
)
from newsroom.readers import FORMAT_NAMES


def _default_jobs() -> int:
    """One analysis process per CPU (this one mostly waits on the database); none on a
    single CPU, where the analysis runs in this process."""
    cpus = os.cpu_count() or 1
    return cpus if cpus > 1 else 0


class Command(BaseCommand):
    help = (
        "Import articles from files (.txt plain-text layout, .json, .jsonl, .html), "
        "directories (recursive) or '-' for standard input. Already imported content is "
        "skipped; exits non-zero when any article failed, after importing the good ones."
    )
    # Tests pass a binary stream as ``stdin=``.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", metavar="PATH", help="file, directory or -")
        parser.add_argument(
            "--url",
            action="append",
            default=[],
            metavar="URL",
            help="also import this web page (http/https; internal addresses are refused); "
            "may be given several times",
        )
        parser.add_argument(
            "--format",
            choices=FORMAT_NAMES,
            help="format of standard input and of files named explicitly (default: by "
            "extension; text for standard input)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report, write nothing"
        )
        parser.add_argument("--user", metavar="USERNAME", help="record as the importing user")
        parser.add_argument(
            "--jobs",
            type=int,
            default=_default_jobs(),
            metavar="N",
            help="processes that analyse the articles while this one writes (default: one "
            "per CPU on a machine with more than one, else 0: analysed here; only used "
            f"beyond {BATCH_ARTICLES} articles)",
        )

    def handle(self, *args: str, **options: Any) -> None:
        paths: list[str] = options["paths"]
        if not paths and not options["url"]:
            raise CommandError("give at least one PATH or --url URL")
        user = None
        if options["user"]:
            try:
                user = get_user_model().objects.get_by_natural_key(options["user"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"no user named {options['user']!r}") from None
        bar = tqdm(
            unit=" articles",
            disable=not self.stderr.isatty(),
            # The wrapped stream: OutputWrapper.write would add a newline to every redraw.
            file=getattr(self.stderr, "_out", sys.stderr),
        )

        done: Counter[Status] = Counter()

        def progress(result: ImportResult) -> None:
            done[result.status] += 1
            bar.update()

        common = {
            "user": user,
            "dry_run": options["dry_run"],
            "progress": progress,
            "workers": max(0, options["jobs"]),
        }
        total = ImportSummary(dry_run=options["dry_run"])
        files = [p for p in paths if p != "-"]
        try:
            with bar, _sigterm_interrupts():
                if "-" in paths:
                    stream = options.get("stdin") or sys.stdin.buffer
                    _merge(
                        total,
                        import_stream(
                            stream, origin="<stdin>", format=options["format"] or "text", **common
                        ),
                    )
                if files:
                    _merge(total, import_paths(files, format=options["format"], **common))
                for url in options["url"]:
                    _merge(
                        total,
                        import_url(
                            url=url,
                            user=user,
                            dry_run=options["dry_run"],
                            progress=progress,
                        ),
                    )
        except KeyboardInterrupt:
            # The batch being written was rolled back; the committed ones stay.
            kept = done[Status.IMPORTED] + done[Status.VALID]
            raise CommandError(
                f"interrupted after {sum(done.values())} records ({kept} imported, "
                f"{done[Status.DUPLICATE]} already imported, {done[Status.FAILED]} failed); "
                "run the same command again to import the rest (what is in is skipped)",
                returncode=130,
            ) from None

        for skipped in total.skipped:
            self.stderr.write(f"{skipped.origin}: skipped, {skipped.reason}")
        for failure in total.failures:
            self.stderr.write(str(failure))
        self.stdout.write(str(total))
        if total.failed:
            raise CommandError(f"{total.failed} article(s) failed; see the messages above.")


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """Make SIGTERM stop the import like Ctrl-C: the open batch is rolled back, the
    analysis workers are shut down, and the command reports what was committed."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _merge(total: ImportSummary, part: ImportSummary) -> None:
    total.imported += part.imported
    total.sentences += part.sentences
    total.duplicates += part.duplicates
    total.revised += part.revised
    total.failures.extend(part.failures)
    total.skipped.extend(part.skipped)
