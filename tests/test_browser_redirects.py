"""Issue 15, point 5 in a browser: an editor renames a published article's slug in the admin; once a second
responsible editor publishes the change (a live address is never changed in passing), a reader who follows
the old address lands on the new one."""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests._workflow import change_url, writer_and_reviewer
from tests.browser_helpers import sign_in
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_old_address_lands_on_the_renamed_article(own_pages, live_server):
    editor_page, responsible_page, reader = own_pages(3)
    writer, reviewer = writer_and_reviewer()
    article = ArticleFactory(
        title="Rail freight from Chongqing reaches Duisburg",
        slug="rail-freight-chongqing",
        editor=writer.editor,
        responsible_editor=reviewer.editor,
    )
    old_address = f"{live_server.url}/articles/rail-freight-chongqing/"
    reader.goto(old_address)
    expect(reader.locator("h1")).to_have_text(article.title)

    # The editor renames the slug; the admin says what happens to the old address.
    sign_in(editor_page, live_server, "he")
    editor_page.goto(f"{live_server.url}{change_url(article)}")
    expect(editor_page.locator("#id_slug_helptext")).to_contain_text("a new slug keeps the old address working")
    editor_page.locator("#id_slug").fill("chongqing-duisburg-rail-freight")
    editor_page.get_by_role("button", name="Save", exact=True).click()
    expect(editor_page.locator(".messagelist")).to_contain_text("held for review")

    # A second person publishes the change.
    sign_in(responsible_page, live_server, "su")
    responsible_page.goto(f"{live_server.url}{change_url(article)}")
    responsible_page.get_by_role("button", name="Publish this change").click()
    expect(responsible_page.locator(".messagelist")).to_contain_text("The change is live")
    assert Article.objects.get(pk=article.pk).slug == "chongqing-duisburg-rail-freight"

    # The reader follows the old link and lands on the new address, with the article.
    response = reader.goto(old_address)
    assert response.url == f"{live_server.url}/articles/chongqing-duisburg-rail-freight/"
    assert response.request.redirected_from is not None
    assert response.request.redirected_from.url == old_address
    expect(reader.locator("h1")).to_have_text(article.title)
