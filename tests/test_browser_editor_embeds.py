"""Issue 15, point 2 in a browser: an editor embeds a video or a post by pasting its address.

An allowed address (articles/embeds.py) pasted on a line of its own becomes a card in the editor; pasted
into a sentence it stays a link; the embed button refuses an address from elsewhere with a message. The
body stores the paragraph with the link, a reload shows the card again, and the reader's page shows the
provider's card with nothing loaded from the provider until the reader asks.
"""

import pytest
from playwright.sync_api import expect

from editorial.newsroom.preview import preview_url
from tests._workflow import draft_by, writer_and_reviewer
from tests.browser_helpers import open_body_editor, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIDEO = "https://www.youtube.com/watch?v=aqz-KE-bpKQ"
POST = "https://x.com/XHNews/status/1734000000000000000"


def paste(editor, text: str) -> None:
    """Paste `text` where the cursor is, as the browser does on Ctrl+V."""
    editor.evaluate(
        "(area, text) => { const data = new DataTransfer(); data.setData('text/plain', text);"
        " area.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true })) }",
        text,
    )


def test_an_editor_embeds_a_video_and_a_post_and_the_reader_sees_cards(page, live_server):
    person, reviewer = writer_and_reviewer()
    article = draft_by(
        person,
        reviewer,
        title="Rail freight from Chongqing reaches Duisburg",
        body="<p>The first train arrived on Tuesday.</p>",
    )
    csp_reports = []
    editor = open_body_editor(page, live_server, article, csp_reports)
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")

    # Pasted on a line of its own: a card naming the provider, not the provider's player.
    paste(editor, VIDEO)
    card = editor.locator(".masthead-embed")
    expect(card).to_contain_text("YouTube embed")
    expect(card).to_contain_text(VIDEO)
    expect(editor.locator("iframe")).to_have_count(0)

    # Pasted into a sentence: an ordinary link.
    page.keyboard.type("The route is shown at ")
    paste(editor, "https://vimeo.com/76979871")
    expect(editor.locator(".masthead-embed")).to_have_count(1)
    expect(editor.locator('a[href="https://vimeo.com/76979871"]')).to_have_count(1)

    # The embed button: an address from elsewhere is refused, saying why; an allowed one becomes a card.
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Embed a video or post").click()
    dialog = page.get_by_role("dialog", name="Embed a video or post")
    dialog.get_by_label("Address of the video or post").fill("https://example.com/videos/42")
    dialog.get_by_role("button", name="Embed").click()
    expect(dialog.get_by_role("alert")).to_contain_text("This address cannot be embedded")
    assert serious_violations(page, exclude=[".select2-container"]) == []
    dialog.get_by_label("Address of the video or post").fill(POST)
    dialog.get_by_role("button", name="Embed").click()
    expect(dialog).to_be_hidden()
    expect(editor.locator(".masthead-embed")).to_have_count(2)
    expect(editor.locator(".masthead-embed").nth(1)).to_contain_text("X embed")

    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    article.refresh_from_db()
    assert f'<p><a href="{VIDEO}" rel="noopener noreferrer">{VIDEO}</a></p>' in article.body
    assert f'<p><a href="{POST}" rel="noopener noreferrer">{POST}</a></p>' in article.body
    assert 'The route is shown at <a href="https://vimeo.com/76979871"' in article.body
    expect(editor.locator(".masthead-embed")).to_have_count(2)  # read back as cards after the reload

    ours = live_server.url
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(ours) else route.abort())
    page.goto(f"{live_server.url}{preview_url(article)}")
    body = page.locator(".article-body")
    expect(body.get_by_role("link", name="Watch on YouTube")).to_be_visible()
    expect(body.get_by_role("link", name="View the post on X")).to_be_visible()
    expect(body.locator("iframe")).to_have_count(0)  # nothing from a provider before the reader asks
    assert csp_reports == []
