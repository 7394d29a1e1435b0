"""Bidi spoofing: user and imported text is isolated where it stands next to other text
(``<bdi>`` / ``dir="auto"``), and URLs shown as text have their bidi controls made visible."""

import re

import pytest
from django.urls import reverse

from annotations import services
from annotations.models import ArtifactFlag, Evidence
from annotations.templatetags.bidi import reveal_controls
from tests.factories import article_with_sentences

RLO = "\u202e"
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ""),
        ("https://example.org/a", "https://example.org/a"),
        (f"https://example.org/{RLO}fdp.exe", "https://example.org/<U+202E>fdp.exe"),
        ("a\u202ab\u202bc\u202cd\u202de", "a<U+202A>b<U+202B>c<U+202C>d<U+202D>e"),
        ("\u2066\u2067\u2068\u2069", "<U+2066><U+2067><U+2068><U+2069>"),
        ("l\u200er\u200fa\u061c", "l<U+200E>r<U+200F>a<U+061C>"),
        (
            "zero\u200bwidth\u200c\u200d\u2060\ufeff",
            "zero<U+200B>width<U+200C><U+200D><U+2060><U+FEFF>",
        ),
        # Letters of right-to-left scripts, accents and emoji are not controls.
        ("https://ar.example/مرحبا/café/😀", "https://ar.example/مرحبا/café/😀"),
    ],
)
def test_reveal_controls(text, expected):
    assert reveal_controls(text) == expected


def test_reveal_controls_filter_output_is_still_escaped():
    from django.template import Context, Template

    out = Template("{% load bidi %}{{ url|reveal_controls }}").render(
        Context({"url": f"https://x.example/<b>{RLO}"})
    )
    assert out == "https://x.example/&lt;b&gt;&lt;U+202E&gt;"


@pytest.fixture
def spoofed(db, editor):
    """An article whose title, first sentence's claimant and evidence carry U+202E."""
    article = article_with_sentences(3, title=f"Harmless {RLO}txt.exe")
    sentence = article.sentence_list[0]
    services.add_claim(sentence=sentence, user=editor, claimant=f"Minister {RLO}ssecnirp")
    services.add_evidence(
        sentence=sentence,
        user=editor,
        url=f"https://evil.example/{RLO}gro.elpmaxe",
        title=f"Official {RLO}troper",
        stance=Evidence.Stance.SUPPORTS,
        note=f"see {RLO}here",
    )
    services.set_status(sentence=sentence, status="false", user=editor, expected_version=1)
    return article


def _url_texts(body):
    """The text of every element marked as a shown evidence URL."""
    return re.findall(r'<bdi dir="ltr"[^>]*data-evidence-url>(.*?)</bdi>', body)


pytestmark = pytest.mark.django_db


def test_panel_isolates_titles_claimants_and_reveals_url_controls(spoofed, checker_client):
    sentence = spoofed.sentence_list[0]
    panel = reverse("annotations:sentence-panel", args=[sentence.pk])
    body = checker_client.get(panel, **HX).content.decode()
    assert f"<bdi data-evidence-title>Official {RLO}troper</bdi>" in body
    assert _url_texts(body) == ["https://evil.example/&lt;U+202E&gt;gro.elpmaxe"]
    assert f'<strong data-claimant dir="auto">Minister {RLO}ssecnirp</strong>' in body
    assert f"<bdi>see {RLO}here</bdi>" in body
    # Every raw U+202E left in the panel's text sits inside an isolating element (form
    # controls, whose values are attributes or textarea content, are their own boxes).
    isolated = r"<(bdi|strong|q|div|a|blockquote|textarea)\b[^>]*>[^<]*</\1>"
    assert RLO not in re.sub(r"<[^>]*>", "", re.sub(isolated, "", body))


def test_evidence_without_title_shows_the_revealed_url_as_link_text(editor, checker_client):
    sentence = article_with_sentences(2).sentence_list[0]
    services.add_evidence(sentence=sentence, user=editor, url=f"https://a.example/{RLO}x")
    body = checker_client.get(
        reverse("annotations:sentence-panel", args=[sentence.pk]), **HX
    ).content.decode()
    assert _url_texts(body) == ["https://a.example/&lt;U+202E&gt;x"]
    assert f"a.example/{RLO}x</" not in body


def test_article_page_isolates_the_title_and_source(spoofed, checker_client):
    body = checker_client.get(spoofed.get_absolute_url()).content.decode()
    assert f'<h1 class="block-title" dir="auto">Harmless {RLO}txt.exe</h1>' in body
    assert f"<bdi>{spoofed.source}</bdi>" in body


def test_article_list_and_dashboard_isolate_titles(spoofed, fact_checker, editor_client):
    page = editor_client.get(reverse("annotations:article-list")).content.decode()
    assert f'dir="auto">Harmless {RLO}txt.exe</a>' in page
    dashboard = editor_client.get(reverse("annotations:dashboard")).content.decode()
    assert f"<bdi>Harmless {RLO}txt.exe</bdi>" in dashboard  # recently changed sentences


def test_flag_panel_isolates_the_flagged_text(spoofed, editor_client):
    ArtifactFlag.objects.create(
        article=spoofed,
        start=0,
        end=8,
        kind=ArtifactFlag._meta.get_field("kind").choices[0][0],
        reason=f"odd {RLO}eman",
    )
    body = editor_client.get(spoofed.get_absolute_url()).content.decode()
    assert '<bdi><q class="flag-text">' in body
    assert f"<bdi>odd {RLO}eman</bdi>" in body


def test_admin_evidence_column_is_isolated_and_revealed(spoofed, administrator_client):
    Evidence.objects.update(title="")
    body = administrator_client.get(
        reverse("admin:annotations_evidence_changelist")
    ).content.decode()
    assert '<bdi dir="ltr">https://evil.example/&lt;U+202E&gt;gro.elpmaxe</bdi>' in body
