"""The article text of the annotation page as HTML, built in one pass.

A 1,000-sentence article is thousands of spans; rendering them through nested template
loops cost more than everything else on the page together. ``article_html`` walks the
render segments (``newsroom.text.render.segments``) once and joins escaped parts: every
piece of article text and every attribute value goes through ``django.utils.html.escape``
(numbers are formatted as integers), and only the joined result is marked safe.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from annotations.models import ArtifactFlag, Claim
from newsroom.text.render import Piece, segments


@dataclass(frozen=True, slots=True)
class Mark:
    """Something drawn over the text: an artifact flag or a claim."""

    start: int
    end: int
    css: str
    label: str
    title: str


@dataclass(frozen=True, slots=True)
class SentenceRow:
    """A sentence as the page needs it (no model instance per sentence)."""

    pk: int
    position: int
    start: int
    end: int


def marks_for(flags: Iterable[ArtifactFlag], claims: Iterable[Claim]) -> list[Mark]:
    """The marks of an article's artifact flags (labelled by kind) and claims."""
    kinds = dict(ArtifactFlag._meta.get_field("kind").flatchoices)
    states = {value: str(label).lower() for value, label in ArtifactFlag.State.choices}
    claim_types = {value: str(label).lower() for value, label in Claim.Type.choices}
    marks = []
    threshold = settings.NEWSROOM_CONFIDENT_FLAG
    for f in flags:
        kind = str(kinds.get(f.kind, f.kind))
        title = f"{kind} ({states.get(f.state, f.state)}): {f.reason}".rstrip(": ")
        css = f"flag flag-{f.state} kind-{f.kind}"
        if f.state == ArtifactFlag.State.SUGGESTED and f.confidence < threshold:
            # A suggestion the detector is unsure of looks fainter: worth a closer look.
            css += " flag-unsure"
            title += f" (unsure: confidence {f.confidence:.0%})"
        marks.append(Mark(f.start, f.end, css, kind, title))
    for c in claims:
        title = f"Claim ({claim_types.get(c.claim_type, c.claim_type)})"
        if c.claimant:
            title += f" by {c.claimant}"
        marks.append(Mark(c.start, c.end, "claim-mark", "", title))
    return marks


def article_html(
    text: str,
    blocks: Sequence,
    sentences: Sequence[SentenceRow],
    marks: Sequence[Mark],
    *,
    statuses: Mapping[int, str],
    claimed: Collection[int],
    selected_pk: int | None,
) -> SafeString:
    """The blocks of ``text`` as ``<h1>``/``<p>`` elements holding one ``<span
    class="sentence st-<status>" id="s-<pk>" data-pk data-start data-end>`` per sentence
    (code-point offsets), with marked pieces as ``<span class="<mark css>" title=…>``
    (``data-label`` where a flag first shows in the block). ``statuses`` maps sentence
    pk to status (missing: unchecked); ``claimed`` holds the pks of sentences with claims.
    """
    out: list[str] = []
    append = out.append
    status_css: dict[str, str] = {}  # status -> escaped class list (a handful of values)
    gaps: dict[str, str] = {}  # text between sentences repeats (" ", "\n"): escape once
    for seg in segments(text, blocks, sentences, marks):
        role = escape(seg.block.role)
        tag = "h1" if role == "title" else "p"
        append(f'<{tag} class="block block-{role}">')
        for run in seg.runs:
            sentence = run.sentence
            if sentence is not None:
                pk = int(sentence.pk)
                status = statuses.get(pk, "unchecked")
                css = status_css.get(status)
                if css is None:
                    css = status_css[status] = f"sentence st-{escape(status)}"
                if pk in claimed:
                    css += " has-claim"
                extra = ""
                if pk == selected_pk:
                    css += " selected"
                    extra = ' tabindex="0"'
                append(
                    f'<span class="{css}" id="s-{pk}" data-pk="{pk}" '
                    f'data-start="{int(sentence.start)}" data-end="{int(sentence.end)}"{extra}>'
                )
            for piece in run.pieces:
                if piece.marks:
                    append(_marked(piece))
                elif sentence is not None:
                    append(escape(piece.text))
                else:
                    gap = gaps.get(piece.text)
                    if gap is None:
                        gap = gaps[piece.text] = escape(piece.text)
                    append(gap)
            if sentence is not None:
                append("</span>")
        append(f"</{tag}>\n")
    return mark_safe("".join(out))  # noqa: S308 - every part above is escaped or an int


def _marked(piece: Piece) -> str:
    label = " · ".join(m.label for m in piece.opens if m.label)
    return '<span class="{}"{} title="{}"{}>{}</span>'.format(
        escape(" ".join(m.css for m in piece.marks)),
        f' data-label="{escape(label)}"' if label else "",
        escape("; ".join(m.title for m in piece.marks)),
        ' tabindex="0"' if any(m.label for m in piece.marks) else "",
        escape(piece.text),
    )
