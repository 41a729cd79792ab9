"""Acceptance 11: a reader in headless Chromium (the system browser, driven by Playwright).

Opens the home page and an article, presses "Change it" and sees other recommendations without a page
load, searches and opens a result; axe-core finds no serious or critical problem on the home, article,
initiative and search pages; everything still works with JavaScript off. The article page screenshot
taken here is the one in the README (docs/screenshots/article.png).
"""

import io
import mimetypes
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw

from tests.browser_helpers import serious_violations
from tests.factories import (
    ArticleFactory,
    CorrectionFactory,
    EditorFactory,
    InitiativeFactory,
    MilestoneFactory,
    RenderedImageFactory,
    SectionFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The README's picture is refreshed only when asked (UPDATE_SCREENSHOTS=1 make test ...), so an ordinary
# test run leaves the working tree clean; otherwise the screenshot is still taken, into a temporary folder.
README_SCREENSHOT = Path(settings.BASE_DIR) / "docs" / "screenshots" / "article.png"


def harbour_picture(width=1600, height=1000) -> SimpleUploadedFile:
    """A picture drawn with Pillow: an evening sky over water, with cranes."""
    img = PILImage.new("RGB", (width, height))
    draw = ImageDraw.Draw(img)
    for y in range(height):
        t = y / height
        sky = (int(40 + 180 * t), int(60 + 90 * t), int(120 + 60 * (1 - t)))
        water = (int(20 + 30 * t), int(50 + 40 * t), int(90 + 50 * t))
        draw.line([(0, y), (width, y)], fill=sky if y < height * 0.62 else water)
    draw.ellipse([width * 0.68, height * 0.30, width * 0.80, height * 0.49], fill=(250, 200, 120))
    for i, x in enumerate(range(120, width - 200, 260)):
        top = height * (0.18 + 0.05 * (i % 3))
        draw.rectangle([x, top, x + 22, height * 0.62], fill=(35, 35, 45))
        draw.line([(x, top), (x + 190, top + 30)], fill=(35, 35, 45), width=14)
    draw.rectangle([0, height * 0.58, width, height * 0.64], fill=(60, 50, 55))
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=88)
    return SimpleUploadedFile("harbour.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def site():
    world = SectionFactory(name="World")
    bri = InitiativeFactory(
        name="Belt and Road Initiative",
        summary="A programme of ports, railways and trade links across Asia, Europe and Africa.",
        launched_on="2013-09-07",
        launched_at="Astana, Kazakhstan",
    )
    MilestoneFactory(initiative=bri, date="2013-09-07", place="Astana, Kazakhstan", title="First proposed")
    MilestoneFactory(initiative=bri, date="2017-05-14", place="Beijing", title="First international forum")
    hero = RenderedImageFactory(
        file=harbour_picture(),
        alt_text="Container cranes stand against an evening sky over the harbour",
        caption="The new terminal handles ships of up to 24,000 containers.",
        credit="Illustration: Masthead graphics desk",
    )
    article = ArticleFactory(
        title="A new container terminal opens on the coast",
        dek="Three years of work give the port room for the largest ships afloat, and the region a new trade route.",
        body=(
            "<p>The terminal opened on Monday after three years of construction. Its four berths can take the "
            "largest container ships now in service.</p>"
            "<p>Local officials said the harbour would double the volume it handles within five years, and that "
            "a rail link to the interior is due next spring.</p>"
            "<blockquote>We built it for the ships that will come, not only for those we see today.</blockquote>"
            "<h2>What changes for the region</h2>"
            "<p>Freight that now travels by road for two days will reach the coast by train overnight.</p>"
        ),
        section=world,
        editor=EditorFactory(display_name="He Chuanning"),
        responsible_editor=EditorFactory(display_name="Su Suiyue"),
        hero_image=hero,
        tags=["ports", "trade", "railways"],
        initiatives=[bri],
        featured=True,
    )
    CorrectionFactory(article=article, text="An earlier version gave the number of berths as five; there are four.")
    for i in range(10):
        ArticleFactory(
            title=f"Harbour notebook {i + 1}: life along the quays",
            dek="Dockers, pilots and fishers on a changing waterfront.",
            section=world,
            tags=["ports"],
            initiatives=[bri] if i % 2 else [],
            hero_image=RenderedImageFactory() if i < 4 else None,
            published_at=timezone.now() - timezone.timedelta(days=i + 1),
        )
    return {"article": article, "initiative": bri}


@pytest.fixture
def reader(browser, live_server):
    """A browser tab with the site's media served (the test server serves static files, not uploads)."""
    contexts = []

    def open_tab(*, javascript=True):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=javascript)
        contexts.append(context)
        page = context.new_page()
        problems = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))

        def serve_media(route):
            path = Path(settings.MEDIA_ROOT) / route.request.url.split("/media/", 1)[1]
            if not path.is_file():
                return route.fulfill(status=404)
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return route.fulfill(status=200, body=path.read_bytes(), content_type=kind)

        page.route(f"{live_server.url}/media/**", serve_media)
        page.problems = problems
        return page

    yield open_tab
    for context in contexts:
        context.close()


def recommended_titles(page) -> list[str]:
    return page.locator("#recommended .recommended-title a").all_inner_texts()


def test_a_reader_browses_changes_recommendations_and_searches(reader, live_server, site, tmp_path):
    screenshot = README_SCREENSHOT if os.environ.get("UPDATE_SCREENSHOTS") else tmp_path / "article.png"
    page = reader()
    page.goto(live_server.url + "/")
    assert page.title().startswith("Masthead News")

    page.get_by_role("link", name="A new container terminal opens on the coast").first.click()
    page.wait_for_url(f"**{site['article'].get_absolute_url()}")
    assert page.locator("h1").inner_text() == "A new container terminal opens on the coast"
    assert page.locator(".credit-line").inner_text().startswith("Edit: He Chuanning")
    page.locator(".figure.hero img").evaluate("img => img.decode()")

    screenshot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000

    first_set = recommended_titles(page)
    assert len(first_set) == 4
    page.evaluate("window.__stillTheSamePage = true")
    page.get_by_role("link", name="Change it").click()
    page.wait_for_selector('#recommended .recommended-list[data-set="2"]')
    second_set = recommended_titles(page)

    assert len(second_set) == 4
    assert set(second_set).isdisjoint(first_set)
    assert page.evaluate("window.__stillTheSamePage") is True  # swapped in place: no page load
    assert page.url.endswith(site["article"].get_absolute_url())

    page.get_by_role("searchbox", name="Search articles").fill("harbour")
    page.get_by_role("searchbox", name="Search articles").press("Enter")
    page.wait_for_url("**/search/?q=harbour*")
    first_result = page.locator(".search-result h3 a").first
    assert page.locator(".search-result mark").count() > 0
    title = first_result.inner_text()
    first_result.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == title
    assert page.problems == []  # no script error, no CSP violation


@pytest.mark.parametrize("which", ["home", "article", "initiative", "search"])
def test_no_serious_accessibility_problems(reader, live_server, site, which):
    urls = {
        "home": "/",
        "article": site["article"].get_absolute_url(),
        "initiative": site["initiative"].get_absolute_url(),
        "search": "/search/?q=harbour",
    }
    page = reader()
    page.goto(live_server.url + urls[which])
    assert serious_violations(page) == []
    assert page.problems == []


def test_everything_works_with_javascript_off(reader, live_server, site):
    page = reader(javascript=False)
    page.goto(live_server.url + site["article"].get_absolute_url())
    first_set = recommended_titles(page)

    page.get_by_role("link", name="Change it").click()
    page.wait_for_url("**/recommended/?page=2")
    assert set(recommended_titles(page)).isdisjoint(first_set)
    page.get_by_role("link", name="Change it").click()
    page.wait_for_url("**/recommended/?page=3")

    page.get_by_role("link", name="← Back to").click()
    page.wait_for_url(f"**{site['article'].get_absolute_url()}")

    page.get_by_role("searchbox", name="Search articles").fill("terminal")
    page.get_by_role("searchbox", name="Search articles").press("Enter")
    page.wait_for_url("**/search/?q=terminal*")
    page.locator(".search-result h3 a").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "A new container terminal opens on the coast"

    page.get_by_role("link", name="Initiatives", exact=True).first.click()
    page.get_by_role("link", name="Belt and Road Initiative").click()
    page.wait_for_url(f"**{site['initiative'].get_absolute_url()}")
    assert page.locator(".milestone").count() == 2
    assert page.locator(".card").count() == 6
