"""Issue 12, point 9: the public pages in both colour schemes and on a phone and a wide screen.

axe-core finds no serious or critical problem (contrast included) on the complaint form, its error page,
the contact page, home, an article and search, with the browser asking for light and for dark. The home
page fills its width beside a lone lead story; search does not scroll sideways on a phone.
"""

import pytest

from tests.browser_helpers import serious_violations
from tests.factories import ArticleFactory, CorrectionFactory, InitiativeFactory, RenderedImageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCHEMES = ["light", "dark"]


@pytest.fixture
def content(db):
    picture = RenderedImageFactory(alt_text="Delegates in the conference hall", focal_point_x=0.2, focal_point_y=0.8)
    lead = ArticleFactory(
        title="Explainer: four global initiatives",
        dek="What each initiative proposes, and when it began.",
        hero_image=picture,
        featured=True,
        body="<p>Delegates met in Astana on 7 September 2013.</p>",
    )
    CorrectionFactory(article=lead, text="An earlier version gave the wrong year.")
    # The search form's filter lists it in full: wider than a phone.
    lead.initiatives.add(InitiativeFactory(name="Community with a Shared Future for Mankind and its Partners"))
    for n in range(4):
        ArticleFactory(title=f"Ports along the new Silk Road, part {n + 1}", hero_image=RenderedImageFactory())
    return lead


def scheme_page(browser, scheme: str, width: int = 1280):
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    return context, context.new_page()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_public_pages_pass_axe_in_both_colour_schemes(browser, live_server, content, scheme):
    context, page = scheme_page(browser, scheme)
    try:
        pages = {
            "complaint form": "/copyright/notices/new/",
            "contact": "/contact/",
            "home": "/",
            "article": content.get_absolute_url(),
            "search": "/search/?q=Astana",
        }
        found = {}
        for name, path in pages.items():
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("load")
            assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
            found[name] = serious_violations(page)

        # The complaint form with the server's errors, and with the steps' own notes beside its fields.
        page.goto(f"{live_server.url}/copyright/notices/new/")
        page.locator("form.complaint-form").evaluate("form => form.submit()")
        page.wait_for_selector("form.is-stepped #form-errors")
        found["complaint form with errors"] = serious_violations(page)
        page.get_by_role("link", name="1. About you").click()
        page.get_by_role("button", name="Next: Your authority").click()
        found["complaint step with notes"] = serious_violations(page)

        assert found == {name: [] for name in found}
    finally:
        context.close()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_complaint_forms_text_is_readable_in_both_schemes(browser, live_server, scheme):
    """The hard-coded dark greys and pale blue of the old stylesheet vanished on a dark page."""
    context, page = scheme_page(browser, scheme)
    try:
        page.goto(f"{live_server.url}/copyright/notices/new/")
        page.wait_for_selector("form.is-stepped")
        colours = page.evaluate(
            """() => ['.step-intro', '.form-field .helptext', '.notice', 'legend'].map(sel => {
                const el = document.querySelector(sel);
                return [getComputedStyle(el).color, getComputedStyle(document.body).backgroundColor,
                        getComputedStyle(el).backgroundColor];
            })"""
        )
        for colour, body, own in colours:
            background = own if own != "rgba(0, 0, 0, 0)" else body
            assert contrast(colour, background) >= 4.5, (colour, background)
    finally:
        context.close()


def contrast(fg: str, bg: str) -> float:
    def luminance(rgb: str) -> float:
        parts = [int(float(p)) for p in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
        linear = [(c / 255) / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in parts]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_a_lone_lead_story_leaves_no_empty_third_at_1280(browser, live_server, content):
    context, page = scheme_page(browser, "light", 1280)
    try:
        page.goto(f"{live_server.url}/")
        row = page.locator(".cards-lead").bounding_box()
        text = page.locator(".card-lead .card-text").bounding_box()
        picture = page.locator(".card-lead .card-picture").bounding_box()
        # The words sit beside the picture and reach the row's right edge.
        assert text["x"] >= picture["x"] + picture["width"]
        assert text["x"] + text["width"] >= row["x"] + row["width"] - 2
        assert 'class="focal-1-3"' in page.locator(".card-lead img").evaluate("el => el.outerHTML")
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/search/", "/search/?q=Astana", "/copyright/notices/new/", "/contact/", "/"])
def test_nothing_scrolls_sideways_on_a_phone(browser, live_server, content, path):
    context, page = scheme_page(browser, "light", 390)
    try:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
