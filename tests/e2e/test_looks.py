"""Looks, small screens and the keyboard, in a real browser (issue 11, items 17-21):
the article page on a 400 px phone, visible focus, the help dialog holding focus, one
status palette, one menu everywhere, no 404 for an icon, the admin list at 1,400 px.

Screenshots of the article page at 1,400 px and 400 px go to test-artifacts/ (taken with
``caret="initial"``: Playwright's default caret hiding writes ``style=""`` on every input,
which htmx then copies onto the swapped-in panel, a CSP violation of the test's own making).
"""

from __future__ import annotations

import colorsys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from annotations.models import ArticleReview, FactCheck
from annotations.roles import ADMINISTRATOR, EDITOR, FACT_CHECKER, VIEWER
from newsroom.models import Sentence
from tests.e2e.conftest import log_in
from tests.factories import fact_check, imported_article

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_cfff4d70fc50ad02.txt"
PHONE = {"width": 400, "height": 800}
MENU = ["Articles", "Dashboard", "Import", "Admin"]


@pytest.fixture
def people(roles, make_user):
    return {
        "checker": make_user(FACT_CHECKER, username="checker"),
        "reader": make_user(VIEWER, username="reader"),
        "chief": make_user(EDITOR, username="chief"),
        "root": make_user(ADMINISTRATOR, username="root"),
    }


@pytest.fixture
def seed(people):
    article = imported_article(
        SEED.read_text(encoding="utf-8"),
        source="Daily Sabah",
        published=datetime(2020, 2, 4, 11, 32, tzinfo=UTC),
    )
    sentences = list(Sentence.objects.filter(article=article).order_by("position"))
    fact_check(sentences[2], FactCheck.Status.ACCURATE, assignee=people["checker"])
    fact_check(sentences[3], FactCheck.Status.OPINION, assignee=people["checker"])
    return article


def sideways(page) -> int:
    """How many pixels the page scrolls sideways (0: it fits the window)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def in_view(page, selector: str) -> bool:
    return page.locator(selector).evaluate(
        """el => { const r = el.getBoundingClientRect();
                   return r.height > 0 && r.top >= 0 && r.top < window.innerHeight; }"""
    )


def test_article_page_on_a_phone_and_screenshots(page, live_server, seed, artifacts):
    sentences = list(Sentence.objects.filter(article=seed).order_by("position"))
    url = f"/articles/{seed.pk}/"
    log_in(page, live_server.url, "checker", "pw", url)
    page.wait_for_selector("#panel")
    page.screenshot(path=str(artifacts / "article-1400.png"), full_page=False, caret="initial")
    # Wide: the panel is a column beside the text, in view without scrolling.
    assert in_view(page, "#panel")
    assert page.locator(".nr-sheet-open").is_hidden()

    page.set_viewport_size(PHONE)
    page.reload()
    assert sideways(page) == 0
    # The menu collapses behind a button and opens on a tap.
    assert page.get_by_role("link", name="Dashboard").is_hidden()
    page.get_by_role("button", name="Menu").click()
    page.wait_for_selector("#nav-main.show:not(.collapsing)")
    assert page.get_by_role("link", name="Dashboard").is_visible()
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Dashboard").wait_for(state="hidden")

    # A tap on a sentence far down the text opens its panel as a bottom sheet, in view
    # (before: 3,250 px down the page, after the whole flags list).
    target = sentences[12]
    page.locator(f"#s-{target.pk}").scroll_into_view_if_needed()
    page.click(f"#s-{target.pk}")
    page.wait_for_selector(f'#panel[data-sentence="{target.pk}"]')
    page.wait_for_selector("#sentence-sheet.show")
    page.wait_for_timeout(400)  # the sheet's slide-in transition
    assert in_view(page, "#panel .status-buttons")
    sheet_top = page.locator("#sentence-sheet").bounding_box()["y"]
    sentence_box = page.locator(f"#s-{target.pk}").bounding_box()
    assert sentence_box["y"] < sheet_top, "the tapped sentence stays visible above the sheet"
    assert sideways(page) == 0
    page.screenshot(path=str(artifacts / "article-400.png"), full_page=False, caret="initial")

    # Its buttons work from the sheet; the sheet closes and reopens from its button.
    page.click('#panel button[name=status][value="false"]')
    page.wait_for_selector('#panel[data-status="false"]')
    assert FactCheck.objects.get(sentence=target).status == "false"
    page.get_by_role("button", name="Close the sentence panel").click()
    page.wait_for_selector("#sentence-sheet:not(.show)", state="attached")
    page.get_by_role("button", name="Sentence panel").click()
    page.wait_for_selector("#sentence-sheet.show")
    page.screenshot(path=str(artifacts / "article-400-full.png"), full_page=True, caret="initial")


@pytest.mark.parametrize("url", ["/", "/dashboard/", "/articles/import/"])
def test_list_dashboard_and_import_fit_a_phone(page, live_server, seed, url):
    # In review: the editor's dashboard lists it under "waiting for me", a 7-column table.
    ArticleReview.objects.create(article=seed, state=ArticleReview.State.IN_REVIEW)
    log_in(page, live_server.url, "chief", "pw", url)
    if url == "/dashboard/":
        assert page.locator("#waiting-table tbody a").count() == 1
    assert sideways(page) == 0, url
    if url != "/articles/import/":
        # A wide table scrolls inside its box; its titles stay readable (not a letter a line).
        title = page.locator(f'table a[href="/articles/{seed.pk}/"]').first
        assert title.bounding_box()["width"] > 80, url


def test_status_buttons_show_keyboard_focus(page, live_server, seed):
    log_in(page, live_server.url, "checker", "pw", f"/articles/{seed.pk}/")
    page.wait_for_selector("#panel .status-buttons")
    page.locator("#panel button[name=status]").first.focus()
    page.keyboard.press("Tab")  # keyboard focus, so :focus-visible applies
    ring = page.evaluate(
        """() => { const el = document.activeElement, s = getComputedStyle(el);
                   return [el.name, s.outlineStyle, parseFloat(s.outlineWidth)]; }"""
    )
    assert ring[0] == "status"
    assert ring[1] != "none" and ring[2] >= 2, ring


def test_help_dialog_holds_focus_and_gives_it_back(page, live_server, seed):
    log_in(page, live_server.url, "checker", "pw", f"/articles/{seed.pk}/")
    page.locator("#article .sentence.selected").focus()
    page.keyboard.press("?")
    page.wait_for_selector("#help[open]")
    for _ in range(6):
        page.keyboard.press("Tab")
        where = page.evaluate(
            "() => document.activeElement === document.body"
            " || document.getElementById('help').contains(document.activeElement)"
        )
        assert where, "Tab left the open help dialog"
    # The page behind cannot be reached by a click either (modal).
    assert page.evaluate("() => document.getElementById('help').matches(':modal')")
    page.keyboard.press("Escape")
    page.wait_for_selector("#help", state="hidden")
    assert page.evaluate("() => document.activeElement.classList.contains('sentence')")


def test_help_shows_viewers_no_write_keys(page, live_server, seed):
    log_in(page, live_server.url, "reader", "pw", f"/articles/{seed.pk}/")
    page.keyboard.press("?")
    page.wait_for_selector("#help[open]")
    keys = page.locator("#help kbd").all_inner_texts()
    assert "j" in keys and "?" in keys
    assert not {"1", "5", "9", "c", "e", "a", "u"} & set(keys), keys


def menu(page) -> list[str]:
    return [t.strip() for t in page.locator("nav[aria-label=Main] .nav-link").all_inner_texts()]


def test_the_same_menu_on_every_page_and_no_missing_icon(page, live_server, seed):
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    log_in(page, live_server.url, "root", "pw", "/")
    pages = [
        "/",
        "/dashboard/",
        f"/articles/{seed.pk}/",
        "/articles/import/",
        f"/articles/{seed.pk}/clean/",
    ]
    for url in pages:
        page.goto(f"{live_server.url}{url}")
        assert menu(page) == MENU, url
    page.goto(f"{live_server.url}/admin/newsroom/article/")
    page.wait_for_timeout(300)  # the browser asks for the icon after the load
    assert not missing, missing


def test_forbidden_page_has_the_menu(page, live_server, seed):
    log_in(page, live_server.url, "reader", "pw", "/")
    response = page.goto(f"{live_server.url}/articles/import/")
    assert response.status == 403
    assert page.get_by_role("heading", level=1).inner_text() == "You are not allowed to do that"
    assert menu(page) == ["Articles", "Dashboard"]


def colour(page, selector: str, prop: str = "background-color") -> str:
    return page.locator(selector).first.evaluate(f"el => getComputedStyle(el)['{prop}']")


def hue(value: str) -> float:
    """The hue, in degrees, of a computed ``rgb(r, g, b)`` colour."""
    r, g, b = (float(x) / 255 for x in value[value.index("(") + 1 : -1].split(",")[:3])
    return colorsys.rgb_to_hsv(r, g, b)[0] * 360


def hue_apart(a: str, b: str) -> float:
    d = abs(hue(a) - hue(b)) % 360
    return min(d, 360 - d)


def test_one_status_palette_for_list_article_page_and_admin(page, live_server, seed):
    log_in(page, live_server.url, "root", "pw", "/")
    on_list = {s: colour(page, f".nr-seg-{s}") for s in ("accurate", "opinion")}
    page.goto(f"{live_server.url}/articles/{seed.pk}/")
    on_page = {s: colour(page, f"#progress .st-bar-{s}") for s in ("accurate", "opinion")}
    tints = {s: colour(page, f"#article .sentence.st-{s}") for s in ("accurate", "opinion")}
    page.goto(f"{live_server.url}/admin/newsroom/article/")
    in_admin = {s: colour(page, f".nr-seg-{s}") for s in ("accurate", "opinion")}
    assert on_list == on_page == in_admin
    # Accurate and opinion are far apart in hue, as bars and as the text's tint (before:
    # green #d1e7dd beside teal #d2f4ea on the text, 10 degrees apart).
    for pair in (on_page, tints):
        assert hue_apart(pair["accurate"], pair["opinion"]) > 90, pair


def test_admin_article_list_fits_1400_px(page, live_server, people):
    long = "Turkey calls on Russia to stop the attacks in Idlib after {} soldiers were killed"
    for n in range(6):
        imported_article(
            f"{long.format(n)}\n\nBody {n}. Another sentence {n}.", source=f"Source {n}"
        )
    log_in(page, live_server.url, "root", "pw", "/admin/newsroom/article/")
    table = page.locator("#result_list")
    box = page.locator("#changelist .results")
    widths = box.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert widths[0] <= widths[1], f"the list scrolls sideways: {widths}"
    # Each title link's line boxes: 2-3 lines for these 80-character titles (before: 9).
    lines = table.locator("tbody th a").evaluate_all(
        "links => links.map(a => a.getClientRects().length)"
    )
    assert len(lines) == 6 and max(lines) <= 3, lines
    assert sideways(page) == 0
