"""The desk's flag decisions as training data for the artifact detector.

Every confirmed, dismissed and editor-made flag says something about the newsroom's own
sources: a confirmed or editor-made flag marks its lines as artifact lines of its kind, a
dismissed one marks its lines as article body. :func:`retrain_with_decisions` adds them to
the evaluation data, trains a candidate, and installs it only when it beats the current
model on decisions it did not train on without losing on the fixed evaluation.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Count, Q

from annotations.models import ArtifactFlag
from newsroom.models import Article, Source
from newsroom.text import layout
from newsroom.text.artifacts import detect, training
from newsroom.text.artifacts import model as learned
from newsroom.text.artifacts.features import CHARACTER_LEVEL
from newsroom.text.lines import split as split_lines

# The candidate may lose this much of the fixed evaluation's objective and still win.
FIXED_TOLERANCE = 0.005
HELD_OUT_SHARE = 0.25


def decision_examples() -> list[training.Example]:
    """One example per article with decisions; lines labelled only where a decision says.

    Lines at least half covered by a confirmed or editor-made flag are artifact lines of
    that flag's kind; lines at least half covered by a dismissed flag (and no confirmed
    one) are body lines. Other lines stay unlabelled. The group is the article's source,
    so folds and the held-out split keep a site's articles together.
    """
    decided = (
        ArtifactFlag.objects.filter(
            Q(state__in=[ArtifactFlag.State.CONFIRMED, ArtifactFlag.State.DISMISSED])
            | Q(origin=ArtifactFlag.Origin.EDITOR)
        )
        .exclude(kind__in=CHARACTER_LEVEL)
        .values_list("article_id", "start", "end", "kind", "state")
        .order_by("article_id", "start")
    )
    flags: dict[int, list[tuple[int, int, str, str]]] = defaultdict(list)
    for article_id, start, end, kind, state in decided.iterator():
        flags[article_id].append((start, end, kind, state))
    articles = Article.objects.filter(pk__in=list(flags)).only("pk", "raw_text", "source_id")
    examples = []
    for article in articles.order_by("pk"):
        example = training.Example(
            id=f"article-{article.pk}",
            text=article.raw_text,
            group=f"source:{article.source_id}" if article.source_id else f"article:{article.pk}",
            origin="decisions",
        )
        _label(example, flags[article.pk])
        if example.line_labels:
            examples.append(example)
    return examples


def _label(example: training.Example, flags: list[tuple[int, int, str, str]]) -> None:
    text = example.text
    # Keyed by the line starts of the detector's Document, so split as it splits.
    for start, end in split_lines(text):
        raw = text[start:end]
        content = sum(1 for ch in raw if not ch.isspace())
        if not content:
            continue
        artifact: dict[str, int] = defaultdict(int)
        body = 0
        for f_start, f_end, kind, state in flags:
            if f_start >= end or f_end <= start:
                continue
            lo, hi = max(f_start, start), min(f_end, end)
            covered = sum(1 for ch in text[lo:hi] if not ch.isspace())
            if state == ArtifactFlag.State.DISMISSED:
                body += covered
            else:
                artifact[kind] += covered
        if sum(artifact.values()) * 2 >= content:
            example.line_labels[start] = 1
            example.line_kinds[start] = max(artifact, key=artifact.__getitem__)
        elif body * 2 >= content:
            example.line_labels[start] = 0


def split_held_out(
    examples: list[training.Example], seed: int
) -> tuple[list[training.Example], list[training.Example]]:
    """(train, held out) by group, about a quarter of the groups held out."""
    groups = sorted({e.group for e in examples})
    random.Random(seed).shuffle(groups)
    n_held = max(1, round(len(groups) * HELD_OUT_SHARE)) if len(groups) > 1 else 0
    held = set(groups[:n_held])
    return [e for e in examples if e.group not in held], [e for e in examples if e.group in held]


def score_decisions(
    model: learned.DetectorModel | None, examples: list[training.Example]
) -> dict[str, dict[str, float]]:
    """Line- and character-level P/R/F1 of ``model`` on the decided lines of ``examples``."""
    total: dict[str, int] = defaultdict(int)
    for example in examples:
        found = detect(example.text, layout.parse(example.text), model=model)
        for key, value in training.char_line_counts(example, found).items():
            total[key] += value
    return {
        "line": training.prf(
            total["line_tp"], total["line_pred"], total["line_tp"], total["line_gold"]
        ),
        "char": training.prf(
            total["char_tp"], total["char_pred"], total["char_tp"], total["char_gold"]
        ),
    }


@dataclass
class Outcome:
    """What ``train_detector --with-decisions`` did, and why."""

    installed: bool
    reason: str
    output: Path
    decisions: int = 0
    held_out: int = 0
    candidate: dict = field(default_factory=dict)
    current: dict = field(default_factory=dict)

    def report(self) -> str:
        """A few lines for the terminal."""
        lines = [
            f"{self.decisions} articles with decisions ({self.held_out} held out for scoring)."
        ]
        for name, figures in (("current", self.current), ("candidate", self.candidate)):
            if figures:
                lines.append(
                    f"{name:9}: held-out decisions line F1 {figures['decisions']['line']['f1']:.3f}"
                    f", char F1 {figures['decisions']['char']['f1']:.3f}; fixed evaluation "
                    f"objective {figures['fixed']:.4f}"
                )
        verb = "Installed" if self.installed else "Not installed"
        lines.append(f"{verb}: {self.reason} ({self.output})")
        return "\n".join(lines)


def retrain_with_decisions(
    shared: Path,
    config: training.TrainConfig,
    *,
    output: Path,
    limit_pages: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> Outcome:
    """Train on the evaluation data plus decisions; install at ``output`` only if better."""
    from annotations.management.commands.train_detector import save

    examples = decision_examples()
    train, held = split_held_out(examples, config.seed)
    outcome = Outcome(False, "", output, decisions=len(examples), held_out=len(held))
    if not held:
        outcome.reason = "too few decided articles to hold some out (need two sources or more)"
        return outcome
    current = learned.current()
    candidate, _cv = training.build(
        shared, config, extra=train, limit_pages=limit_pages, progress=progress
    )
    candidate.metadata["decisions"] = {"trained": len(train), "held_out": len(held)}
    fixed_current = (
        training.objective(current.metadata.get("cross_validated", {})) if current else 0.0
    )
    fixed_candidate = training.objective(candidate.metadata["cross_validated"])
    outcome.current = {"decisions": score_decisions(current, held), "fixed": fixed_current}
    outcome.candidate = {"decisions": score_decisions(candidate, held), "fixed": fixed_candidate}
    install, outcome.reason = should_install(outcome.candidate, outcome.current)
    if install:
        candidate.metadata["replaces"] = current.metadata.get("trained_at") if current else None
        save(candidate, output)
        learned.configure(output)
        outcome.installed = True
    return outcome


def should_install(candidate: dict, current: dict) -> tuple[bool, str]:
    """Install when better on held-out decisions and the fixed evaluation held."""
    better = candidate["decisions"]["line"]["f1"] > current["decisions"]["line"]["f1"]
    if not better:
        return False, "not better than the current model on held-out decisions"
    if candidate["fixed"] < current["fixed"] - FIXED_TOLERANCE:
        return False, (
            f"fixed evaluation dropped ({candidate['fixed']:.4f} < {current['fixed']:.4f} - "
            f"{FIXED_TOLERANCE})"
        )
    return True, "better on held-out decisions, fixed evaluation held"


def describe(model: learned.DetectorModel, path: Path) -> str:
    """The saved model's cross-validated figures, for the terminal."""
    meta = model.metadata
    cv = meta.get("cross_validated", {})
    rules = meta.get("rules_only", {})
    lines = [f"Wrote {path} ({path.stat().st_size / 1e6:.1f} MB) in {meta.get('seconds')} s."]
    for key, label in (("weak-article", "weak, article extractors"), ("weak-dump", "weak, dumps")):
        if key in cv:
            lines.append(
                f"{label:25}: char F1 {cv[key]['char']['f1']:.3f} "
                f"(rules {rules[key]['char']['f1']:.3f}), "
                f"line F1 {cv[key]['line']['f1']:.3f} "
                f"(rules {rules[key]['line']['f1']:.3f})"
            )
    if "dev" in cv:
        lines.append(
            f"{'dev (by page)':25}: span F1 {cv['dev']['span_block']['f1']:.3f} "
            f"(rules {rules['dev']['span_block']['f1']:.3f}), char F1 {cv['dev']['char']['f1']:.3f}"
            f" (rules {rules['dev']['char']['f1']:.3f})"
        )
    lines.append(f"thresholds: {meta.get('thresholds')}, seed {meta.get('seed')}")
    return "\n".join(lines)


def source_feedback():
    """Sources with how many detector suggestions editors confirmed and dismissed."""
    detector = Q(articles__artifact_flags__origin=ArtifactFlag.Origin.DETECTOR)
    return Source.objects.annotate(
        confirmed=Count(
            "articles__artifact_flags",
            filter=detector & Q(articles__artifact_flags__state=ArtifactFlag.State.CONFIRMED),
        ),
        dismissed=Count(
            "articles__artifact_flags",
            filter=detector & Q(articles__artifact_flags__state=ArtifactFlag.State.DISMISSED),
        ),
        pending=Count(
            "articles__artifact_flags",
            filter=detector & Q(articles__artifact_flags__state=ArtifactFlag.State.SUGGESTED),
        ),
        editor_made=Count(
            "articles__artifact_flags",
            filter=Q(articles__artifact_flags__origin=ArtifactFlag.Origin.EDITOR),
        ),
    )
