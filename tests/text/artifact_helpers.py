"""Shared pieces of the artifact detector tests: plain body paragraphs and a finder."""

from __future__ import annotations

from newsroom.text.artifacts import detect

BODY = (
    "The council approved the new budget on Monday after a long debate about schools.\n"
    "Officials said the plan would add teachers and repair buildings across the district.\n"
)
BODY2 = (
    "Critics argued the spending was too high, but the measure passed by a wide margin.\n"
    "The mayor is expected to sign the budget into law later this week, aides said.\n"
)


def found(text: str) -> list[tuple[str, str]]:
    """(kind, exact text) of every finding of ``text``, in order."""
    return [(f.kind, text[f.start : f.end]) for f in detect(text)]
