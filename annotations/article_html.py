"""The article text of the annotation page as HTML, built in one pass (the whole part for
the page, or the blocks around one flag after a decision).

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

from annotations.models import ArtifactFlag, Claim, FactCheck
from newsroom.models import Article, Sentence
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


def marks_for(
    flags: Iterable[ArtifactFlag], claims: Iterable[Claim], *, show_dismissed: bool = False
) -> list[Mark]:
    """The marks of an article's artifact flags (labelled by kind) and claims. Dismissed
    flags are left out of the text unless ``show_dismissed`` (the flags panel lists them)."""
    kinds = dict(ArtifactFlag._meta.get_field("kind").flatchoices)
    states = {value: str(label).lower() for value, label in ArtifactFlag.State.choices}
    claim_types = {value: str(label).lower() for value, label in Claim.Type.choices}
    marks = []
    threshold = settings.NEWSROOM_CONFIDENT_FLAG
    for f in flags:
        if f.state == ArtifactFlag.State.DISMISSED and not show_dismissed:
            continue
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


def excluded_sentences(sentences: Iterable[SentenceRow], flags: Iterable[ArtifactFlag]) -> set[int]:
    """The pks of the sentences lying wholly inside one confirmed flag (not counted in the
    progress, skipped by ``j``/``k``): the rule of ``flagging.inside_confirmed_artifact``,
    by one sweep over both in text order."""
    spans = sorted((f.start, f.end) for f in flags if f.state == ArtifactFlag.State.CONFIRMED)
    excluded: set[int] = set()
    reach, index = -1, 0
    for sentence in sorted(sentences, key=lambda s: s.start):
        while index < len(spans) and spans[index][0] <= sentence.start:
            reach = max(reach, spans[index][1])
            index += 1
        if reach >= sentence.end:
            excluded.add(sentence.pk)
    return excluded


def article_html(
    text: str,
    blocks: Sequence,
    sentences: Sequence[SentenceRow],
    marks: Sequence[Mark],
    *,
    statuses: Mapping[int, str],
    claimed: Collection[int],
    selected_pk: int | None,
    excluded: Collection[int] = (),
    oob: bool = False,
) -> SafeString:
    """The blocks of ``text`` as ``<h1>``/``<p id="b-<block pk>">`` elements holding one
    ``<span class="sentence st-<status>" id="s-<pk>" data-pk data-start data-end>`` per
    sentence (code-point offsets), with marked pieces as ``<span class="<mark css>"
    title=…>`` (``data-label`` where a flag first shows in the block). ``statuses`` maps
    sentence pk to status (missing: unchecked); ``claimed`` holds the pks of sentences
    with claims, ``excluded`` those inside confirmed artifacts (class ``in-artifact``).
    With ``oob`` every block is an htmx out-of-band swap of the block on the page.
    """
    out: list[str] = []
    append = out.append
    status_css: dict[str, str] = {}  # status -> escaped class list (a handful of values)
    gaps: dict[str, str] = {}  # text between sentences repeats (" ", "\n"): escape once
    swap = ' hx-swap-oob="true"' if oob else ""
    for seg in segments(text, blocks, sentences, marks):
        role = escape(seg.block.role)
        tag = "h1" if role == "title" else "p"
        append(f'<{tag} class="block block-{role}" id="b-{int(seg.block.pk)}"{swap}>')
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
                if pk in excluded:
                    css += " in-artifact"
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
    # No tabindex: a focusable mark swallows the mouse-down that starts a text selection,
    # and a Tab stop per flag buries the page. Keyboard users read the flags (kind,
    # reason, decisions) in the flags panel; the title is the pointer's tooltip.
    label = " · ".join(m.label for m in piece.opens if m.label)
    return '<span class="{}"{} title="{}">{}</span>'.format(
        escape(" ".join(m.css for m in piece.marks)),
        f' data-label="{escape(label)}"' if label else "",
        escape("; ".join(m.title for m in piece.marks)),
        escape(piece.text),
    )


def region_html(
    article: Article,
    *,
    start: int,
    end: int,
    window: tuple[int, int],
    show_dismissed: bool = False,
) -> SafeString:
    """The blocks of ``article`` overlapping ``[start, end)`` as out-of-band swaps (after a
    flag decision: the marks, labels and skipped sentences of that text change).

    ``window`` is the text range of the part the page shows (blocks are cut to it, as on
    the page, and only its sentences are drawn). Bounded by the flag's span, not by the
    article: five queries (blocks, sentences, statuses, flags, claims).
    """
    lo, hi = max(start, window[0]), min(end, window[1])
    if lo >= hi:
        return mark_safe("")
    blocks = list(article.blocks.filter(start__lt=hi, end__gt=lo).order_by("position"))
    if not blocks:
        return mark_safe("")
    for block in blocks:
        block.start, block.end = max(block.start, window[0]), min(block.end, window[1])
    lo, hi = min(b.start for b in blocks), max(b.end for b in blocks)
    sentences = [
        SentenceRow(*values)
        for values in Sentence.objects.filter(article=article, start__gte=lo, end__lte=hi)
        .order_by("position")
        .values_list("pk", "position", "start", "end")
    ]
    statuses = dict(
        FactCheck.objects.filter(
            article=article, sentence__start__gte=lo, sentence__end__lte=hi
        ).values_list("sentence_id", "status")
    )
    flags = list(article.artifact_flags.filter(start__lt=hi, end__gt=lo).order_by())
    claims = list(
        Claim.objects.filter(article=article, start__lt=hi, end__gt=lo)
        .order_by()
        .only("sentence_id", "start", "end", "claim_type", "claimant")
    )
    return article_html(
        article.raw_text,
        blocks,
        sentences,
        marks_for(flags, claims, show_dismissed=show_dismissed),
        statuses=statuses,
        claimed={c.sentence_id for c in claims},
        selected_pk=None,
        excluded=excluded_sentences(sentences, flags),
        oob=True,
    )
