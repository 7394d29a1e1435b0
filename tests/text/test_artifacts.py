# ruff: noqa: RUF001
"""Artifact detector: the seed article exactly, one table row per kind, invariants."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsroom.text.artifacts import (
    CHARACTER_KINDS,
    DETECTORS,
    KIND_LABELS,
    KINDS,
    Document,
    detect,
)

from .artifact_helpers import BODY, BODY2, found

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_cfff4d70fc50ad02.txt"


def test_seed_gets_exactly_its_nine_findings() -> None:
    text = SEED.read_text(encoding="utf-8")
    lines = text.split("\n")
    assert found(text) == [
        ("dateline", "February 04 2020 02:32 PM"),
        ("truncated_duplicate", lines[2]),
        ("image_caption", lines[3][: lines[3].index(" AFP/")]),
        ("photo_credit", "AFP/Turkish Defence Ministery Press Service."),
        ("stray_whitespace", "\xa0"),
        ("stray_whitespace", "\xa0"),
        ("stray_whitespace", "\xa0"),
        ("dead_comments", "There are no comments."),
        (
            "comment_form",
            "LEAVE A COMMENT Your email address will not be published. Required fields are marked*",
        ),
    ]
    assert len(lines[2]) == 100


# One positive example per kind: (text, kind, the exact text flagged with that kind).
POSITIVE = [
    (
        "A fire destroyed the old mill on the river and its warehouse nearby\n"
        "A fire destroyed the old mill on the river and its warehouse nearby. (Jane Doe/AP)\n"
        + BODY,
        "truncated_duplicate",
        "A fire destroyed the old mill on the river and its warehouse nearby",
    ),
    (
        "City passes a record budget\n" + BODY + "City passes a record budget\n" + BODY2,
        "duplicate_block",
        "City passes a record budget",
    ),
    (
        BODY + "Image caption The mayor speaks to reporters outside city hall\n" + BODY2,
        "image_caption",
        "Image caption The mayor speaks to reporters outside city hall",
    ),
    (
        BODY + "Photo: Jane Doe/Getty Images\n" + BODY2,
        "photo_credit",
        "Photo: Jane Doe/Getty Images",
    ),
    (BODY + "Image 1 of 12\n" + BODY2, "media_placeholder", "Image 1 of 12"),
    (
        BODY + "— Jane Doe (@janedoe) March 3, 2021\n" + BODY2,
        "embedded_social",
        "— Jane Doe (@janedoe) March 3, 2021",
    ),
    ("Budget passes\nUpdated 3 hours ago\n" + BODY, "dateline", "Updated 3 hours ago"),
    ("Budget passes\nBy Jane Doe\n" + BODY, "byline", "By Jane Doe"),
    (
        BODY + BODY2 + "Jane Doe is a freelance writer based in Lisbon.\n",
        "author_bio",
        "Jane Doe is a freelance writer based in Lisbon.",
    ),
    (BODY + "Share this story\n" + BODY2, "share_widget", "Share this story"),
    (
        BODY + BODY2 + "Follow us on Twitter and Facebook\n",
        "social_follow",
        "Follow us on Twitter and Facebook",
    ),
    (
        BODY + "Sign up for our newsletter to get the news in your inbox\n" + BODY2,
        "newsletter_prompt",
        "Sign up for our newsletter to get the news in your inbox",
    ),
    (BODY + "Advertisement\n" + BODY2, "advert", "Advertisement"),
    (
        BODY + "Read more: Schools brace for a difficult winter\n" + BODY2,
        "related_links",
        "Read more: Schools brace for a difficult winter",
    ),
    (
        BODY + "Continue reading the main story\n" + BODY2,
        "navigation",
        "Continue reading the main story",
    ),
    (BODY + BODY2 + "Comments\n", "dead_comments", "Comments"),
    (
        BODY + BODY2 + "Leave a comment\n",
        "comment_form",
        "Leave a comment",
    ),
    (
        BODY + BODY2 + "2 Comments\nI think this budget is a great idea for everyone here.\n",
        "user_comments",
        "I think this budget is a great idea for everyone here.",
    ),
    (
        BODY + BODY2 + "This site uses cookies to improve your experience.\n",
        "cookie_notice",
        "This site uses cookies to improve your experience.",
    ),
    (
        BODY + BODY2 + "© 2019 Example Media Inc. All rights reserved.\n",
        "copyright_footer",
        "© 2019 Example Media Inc. All rights reserved.",
    ),
    (BODY + "———————\n" + BODY2, "separator", "———————"),
    (BODY + "  \t\n" + BODY2, "stray_whitespace", "  \t"),
    (BODY + "Profits &amp; losses were even.\n", "html_entity", "&amp;"),
    (BODY + '<div class="ad"></div>\n' + BODY2, "html_markup", '<div class="ad"></div>'),
    (BODY + "The city’s mayor, Jerusalemâ€™s envoy, agreed.\n", "mojibake", "â€™"),
    (BODY + BODY2 + "To continue, the council said...\nAll...\n", "truncated_text", "All..."),
]

# One negative example per kind: text where that kind must not be found.
NEGATIVE = [
    (
        "truncated_duplicate",
        "The mayor spoke at length today.\nThe mayor spoke at length today about taxes.\n" + BODY,
    ),
    ("duplicate_block", "Short line\n" + BODY + "Short line\n" + BODY2),
    (
        "image_caption",
        BODY + "Above all, the council wants to keep taxes low for families.\n" + BODY2,
    ),
    ("photo_credit", BODY + "He said the photo was taken in 2019 by a friend of the family.\n"),
    ("media_placeholder", BODY + "She plans to watch the vote from home with her children.\n"),
    ("embedded_social", BODY + "The mayor posted on Twitter that the vote was historic.\n"),
    ("dateline", BODY + "The vote on November 18, 2019 was the first in a decade.\n"),
    ("byline", BODY + "By the time the vote came, most members had left the room.\n"),
    ("author_bio", "Jane Doe is a freelance writer who won the prize.\n" + BODY + BODY2 * 2),
    ("share_widget", BODY + "Residents will share the cost of the repairs, the mayor said.\n"),
    ("social_follow", BODY + "Others will follow the council's lead on the issue next year.\n"),
    ("newsletter_prompt", BODY + "Residents can subscribe to the plan through the city website.\n"),
    ("advert", BODY + "The advertisement campaign cost the city nearly $2 million.\n"),
    ("related_links", BODY + "More than 200 people attended the meeting on Monday night.\n"),
    ("navigation", BODY + "Read the full report on the city's website, officials said.\n"),
    ("dead_comments", BODY + "Asked for comments, a spokesman said the ministry had no comment.\n"),
    ("comment_form", BODY + "The spokesman declined to comment on the vote.\n"),
    ("user_comments", BODY + "Comments from residents were mostly positive, officials said.\n"),
    ("cookie_notice", BODY + "The bakery sold cookies to raise money for the school.\n"),
    ("copyright_footer", BODY + "The author holds the copyright to the photographs, she said.\n"),
    ("separator", BODY + "The score was 3-2 -- a narrow win.\n"),
    ("stray_whitespace", BODY + "\n\n\n" + BODY2),
    ("html_entity", BODY + "AT&T and P&G; were named in the suit.\n"),
    ("html_markup", BODY + "The vote was 5 < 7 and 9 > 3 on the second ballot.\n"),
    ("mojibake", BODY + "Le café était fermé à São Paulo, naïve señor.\n"),
    ("truncated_text", BODY + "He paused... then continued to speak about the budget.\n" + BODY2),
]


@pytest.mark.parametrize(("text", "kind", "expected"), POSITIVE, ids=[p[1] for p in POSITIVE])
def test_each_kind_found(text: str, kind: str, expected: str) -> None:
    assert (kind, expected) in found(text)


@pytest.mark.parametrize(("kind", "text"), NEGATIVE, ids=[n[0] for n in NEGATIVE])
def test_each_kind_not_found_in_lookalike(kind: str, text: str) -> None:
    assert kind not in {k for k, _ in found(text)}


def test_kinds_cover_every_kind_once_and_have_labels() -> None:
    assert len(KINDS) == 26 == len(set(KINDS))
    assert set(KIND_LABELS) == set(KINDS)
    assert {p[1] for p in POSITIVE} == set(KINDS)
    assert {n[0] for n in NEGATIVE} == set(KINDS)


def test_body_sentence_about_comments_is_not_flagged() -> None:
    text = BODY + "Asked for comments, a spokesman said the ministry had no comment.\n" + BODY2
    assert found(text) == []


def test_short_caption_like_line_seen_once_is_not_flagged() -> None:
    text = BODY + "A view of the harbour at dawn\n" + BODY2
    assert found(text) == []


def test_live_comment_section_is_user_comments_not_dead() -> None:
    text = (
        BODY
        + BODY2
        + "2 Comments\nGreat news for the schools, finally.\nI disagree, taxes will go up again.\n"
    )
    kinds = [k for k, _ in found(text)]
    assert kinds == ["user_comments"] * 3


def test_byline_and_dateline_on_one_line_are_split() -> None:
    text = "Budget passes\nBy Jane Doe - 11/19/19 06:56 AM EST\n" + BODY
    assert found(text) == [("byline", "By Jane Doe"), ("dateline", "11/19/19 06:56 AM EST")]


def test_repeated_short_credit_keeps_its_kind() -> None:
    text = BODY + "Photo: Jane Doe, AP\n" + BODY2 + "Photo: Jane Doe, AP\n"
    assert [k for k, _ in found(text)] == ["photo_credit", "photo_credit"]


def test_clean_article_has_no_findings() -> None:
    assert found("City passes a record budget\n" + BODY + BODY2) == []


def test_each_detector_runs_alone_and_yields_known_kinds() -> None:
    text = SEED.read_text(encoding="utf-8")
    for _kind_text, _kind, _ in POSITIVE:
        text += "\n" + _kind_text
    doc = Document.parse(text)
    for detector in DETECTORS:
        for finding in detector(doc):
            assert finding.kind in KINDS, detector.__name__
            assert 0 <= finding.start < finding.end <= len(text)
            assert 0.0 <= finding.confidence <= 1.0
            assert finding.reason


def assert_invariants(text: str) -> None:
    findings = detect(text)
    assert findings == sorted(findings, key=lambda f: (f.start, f.end, f.kind))
    block = [f for f in findings if f.kind not in CHARACTER_KINDS]
    chars = [f for f in findings if f.kind in CHARACTER_KINDS]
    for group in (block, chars):
        for a, b in itertools.pairwise(group):
            assert a.end <= b.start, (a, b)
    for finding in findings:
        assert finding.kind in KINDS
        assert 0 <= finding.start < finding.end <= len(text)
        piece = text[finding.start : finding.end]
        if finding.kind == "stray_whitespace":
            assert piece.strip() == ""
        else:
            assert piece == piece.strip(), finding


def test_invariants_on_the_positive_table() -> None:
    for text, _, _ in POSITIVE:
        assert_invariants(text)


_ALPHABET = st.sampled_from(
    [
        *"ab AB.,:;/()@&#;<>-_—…’â€™\xa0\t\n0123456789é😀",
        *["Advertisement", "Comments", "By ", "Photo: ", "&amp;", "&lt;b&gt;", "\n\n", "   "],
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=120).map("".join))
def test_detect_never_raises_and_keeps_invariants(text: str) -> None:
    assert_invariants(text)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=400))
def test_detect_on_arbitrary_unicode(text: str) -> None:
    assert_invariants(text)


def test_no_django_imported() -> None:
    code = "import sys, newsroom.text.artifacts; sys.exit('django' in sys.modules)"
    root = Path(__file__).resolve().parents[2]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0


def test_more_after_share_buttons_is_a_share_button() -> None:
    text = BODY + "Share this story\nMore\n" + BODY2
    assert found(text) == [("share_widget", "Share this story"), ("share_widget", "More")]


def test_legal_links_take_the_kind_of_the_box_they_follow() -> None:
    signup = BODY + BODY2 + "Sign up for our newsletter\nPrivacy Policy, Terms of Use\n"
    assert found(signup)[-1] == ("newsletter_prompt", "Privacy Policy, Terms of Use")
    alone = BODY + BODY2 + "Privacy Policy, Terms of Use\n"
    assert found(alone) == [("cookie_notice", "Privacy Policy, Terms of Use")]


def test_caption_above_a_parenthesised_credit() -> None:
    text = BODY + "The mayor at the opening of the new school in March\n(City Hall Press Office)\n"
    assert found(text + BODY2) == [
        ("image_caption", "The mayor at the opening of the new school in March"),
        ("photo_credit", "(City Hall Press Office)"),
    ]


def test_headline_case_line_near_top_is_not_a_byline() -> None:
    text = "Continue reading\nMayor’s Budget Plan Wins Council Vote Easily\n" + BODY
    assert "byline" not in {k for k, _ in found(text)}


def test_names_line_near_top_is_a_byline() -> None:
    text = "City passes a record budget\nJane Doe and John Roe\n" + BODY
    assert ("byline", "Jane Doe and John Roe") in found(text)
