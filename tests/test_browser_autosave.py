"""Issue 15, point 3 in a browser: an editor types, the form autosaves, the page is reloaded, and the text is
found again (offered, then loaded into the form); the live article never changed, and a second editor opening
the article sees who is editing it."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from articles.models import Article
from editorial.models import ArticleRevision
from tests._workflow import change_url, draft_by, writer_and_reviewer
from tests.browser_helpers import body_editor, serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _empty_cache():
    """The "being edited by" presence lives in the cache: none left over from another test."""
    cache.clear()
    yield
    cache.clear()


def test_typed_text_is_autosaved_and_found_again_after_a_reload(own_pages, live_server, settings):
    settings.ARTICLE_AUTOSAVE_SECONDS = 2  # 30 in production; the test need not wait that long
    writer, reviewer = writer_and_reviewer()
    article = draft_by(
        writer,
        reviewer,
        title="Lanzhou's new bridge",
        body="<p>The first paragraph.</p>",
    )
    url = f"{live_server.url}{change_url(article)}"
    page, other = own_pages(2)  # the editor, and a second editor at another computer
    sign_in(page, live_server, "he")
    page.goto(url)
    # Typed in the body's rich-text editor, as an editor writes (it keeps the form's textarea in step).
    body = body_editor(page)
    body.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("A sentence nobody saved.")
    expect(page.locator("#article-autosave-status")).to_contain_text("Autosaved at", timeout=15_000)

    # The second editor opens the same article and is told who is editing it.
    sign_in(other, live_server, "su")
    other.goto(url)
    expect(other.locator("#article-presence")).to_contain_text("Being edited by He since")

    # Leaving with unsaved changes asks first: the reload is confirmed in the dialog.
    dialogs = []

    def accept(dialog):
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", accept)
    page.reload()
    assert dialogs == ["beforeunload"]

    offer = page.locator("#article-autosave-load")
    expect(offer).to_be_visible()
    assert serious_violations(page, exclude=[".select2-container"]) == []
    offer.click()
    expect(page.locator("textarea[name=body]")).to_have_value(
        "<p>The first paragraph.</p><p>A sentence nobody saved.</p>"
    )
    article.refresh_from_db()
    assert article.body == "<p>The first paragraph.</p>" and article.status == Article.Status.DRAFT
    assert article.revisions.filter(state=ArticleRevision.State.AUTOSAVED).count() == 1
