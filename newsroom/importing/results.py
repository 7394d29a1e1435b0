"""What happened to each record of an import, and the counts of a run."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from newsroom.models import Article
from newsroom.readers import Skipped


class Status(enum.StrEnum):
    IMPORTED = "imported"
    REVISED = "revised"  # a known article (same identity) with a new text
    DUPLICATE = "duplicate"
    VALID = "valid"  # dry run: would be imported
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What happened to one record: ``article`` is the new or the existing one."""

    status: Status
    location: str
    title: str = ""
    article: Article | None = None
    sentences: int = 0
    message: str = ""

    def __str__(self) -> str:
        if self.status == Status.FAILED:
            return printable(f"{self.location}: {self.message}")
        return printable(f"{self.location}: {self.status} {self.title!r}")


@dataclass(slots=True)
class ImportSummary:
    """Counts of one import run; failures and skipped files are kept with their location."""

    dry_run: bool = False
    imported: int = 0
    sentences: int = 0
    duplicates: int = 0
    revised: int = 0
    failures: list[ImportResult] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    # The articles imported or found as duplicates, kept only when asked (uploads).
    results: list[ImportResult] | None = None

    @property
    def failed(self) -> int:
        return len(self.failures)

    def add(self, result: ImportResult) -> None:
        if result.status in (Status.IMPORTED, Status.VALID):
            self.imported += 1
            self.sentences += result.sentences
        elif result.status == Status.REVISED:
            self.revised += 1
        elif result.status == Status.DUPLICATE:
            self.duplicates += 1
        else:
            self.failures.append(result)
        if self.results is not None:
            self.results.append(result)

    def __str__(self) -> str:
        verb = "Would import" if self.dry_run else "Imported"
        parts = [
            f"{verb} {self.imported} article{'s' * (self.imported != 1)} "
            f"({self.sentences} sentences)",
            *([f"{self.revised} revised (text changed)"] if self.revised else []),
            f"{self.duplicates} already imported",
            f"{self.failed} failed",
        ]
        if self.skipped:
            parts.append(f"{len(self.skipped)} file{'s' * (len(self.skipped) != 1)} skipped")
        return ", ".join(parts) + "."


def printable(value: str) -> str:
    """``value`` with lone surrogates (from undecodable file names) escaped, so that it
    can be printed, rendered and stored as UTF-8."""
    return value.encode("utf-8", "backslashreplace").decode("utf-8")
