"""Issue 5, point 10: a rights holder opens an article, follows the copyright statement's link, fills in the
form, submits, opens the confirmation link from the stored message and sees the tracking page with the
reference. axe-core finds no serious or critical violation on the form."""

import re

import pytest

from editorial.models import Complaint, OutboundMessage
from tests.browser_helpers import on_live_server, serious_violations
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_rights_holder_files_a_complaint_from_an_article_and_follows_it(page, live_server):
    article = ArticleFactory(
        title="Ports along the new Silk Road",
        body="<p>Delegates met in Astana on 7 September 2013 to hear a proposal for an economic belt.</p>",
    )
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    page.get_by_role("link", name="Report a copyright problem with this article").click()

    page.wait_for_url(re.compile(r"/copyright/notices/new/\?url="))
    urls = page.get_by_label("Addresses on this site", exact=True)
    assert urls.input_value().endswith(article.get_absolute_url())
    assert serious_violations(page) == []

    page.get_by_label("Your full name", exact=True).fill("Wang Fang")
    page.get_by_label("Organisation (optional)", exact=True).fill("Lens Agency")
    page.get_by_label("Email address", exact=True).fill("rights@lens-agency.test")
    page.get_by_label("Postal address", exact=True).fill("12 Harbour Road, Tianjin")
    page.get_by_label("Country", exact=True).fill("China")
    page.get_by_role("button", name="Next: Your authority").click()
    page.get_by_label("I own the rights in the work", exact=True).check()
    page.get_by_label("Which law do you rely on?", exact=True).select_option("prc")
    page.get_by_role("button", name="Next: The original work").click()
    page.get_by_label("What is the original work?", exact=True).fill("My photograph of the conference hall in Astana.")
    page.get_by_label("Where can we see the original?", exact=True).fill("https://lens-agency.test/photos/astana-hall")
    page.get_by_label("When was the original first published?", exact=True).fill("2013-09-08")
    page.get_by_label("How can we check that date?", exact=True).fill("Our archive page shows the upload date.")
    page.get_by_role("button", name="Next: Where it appears on this site").click()
    page.get_by_role("button", name="Next: Why it infringes, with evidence").click()
    page.get_by_label("Why do you believe our use infringes your rights?", exact=True).fill(
        "It was copied without permission."
    )
    page.get_by_role("button", name="Next: What you ask for").click()
    page.get_by_label("Credit the source correctly", exact=True).check()
    page.get_by_role("button", name="Next: Statements and signature").click()
    page.get_by_label(re.compile("^I believe in good faith")).check()
    page.get_by_label(re.compile("^The information in this complaint is accurate")).check()
    page.get_by_label(re.compile("^I have considered whether")).check()
    page.get_by_label("Signature: type your full name", exact=True).fill("Wang Fang")
    page.get_by_role("button", name="Send the complaint").click()

    page.wait_for_url(re.compile(r"/copyright/notices/new/sent/$"))
    assert page.get_by_role("heading", name="Check your email").is_visible()

    message = OutboundMessage.objects.get(kind="complaint_verification")
    confirm_url = re.search(r"https?://\S+/copyright/confirm/\S+", message.body)[0]
    page.goto(on_live_server(live_server, confirm_url))

    complaint = Complaint.objects.get()
    assert re.fullmatch(r"CN-\d{4}-000001", complaint.reference)
    page.wait_for_url(re.compile(rf"/copyright/notices/{complaint.reference}/\?token="))
    assert page.get_by_role("heading", name=f"Complaint {complaint.reference}").is_visible()
    assert page.get_by_text("Received: waiting for an officer").is_visible()
    assert page.get_by_text("Ports along the new Silk Road").is_visible()
    assert serious_violations(page) == []

    # The page's own forms work from the browser (same-origin POSTs with the token).
    page.get_by_label("Your message", exact=True).fill("The original file is frame 12 of roll 4.")
    page.get_by_role("button", name="Send", exact=True).click()
    assert page.get_by_text("Thank you: we added your information").is_visible()
    assert complaint.replies.get().text == "The original file is frame 12 of roll 4."


def test_the_form_with_errors_is_accessible_too(page, live_server):
    page.goto(f"{live_server.url}/copyright/notices/new/")
    # Sent empty past the steps' own checks, as a browser without JavaScript would: the server's errors.
    page.locator("form.complaint-form").evaluate("form => form.submit()")
    page.wait_for_selector("#form-errors")
    assert page.get_by_role("alert").first.is_visible()
    assert serious_violations(page) == []
