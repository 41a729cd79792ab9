"""Issue 15, point 4 in a browser: an editor submits an article for review, and its responsible editor,
signed in in another browser, finds it in the Notifications on their desk and opens the article from there.
"""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from editorial.models import Notification
from tests._workflow import change_url, writer_and_reviewer
from tests.browser_helpers import serious_violations, sign_in
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

S = Article.Status


def test_the_responsible_editor_sees_the_submission_on_the_desk_and_opens_the_article(own_pages, live_server):
    editor_page, responsible_page = own_pages(2)
    writer, reviewer = writer_and_reviewer()
    article = ArticleFactory(
        title="Night trains return to the Baltic",
        status=S.DRAFT,
        published_at=None,
        first_published_at=None,
        editor=writer.editor,
        responsible_editor=reviewer.editor,
    )

    # The responsible editor's desk is quiet before.
    sign_in(responsible_page, live_server, "su")
    notices = responsible_page.locator(".desk-notifications")
    expect(notices.get_by_role("heading", name="Notifications")).to_contain_text("0 unread")
    expect(notices).to_contain_text("Nothing new.")

    # The editor submits the draft in their own browser.
    sign_in(editor_page, live_server, "he")
    editor_page.goto(f"{live_server.url}{change_url(article)}")
    editor_page.locator(".workflow-buttons").get_by_role("button", name="Submit for review", exact=True).click()
    expect(editor_page.locator(".messagelist")).to_contain_text("is now in review")
    # The editor acted, so the editor is not told.
    editor_page.goto(f"{live_server.url}/admin/")
    expect(editor_page.locator(".desk-notifications")).to_contain_text("0 unread")

    # The responsible editor's desk now shows it, unread, and it leads to the article.
    responsible_page.reload()
    expect(notices.get_by_role("heading", name="Notifications")).to_contain_text("1 unread")
    link = notices.get_by_role("link", name=f"“{article.title}” was submitted for your review")
    expect(link).to_be_visible()
    assert serious_violations(responsible_page) == []
    link.click()
    expect(responsible_page).to_have_url(f"{live_server.url}{change_url(article)}")
    expect(responsible_page.locator(".workflow-box .workflow-state")).to_have_text("In review")
    assert Notification.objects.get(recipient=reviewer.user).read_at is not None
    responsible_page.goto(f"{live_server.url}/admin/")
    expect(notices.get_by_role("heading", name="Notifications")).to_contain_text("0 unread")
