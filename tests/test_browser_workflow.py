"""Issue 4 in a browser: the article workflow as people click it in the back office.

An editor signs in, submits their draft for review and finds no way to approve it themselves (the two-person
rule: no button, and a hand-made request is refused); the article's responsible editor signs in, approves it
and publishes it; a reader then sees it with its credit line. Each person has their own browser context.
"""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from editorial.models import AuditEvent
from tests._workflow import change_url, workflow_url, writer_and_reviewer
from tests.browser_helpers import serious_violations, sign_in
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

S = Article.Status


def serious_violations_outside_select2(page) -> list[str]:
    """axe's serious and critical findings on the page, leaving out Django's own autocomplete widgets.

    The admin's `autocomplete_fields` are Select2 widgets that Django ships, and axe finds two things in them
    we cannot fix from our templates: an empty single choice (no hero image yet) gives its combobox no
    accessible name (aria-input-field-name), and a multiple choice's search box has no label (label). The
    rest of the change form, the workflow box with its buttons included, is checked as on the public pages
    (tests/browser_helpers.py's `serious_violations`, with the same levels).
    """
    return serious_violations(page, exclude=[".select2-container"])


def press(page, label: str) -> None:
    page.locator(".workflow-buttons").get_by_role("button", name=label, exact=True).click()


def test_an_editor_submits_a_draft_and_a_second_person_publishes_it(own_pages, live_server):
    editor_page, responsible_page, reader = own_pages(3)
    # A transactional test that ran before flushed every table, the role groups made by a migration too.
    writer, reviewer = writer_and_reviewer()
    article = ArticleFactory(
        title="Rail freight from Chongqing reaches Duisburg",
        status=S.DRAFT,
        published_at=None,
        first_published_at=None,
        editor=writer.editor,
        responsible_editor=reviewer.editor,
    )
    admin_url = f"{live_server.url}{change_url(article)}"
    status = ".workflow-box .workflow-state"
    messages = ".messagelist"

    # 1. The editor submits the draft for review.
    sign_in(editor_page, live_server, "he")
    editor_page.goto(admin_url)
    expect(editor_page.locator(status)).to_have_text("Draft")
    press(editor_page, "Submit for review")
    expect(editor_page.locator(messages)).to_contain_text(f"“{article.title}” is now in review.")
    expect(editor_page.locator(status)).to_have_text("In review")
    article.refresh_from_db()
    assert article.status == S.IN_REVIEW

    # 2. The two-person rule: nothing lets the editor approve or publish their own article.
    workflow_box = editor_page.locator(".workflow-box")
    expect(workflow_box).to_contain_text("There is no workflow step you can take on this article now.")
    for label in ("Approve", "Publish now", "Publish by override"):
        expect(editor_page.get_by_role("button", name=label, exact=True)).to_have_count(0)
    # Even a request made by hand from the signed-in page (as a tampered form would send it) is refused.
    editor_page.evaluate(
        """([action, version]) => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = action;
            const fields = {
                csrfmiddlewaretoken: document.querySelector("[name=csrfmiddlewaretoken]").value,
                transition: "approve",
                version: version,
            };
            for (const [name, value] of Object.entries(fields)) {
                const input = document.createElement("input");
                input.type = "hidden";
                input.name = name;
                input.value = value;
                form.append(input);
            }
            document.body.append(form);
            form.submit();
        }""",
        [workflow_url(article), str(article.version)],
    )
    expect(editor_page.locator(".messagelist .error")).to_have_text(
        "Only a responsible editor who did not write, edit or submit this version may approve this article."
    )
    expect(editor_page.locator(status)).to_have_text("In review")
    article.refresh_from_db()
    assert article.status == S.IN_REVIEW

    # 3. The responsible editor approves it, then publishes it.
    sign_in(responsible_page, live_server, "su")
    responsible_page.goto(admin_url)
    expect(responsible_page.locator(status)).to_have_text("In review")
    assert serious_violations_outside_select2(responsible_page) == []
    press(responsible_page, "Approve")
    expect(responsible_page.locator(messages)).to_contain_text(f"“{article.title}” is now approved.")
    press(responsible_page, "Publish now")
    expect(responsible_page.locator(messages)).to_contain_text(f"“{article.title}” is now published.")
    expect(responsible_page.locator(status)).to_have_text("Published")
    article.refresh_from_db()
    assert article.status == S.PUBLISHED and article.is_live

    trail = AuditEvent.objects.for_object(article).order_by("created_at", "pk")
    assert [(e.action, e.from_state, e.to_state, e.actor) for e in trail] == [
        ("article.submit", S.DRAFT, S.IN_REVIEW, writer.user),
        ("article.approve", S.IN_REVIEW, S.APPROVED, reviewer.user),
        ("article.publish", S.APPROVED, S.PUBLISHED, reviewer.user),
    ]

    # 4. A reader, not signed in, finds it at its address with the credit line.
    response = reader.goto(f"{live_server.url}{article.get_absolute_url()}")
    assert response.status == 200
    expect(reader.get_by_role("heading", level=1)).to_have_text(article.title)
    expect(reader.locator(".credit-line .credit")).to_have_text(["Edit: He Chuanning", "Responsible editor: Su Suiyue"])


def test_a_change_to_a_live_article_waits_until_a_second_person_publishes_it(own_pages, live_server):
    """Issue 12: the editor's change is held; readers see the live text until the responsible editor publishes it."""
    editor_page, responsible_page, reader = own_pages(3)
    writer, reviewer = writer_and_reviewer()
    article = ArticleFactory(
        title="Gwadar's new berth opens",
        dek="The first ship docked on Monday.",
        editor=writer.editor,
        responsible_editor=reviewer.editor,
    )
    admin_url = f"{live_server.url}{change_url(article)}"
    new_dek = "The first container ship docked on Monday, three weeks late."

    sign_in(editor_page, live_server, "he")
    editor_page.goto(admin_url)
    editor_page.get_by_label("Standfirst").fill(new_dek)
    editor_page.get_by_role("button", name="Save", exact=True).click()
    expect(editor_page.locator(".messagelist")).to_contain_text("your change is held for review")
    expect(editor_page.locator(".workflow-pending")).to_contain_text("A change waits for review")
    expect(editor_page.get_by_role("button", name="Publish this change")).to_have_count(0)

    reader.goto(f"{live_server.url}{article.get_absolute_url()}")
    expect(reader.locator("body")).not_to_contain_text(new_dek)

    sign_in(responsible_page, live_server, "su")
    responsible_page.goto(admin_url)
    expect(responsible_page.locator(".workflow-pending")).to_contain_text("He proposed a change")
    expect(responsible_page.locator(".workflow-pending .workflow-diff")).to_contain_text("three weeks late")
    assert serious_violations_outside_select2(responsible_page) == []
    responsible_page.get_by_role("button", name="Publish this change").click()
    expect(responsible_page.locator(".messagelist")).to_contain_text("The change is live")
    expect(responsible_page.locator(".workflow-pending")).to_have_count(0)

    reader.goto(f"{live_server.url}{article.get_absolute_url()}")
    expect(reader.locator("body")).to_contain_text(new_dek)
