"""Issue 6, point 10: the whole story in a browser.

A rights holder files a complaint about an article and confirms it; a copyright officer signs in to the back
office and upholds it, withholding the article; a reader then gets the 451 placeholder; the article's
responsible editor answers with a counter-notice through the private link in the statement of reasons; time
passes to the restore date and the timer runs; the article is back exactly as it was; and the transparency
page counts all of it.

The test process's clock is set with time_machine (tick on, so time still moves), which the live server,
running in a thread of the same process, shares. The story starts on a fixed Monday so that the ten business
days to the restore date stay inside one half-year of the report.
"""

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from editorial.copyright.states import ComplaintStatus as S
from editorial.models import Complaint, Measure, OutboundMessage
from editorial.newsroom.roles import ROLE_COPYRIGHT_OFFICER, sync_roles
from tests.browser_helpers import on_live_server, serious_violations
from tests.factories import ArticleFactory, EditorFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
# Monday 2 March 2026, 10:00 in the site's time zone.
START = timezone.make_aware(datetime(2026, 3, 2, 10, 0))


def article_html(page) -> str:
    """What a reader sees of the article: the whole <article> element as the browser has it."""
    return page.locator("main article").first.evaluate("node => node.outerHTML")


def link_in_message(kind: str, pattern: str) -> str:
    body = OutboundMessage.objects.filter(kind=kind).latest("pk").body
    return re.search(pattern, body)[0]


def file_and_confirm(page, live_server, article) -> Complaint:
    """The rights holder's part: the form from the article's link, then the confirmation link."""
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    page.get_by_role("link", name="Report a copyright problem with this article").click()
    page.wait_for_url(re.compile(r"/copyright/notices/new/\?url="))
    page.get_by_label("Your full name", exact=True).fill("Rosalind Okafor")
    page.get_by_label("Organisation (optional)", exact=True).fill("Okafor Field Photography")
    page.get_by_label("Email address", exact=True).fill("rosalind@okafor-photo.test")
    page.get_by_label("Postal address", exact=True).fill("4 Quay Lane, Portsmouth")
    page.get_by_label("Country", exact=True).fill("United States")
    page.get_by_role("button", name="Next: Your authority").click()
    page.get_by_label("I own the rights in the work", exact=True).check()
    page.get_by_label("Which law do you rely on?", exact=True).select_option("us")
    page.get_by_role("button", name="Next: The original work").click()
    page.get_by_label("What is the original work?", exact=True).fill("My report on the reopening of the lighthouse.")
    page.get_by_label("Where can we see the original?", exact=True).fill("https://okafor-photo.test/lighthouse")
    page.get_by_label("When was the original first published?", exact=True).fill("2025-11-20")
    page.get_by_label("How can we check that date?", exact=True).fill("The archive page carries the date.")
    page.get_by_role("button", name="Next: Where it appears on this site").click()
    page.get_by_role("button", name="Next: Why it infringes, with evidence").click()
    page.get_by_label("Why do you believe our use infringes your rights?", exact=True).fill(
        "The article repeats my report word for word without permission."
    )
    page.get_by_role("button", name="Next: What you ask for").click()
    page.get_by_label("Remove the content", exact=True).check()
    page.get_by_role("button", name="Next: Statements and signature").click()
    page.get_by_label(re.compile("^I believe in good faith")).check()
    page.get_by_label(re.compile("^The information in this complaint is accurate")).check()
    page.get_by_label(re.compile("^I have considered whether")).check()
    page.get_by_label("Signature: type your full name", exact=True).fill("Rosalind Okafor")
    page.get_by_role("button", name="Send the complaint").click()
    page.wait_for_url(re.compile(r"/copyright/notices/new/sent/$"))

    page.goto(
        on_live_server(live_server, link_in_message("complaint_verification", r"https?://\S+/copyright/confirm/\S+"))
    )
    complaint = Complaint.objects.get()
    assert complaint.status == S.RECEIVED
    page.wait_for_url(re.compile(rf"/copyright/notices/{complaint.reference}/\?token="))
    expect(page.get_by_text("Received: waiting for an officer")).to_be_visible()
    return complaint


def officer_upholds_withholding_the_article(page, live_server, complaint: Complaint) -> None:
    """The officer's part: sign in, find the complaint in the queue, decide it on its page."""
    # A transactional test that ran before flushed every table, the role groups made by a migration too.
    sync_roles()
    UserFactory(username="officer", first_name="Lena", last_name="Marsh", roles=[ROLE_COPYRIGHT_OFFICER])
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/admin/editorial/complaint/")
    page.get_by_role("link", name=complaint.reference).click()
    page.wait_for_url(re.compile(rf"/admin/editorial/complaint/{complaint.pk}/change/"))
    expect(page.get_by_role("heading", name=re.compile(rf"^{complaint.reference}: "))).to_be_visible()

    decision = page.locator("form.moderation-form", has=page.get_by_role("heading", name="Decide"))
    decision.get_by_label("Outcome").select_option("upheld")
    decision.get_by_label("Measure").select_option(Measure.Kind.WITHHOLD_ARTICLE)
    decision.get_by_label(re.compile("^Reasons for the decision")).fill(
        "The article reproduces the notifier's report in full; no licence or exception covers that."
    )
    decision.get_by_role("button", name="Record the decision and tell both sides").click()
    expect(page.locator(".messagelist")).to_contain_text(f"{complaint.reference} is decided: upheld")


def responsible_editor_counter_notifies(page, live_server, complaint: Complaint) -> None:
    """The affected party's part: the private link in the statement of reasons, then the counter-notice."""
    answer_url = link_in_message("statement_of_reasons", r"https?://\S+/answer/\?token=\S+")
    page.goto(on_live_server(live_server, answer_url))
    heading = f"Copyright complaint {complaint.reference} about your content"
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    page.get_by_label(re.compile(r"/articles/")).check()
    page.get_by_label("Your full name", exact=True).fill("Tomas Reyes")
    page.get_by_label("Postal address", exact=True).fill("Newsroom, 1 Press Street")
    page.get_by_label("Telephone number", exact=True).fill("+1 555 0142")
    page.get_by_label("Why was this removed by mistake, or why does it not infringe?", exact=True).fill(
        "Our reporter wrote this article herself at the reopening; it is not a copy of anyone's report."
    )
    page.get_by_label(re.compile("^I swear, under penalty of perjury")).check()
    page.get_by_label(re.compile("^I consent to the jurisdiction")).check()
    page.get_by_label("Signature: type your full name", exact=True).fill("Tomas Reyes")
    page.get_by_role("button", name="Send the counter-notice").click()
    expect(page.get_by_role("status")).to_contain_text("Your counter-notice is received")


def test_a_complaint_from_filing_to_restoration_counted_in_the_transparency_report(own_pages, live_server):
    rights_holder, officer, reader, editor = own_pages(4)
    with time_machine.travel(START, tick=True):
        article = ArticleFactory(
            title="The lighthouse at Point Vale reopens",
            body="<p>The lighthouse at Point Vale reopened on Saturday after four years of repairs.</p>"
            "<p>Volunteers repainted the lamp room by hand.</p>",
            responsible_editor=EditorFactory(display_name="Tomas Reyes", email="tomas.reyes@newsroom.test"),
        )
        response = reader.goto(f"{live_server.url}{article.get_absolute_url()}")
        assert response.status == 200
        before = article_html(reader)
        assert "Volunteers repainted the lamp room by hand." in before

        complaint = file_and_confirm(rights_holder, live_server, article)
        officer_upholds_withholding_the_article(officer, live_server, complaint)

        response = reader.goto(f"{live_server.url}{article.get_absolute_url()}")
        assert response.status == 451
        expect(reader.get_by_role("heading", name="This article is unavailable for legal reasons")).to_be_visible()
        expect(reader.locator("article.withheld")).to_contain_text(re.compile("not a finding", re.I))
        assert "Volunteers repainted" not in reader.content()
        assert serious_violations(reader) == []

        responsible_editor_counter_notifies(editor, live_server, complaint)
        complaint.refresh_from_db()
        assert complaint.status == S.COUNTER_NOTICE
        restore_due_at = complaint.restore_due_at
        # United States: ten business days after the counter-notice (two weeks from this Monday).
        assert timezone.localdate(restore_due_at) == timezone.localdate(START) + timedelta(days=14)

    # The day before the restore date the timer leaves the article withheld.
    with time_machine.travel(restore_due_at - timedelta(days=1), tick=True):
        call_command("complaint_timers")
        assert reader.goto(f"{live_server.url}{article.get_absolute_url()}").status == 451

    # Once the date has come, the timer (run by cron or the worker) puts it back.
    with time_machine.travel(restore_due_at + timedelta(hours=1), tick=True):
        call_command("complaint_timers")
        complaint.refresh_from_db()
        assert complaint.status == S.RESTORED

        response = reader.goto(f"{live_server.url}{article.get_absolute_url()}")
        assert response.status == 200
        assert article_html(reader) == before

        reader.goto(f"{live_server.url}/copyright/transparency/")
        expect(reader.locator("p.lede")).to_contain_text("January to June 2026")
        figure = {
            name: reader.locator(f'dd[data-figure="{name}"]').inner_text()
            for name in ["complaints_received", "decisions", "items_actioned", "counter_notices", "restorations"]
        }
        assert figure == {
            "complaints_received": "1",
            "decisions": "1",
            "items_actioned": "1",
            "counter_notices": "1",
            "restorations": "1",
        }
        us_row = reader.locator('tr[data-regime="us"] td')
        assert us_row.all_inner_texts() == ["1", "0", "0", "0", "0", "0", "0", "1"]  # upheld, and nothing else
        withheld_row = reader.locator("#measures tr", has_text=Measure.Kind.WITHHOLD_ARTICLE.label).locator("td")
        assert withheld_row.all_inner_texts() == ["1", "1"]  # applied once, undone once
        march = reader.locator('tr[data-month="2026-03"] td')
        assert march.all_inner_texts()[:2] == ["1", "1"]
        assert serious_violations(reader) == []
        assert "Rosalind" not in reader.content() and "okafor" not in reader.content().lower()
