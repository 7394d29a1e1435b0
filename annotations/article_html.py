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

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from annotations.models import ArtifactFlag, Claim
from newsroom.text.render import segments


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
    marks = [
        Mark(
            f.start,
            f.end,
            f"flag flag-{f.state} kind-{f.kind}",
            f.get_kind_display(),
            f"{f.get_kind_display()} ({f.get_state_display().lower()}): {f.reason}".rstrip(": "),
        )
        for f in flags
    ]
    marks += [
        Mark(
            c.start,
            c.end,
            "claim-mark",
            "",
            f"Claim ({c.get_claim_type_display().lower()})"
            + (f" by {c.claimant}" if c.claimant else ""),
        )
        for c in claims
    ]
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
    for seg in segments(text, blocks, sentences, marks):
        role = escape(seg.block.role)
        tag = "h1" if role == "title" else "p"
        append(f'<{tag} class="block block-{role}">')
        for run in seg.runs:
            sentence = run.sentence
            if sentence is not None:
                pk = int(sentence.pk)
                css = f"sentence st-{escape(statuses.get(pk, 'unchecked'))}"
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
                if not piece.marks:
                    append(escape(piece.text))
                    continue
                label = " · ".join(m.label for m in piece.opens if m.label)
                append(
                    '<span class="{}"{} title="{}"{}>{}</span>'.format(
                        escape(" ".join(m.css for m in piece.marks)),
                        f' data-label="{escape(label)}"' if label else "",
                        escape("; ".join(m.title for m in piece.marks)),
                        ' tabindex="0"' if any(m.label for m in piece.marks) else "",
                        escape(piece.text),
                    )
                )
            if sentence is not None:
                append("</span>")
        append(f"</{tag}>\n")
    return mark_safe("".join(out))  # noqa: S308 - every part above is escaped or an int
