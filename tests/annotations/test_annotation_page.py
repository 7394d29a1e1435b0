"""The annotation page's flag work through the test client (issue 11, items 12-16, 24):
overlapping flags, "Flag a span" errors at the form, decisions answered in place and
bounded, dismissed flags hidden in the text, skipped sentences, short history quotes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from annotations import flagging, services
from annotations.excerpt import excerpt
from annotations.models import ArtifactFlag
from newsroom.models import Article, Sentence
from newsroom.text.spans import Finding
from tests.factories import article_with_sentences, imported_article

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_cfff4d70fc50ad02.txt"
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def seed() -> Article:
    return imported_article(SEED.read_text(encoding="utf-8"))


def flag_of(article: Article, kind: str) -> ArtifactFlag:
    return article.artifact_flags.filter(kind=kind).order_by("start").first()


def add_url(article: Article) -> str:
    return reverse("annotations:flag-add", args=[article.pk])


def decide_url(flag: ArtifactFlag) -> str:
    return reverse("annotations:flag-decide", args=[flag.pk])


# --- 24. History quotes end at a word, with an ellipsis. ------------------------------


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Short quote.", 60, "Short quote."),
        ("  spaced\n\nout  ", 60, "spaced out"),
        ("one two three four", 12, "one two…"),
        ("one two, three four", 13, "one two…"),  # no comma before the ellipsis
        ("abcdefghijklmnop", 8, "abcdefg…"),  # one long word: cut inside it
        ("exactly ten", 11, "exactly ten"),
    ],
)
def test_excerpt_cuts_at_a_word_with_an_ellipsis(text, limit, expected):
    assert excerpt(text, limit) == expected
    assert len(excerpt(text, limit)) <= limit


def test_history_cuts_a_long_claim_quote_at_a_word_boundary(checker_client, fact_checker):
    words = "Seven Turkish soldiers and one civilian died in the shelling near Saraqeb today."
    article = imported_article(f"Title line\n\n{words} Another sentence.")
    sentence = Sentence.objects.filter(article=article).order_by("position")[1]
    services.add_claim(sentence=sentence, user=fact_checker)
    panel = checker_client.get(
        reverse("annotations:sentence-panel", args=[sentence.pk]) + "?history=open", **HX
    ).content.decode()
    what = re.search(r"Claim “([^”]*)”", panel).group(1)
    assert what == "Seven Turkish soldiers and one civilian died in the…"
    assert words.startswith(what[:-1])


# --- 15. Flags of one kind never overlap. ---------------------------------------------


def test_a_flag_inside_a_confirmed_flag_of_the_same_kind_is_refused(seed, editor):
    outer = flag_of(seed, "comment_form")
    flagging.decide_flag(flag=outer, user=editor, state="confirmed")
    before = ArtifactFlag.history.count()
    with pytest.raises(ValidationError) as refused:
        flagging.add_flag(
            article=seed,
            start=outer.start + 6,
            end=outer.start + 20,
            kind="comment_form",
            user=editor,
        )
    assert refused.value.code == "overlap"
    assert refused.value.messages == [
        f"Not flagged: the selection [{outer.start + 6}, {outer.start + 20}) lies inside the "
        f"confirmed “Comment form” flag [{outer.start}, {outer.end}); dismiss that flag first "
        "to flag a different span."
    ]
    assert seed.artifact_flags.filter(kind="comment_form").count() == 1
    assert ArtifactFlag.history.count() == before


def test_a_flag_over_untouched_suggestions_of_its_kind_merges_them(editor):
    article = imported_article("A title\n\nBody before <b>bold</b> and after.")
    text = article.raw_text
    tags = list(article.artifact_flags.filter(kind="html_markup").order_by("start"))
    assert [t.text for t in tags] == ["<b>", "</b>"]
    start = text.index("<b>")
    flag = flagging.add_flag(
        article=article,
        start=start + 1,
        end=text.index("</b>") + 2,
        kind="html_markup",
        user=editor,
    )
    assert (flag.start, flag.end, flag.state) == (start, text.index("</b>") + 4, "confirmed")
    assert list(article.artifact_flags.filter(kind="html_markup")) == [flag]
    assert "replaces 2 suggestions" in flag.reason
    deleted = ArtifactFlag.history.filter(id__in=[t.pk for t in tags], history_type="-")
    assert [row.history_user for row in deleted] == [editor, editor]


def test_other_kinds_and_dismissed_flags_may_overlap(seed, editor):
    outer = flag_of(seed, "comment_form")
    flagging.decide_flag(flag=outer, user=editor, state="dismissed")
    inner = flagging.add_flag(
        article=seed, start=outer.start + 5, end=outer.start + 20, kind="comment_form", user=editor
    )
    other = flagging.add_flag(
        article=seed, start=outer.start + 5, end=outer.start + 20, kind="advert", user=editor
    )
    assert inner.pk != other.pk and inner.state == other.state == "confirmed"


def test_a_suggestion_an_editor_undid_is_not_merged_away(seed, editor):
    flag = flag_of(seed, "dead_comments")
    flagging.decide_flag(flag=flag, user=editor, state="confirmed")
    flagging.undo_flag(flag=flag, user=editor)  # suggested again, but looked at
    with pytest.raises(ValidationError, match="inside the suggested “Empty comment section”"):
        flagging.add_flag(
            article=seed, start=flag.start + 3, end=flag.end, kind="dead_comments", user=editor
        )


# --- 12. "Flag a span" errors appear at the form, with what was typed. ---------------


def test_flag_a_span_error_comes_back_in_the_form_with_the_input(seed, editor_client):
    typed = {"quote": "Not in the article at all", "kind": "advert"}
    response = editor_client.post(add_url(seed), typed, **HX)
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#flag-add-form"
    html = response.content.decode()
    assert html.lstrip().startswith('<form id="flag-add-form"')
    assert "That text appears 0 times in the article" in html
    assert ">Not in the article at all</textarea>" in html
    assert '<option value="advert" selected>' in html
    assert 'id="flag-panel"' not in html
    assert not seed.artifact_flags.filter(kind="advert").exists()


def test_flag_a_span_overlap_error_keeps_the_offsets(seed, editor_client, editor):
    outer = flag_of(seed, "comment_form")
    flagging.decide_flag(flag=outer, user=editor, state="confirmed")
    data = {"start": outer.start + 1, "end": outer.start + 9, "kind": "comment_form"}
    html = editor_client.post(add_url(seed), data, **HX).content.decode()
    assert "lies inside the confirmed “Comment form” flag" in html
    assert f'value="{outer.start + 1}"' in html and f'value="{outer.start + 9}"' in html


def test_a_refused_flag_from_the_selection_menu_answers_under_the_menu(seed, editor_client):
    data = {"start": 5, "end": 3, "kind": "advert", "via": "selection"}
    response = editor_client.post(add_url(seed), data, **HX)
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#selection-error"
    assert (
        response.content.decode()
        == "The span must lie inside the article&#x27;s text and not be empty."
    )


def test_flag_a_span_offers_no_default_kind(seed, editor_client):
    html = editor_client.get(seed.get_absolute_url()).content.decode()
    for select in ("flag-add-kind", "flag-kind"):
        options = re.search(rf'<select id="{select}"[^>]*required>\s*<option([^>]*)>', html)
        assert options and options.group(1) == ' value=""', select
    assert editor_client.post(add_url(seed), {"start": 0, "end": 5}, **HX).status_code == 422


# --- 13. Decisions in place, bounded by the flag. -------------------------------------


def long_article(paragraphs: int) -> Article:
    """``paragraphs`` body lines, each one sentence with one suggested advert flag."""
    body = "\n".join(f"Paragraph {i} has a sponsored line here." for i in range(paragraphs))
    article = imported_article(f"Long one\n\n{body}")
    text = article.raw_text
    flagging.store_suggestions(
        article=article,
        findings=[
            Finding(m.start(), m.end(), kind="advert", reason="sponsored", confidence=0.9)
            for m in re.finditer(r"sponsored line", text)
        ],
    )
    return article


@pytest.mark.parametrize("paragraphs", [5, 200])
def test_a_decision_answers_with_the_flag_and_the_text_around_it_only(
    editor_client, django_assert_max_num_queries, paragraphs
):
    article = long_article(paragraphs)
    flag = article.artifact_flags.filter(kind="advert").order_by("start")[2]
    # Constant: the same bound for 5 and 200 flags (PostgreSQL adds a savepoint or two);
    # + 6: the article's counters refreshed in the decision's transaction.
    with django_assert_max_num_queries(26):
        response = editor_client.post(decide_url(flag), {"state": "confirmed"}, **HX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#flag-{flag.pk}"
    html = response.content.decode()
    assert html.count('class="flag-item') == 1
    assert html.count('hx-swap-oob="true"') == 5  # summary, buttons, badge, 1 block, progress
    block = article.blocks.get(start__lte=flag.start, end__gte=flag.end)
    assert f'id="b-{block.pk}" hx-swap-oob="true"' in html
    assert re.findall(r'<p class="block[^"]*" id="b-(\d+)"', html) == [str(block.pk)]
    assert "flag flag-confirmed kind-advert" in html
    assert f"{paragraphs} pending" not in html and f"{paragraphs - 1} pending" in html
    assert "Confirm all" in html  # the kind's buttons follow the new counts
    assert 'id="progress" hx-swap-oob="true"' in html


def test_the_text_around_a_flag_is_cut_to_the_part_shown(editor_client):
    article = long_article(5)
    flag = article.artifact_flags.filter(kind="advert").order_by("start")[1]
    sentence = Sentence.objects.get(article=article, start__lte=flag.start, end__gte=flag.end)
    window = {"text_start": sentence.start, "text_end": sentence.end}
    html = editor_client.post(
        decide_url(flag), {"state": "confirmed", **window}, **HX
    ).content.decode()
    text = re.sub(r"<[^>]+>", "", re.search(r'<p class="block.*?</p>', html, re.S).group(0))
    assert text == article.raw_text[sentence.start : sentence.end]


def test_confirming_a_flag_marks_the_sentences_inside_it_as_skipped(editor_client):
    article = long_article(3)
    line = Sentence.objects.filter(article=article).order_by("position")[2]
    flag = flagging.add_flag(
        article=article, start=line.start, end=line.end, kind="comment_form", user=None
    )
    page = editor_client.get(article.get_absolute_url()).content.decode()
    assert re.search(rf'class="sentence [^"]*in-artifact[^"]*" id="s-{line.pk}"', page)
    assert page.count("in-artifact") == 1
    html = editor_client.post(decide_url(flag), {"state": "dismissed"}, **HX).content.decode()
    assert f'id="s-{line.pk}"' in html and "in-artifact" not in html


def test_a_kind_decision_and_a_new_flag_answer_with_the_part_panel(editor_client, seed):
    url = reverse("annotations:flag-decide-kind", args=[seed.pk])
    response = editor_client.post(url, {"kind": "stray_whitespace", "state": "confirmed"}, **HX)
    assert response["HX-Retarget"] == "#flag-panel"
    html = response.content.decode()
    assert html.count('id="flag-panel"') == 1
    assert 'hx-swap-oob="true"' in html  # the text the three flags are in
    text = seed.raw_text
    start = text.index("Cavusoglu")
    response = editor_client.post(
        add_url(seed), {"start": start, "end": start + 9, "kind": "advert"}, **HX
    )
    assert response.status_code == 200
    assert 'class="flag flag-confirmed kind-advert"' in response.content.decode()


# --- 11, 16. Marks are no Tab stops; dismissed flags only on demand. -----------------


def test_flag_marks_are_not_tab_stops(seed, viewer_client):
    page = viewer_client.get(seed.get_absolute_url()).content.decode()
    marks = re.findall(r'<span class="flag [^>]*>', page)
    assert marks and not any("tabindex" in mark for mark in marks)


def test_dismissed_flags_are_hidden_in_the_text_unless_asked_for(seed, editor, viewer_client):
    flag = flag_of(seed, "dead_comments")
    flagging.decide_flag(flag=flag, user=editor, state="dismissed")
    page = viewer_client.get(seed.get_absolute_url()).content.decode()
    assert "flag-dismissed" not in page
    assert f'id="flag-{flag.pk}"' in page  # still listed in the panel
    assert "Show the 1 dismissed in the text" in page
    first = Sentence.objects.filter(article=seed).order_by("position").first()
    assert f'href="?s={first.pk}&amp;dismissed=show"' in page  # also without JavaScript
    shown = viewer_client.get(seed.get_absolute_url() + "?dismissed=show").content.decode()
    assert 'class="flag flag-dismissed kind-dead_comments"' in shown
    assert "Hide the 1 dismissed in the text" in shown
    assert '"dismissed": "show"' in shown.replace("&quot;", '"')  # writes keep the choice


def test_a_dismissal_redraws_the_text_without_the_flag(seed, editor_client):
    flag = flag_of(seed, "dead_comments")
    html = editor_client.post(decide_url(flag), {"state": "dismissed"}, **HX).content.decode()
    assert not re.search(r'class="flag [^"]*kind-dead_comments', html)
    html = editor_client.post(
        reverse("annotations:flag-undo", args=[flag.pk]), {"dismissed": "show"}, **HX
    ).content.decode()
    assert 'class="flag flag-suggested kind-dead_comments"' in html


def test_the_page_query_count_stays_constant_with_skipped_sentences(
    viewer_client, django_assert_max_num_queries
):
    counts = []
    for n in (5, 50):
        article = article_with_sentences(n)
        flagging.add_flag(
            article=article,
            start=article.sentence_list[1].start,
            end=article.sentence_list[-1].end,
            kind="comment_form",
            user=None,
        )
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert viewer_client.get(article.get_absolute_url()).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_help_lists_the_flag_key_for_editors_only(seed, editor_client, checker_client):
    row = "<tr><td><kbd>f</kbd></td><td>Flag the selected text as an artifact"
    assert row in editor_client.get(seed.get_absolute_url()).content.decode()
    checker_page = checker_client.get(seed.get_absolute_url()).content.decode()
    assert row not in checker_page
    assert "<td>Claim the selected text (in the sentence it is in)" in checker_page
