"""Issue 12, point 9: the complaint form is a calm, stepped form in the site's own design.

With JavaScript the seven fieldsets are steps walked with Next and Back, a step indicator says where the
person is, and errors (the browser's before Next, the server's after sending) take them to the step with
the problem. Without JavaScript it is still one working form. Fields are sized to their answers and the
legal checkboxes sit beside their words.
"""

import re

import pytest

from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FORM = "/copyright/notices/new/"


def open_form(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("form.is-stepped")  # the deferred script has run


def visible_steps(page) -> list[str]:
    return [legend.inner_text() for legend in page.locator("fieldset[data-step]:visible > legend").all()]


def test_one_step_at_a_time_with_next_back_and_where_you_are(page, live_server):
    open_form(page, f"{live_server.url}{FORM}")
    assert visible_steps(page) == ["1. About you"]
    assert page.get_by_text("Step 1 of 7: About you").is_visible()
    assert page.get_by_role("button", name="Send the complaint").is_hidden()

    # Next checks this step's own answers first, and says what is missing beside each question.
    page.get_by_role("button", name="Next: Your authority").click()
    assert visible_steps(page) == ["1. About you"]
    name = page.get_by_label("Your full name", exact=True)
    assert name.get_attribute("aria-invalid") == "true"
    note = page.locator(f"#{name.get_attribute('aria-describedby').split()[-1]}")
    assert note.inner_text() == "Please answer this question."
    assert page.evaluate("document.activeElement.id") == "id_notifier_name"

    name.fill("Wang Fang")
    page.get_by_label("Email address", exact=True).fill("not an address")
    page.get_by_label("Postal address", exact=True).fill("12 Harbour Road, Tianjin")
    page.get_by_label("Country", exact=True).fill("China")
    page.get_by_role("button", name="Next: Your authority").click()
    assert visible_steps(page) == ["1. About you"]
    assert page.get_by_text("Enter an email address such as name@example.org.").is_visible()
    assert name.get_attribute("aria-invalid") is None

    page.get_by_label("Email address", exact=True).fill("rights@lens-agency.test")
    page.get_by_role("button", name="Next: Your authority").click()
    assert visible_steps(page) == ["2. Your authority"]
    assert page.get_by_text("Step 2 of 7: Your authority").is_visible()
    assert page.locator("[aria-current=step]").inner_text() == "2. Your authority"

    page.get_by_role("button", name="Back").click()
    assert visible_steps(page) == ["1. About you"]
    assert page.get_by_label("Your full name", exact=True).input_value() == "Wang Fang"

    # Jumping ahead through the list and sending takes the person back to the first unfinished step.
    page.get_by_role("link", name="7. Statements and signature").click()
    assert visible_steps(page) == ["7. Statements and signature"]
    page.get_by_role("button", name="Send the complaint").click()
    assert visible_steps(page) == ["2. Your authority"]
    assert page.get_by_text("Choose one of the options.").is_visible()
    assert page.url.endswith(FORM) or "#" in page.url  # nothing was sent


def test_the_servers_errors_open_the_step_that_has_one(page, live_server):
    article = ArticleFactory(title="Ports along the new Silk Road")
    open_form(page, f"{live_server.url}{FORM}?url={live_server.url}{article.get_absolute_url()}")
    page.get_by_label("Your full name", exact=True).fill("Wang Fang")
    page.get_by_label("Email address", exact=True).fill("rights@lens-agency.test")
    page.get_by_label("Postal address", exact=True).fill("12 Harbour Road, Tianjin")
    page.get_by_label("Country", exact=True).fill("China")
    # What a browser without the steps' checks sends: the first step only.
    page.locator("form.complaint-form").evaluate("form => form.submit()")
    page.wait_for_selector("#form-errors")
    page.wait_for_selector("form.is-stepped")

    assert visible_steps(page) == ["2. Your authority"]
    assert page.evaluate("document.activeElement.id") == "form-errors"
    assert "needs attention" in page.locator(".step-list li.has-errors").first.inner_text()
    # The summary lists problems in the order of the steps, and each link opens its step.
    links = page.locator("#form-errors a")
    assert links.first.inner_text() == "You are"
    page.get_by_role("link", name="Signature: type your full name").click()
    assert visible_steps(page) == ["7. Statements and signature"]
    assert page.evaluate("document.activeElement.id") == "id_signature"


def test_without_javascript_it_is_one_working_form(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}{FORM}")
        assert len(visible_steps(page)) == 7
        assert page.get_by_role("button", name="Send the complaint").is_visible()
        assert page.get_by_role("button", name=re.compile("^Next")).count() == 0
        # The step list is a table of contents then.
        page.get_by_role("link", name="6. What you ask for").click()
        assert page.url.endswith("#step-6")
        page.get_by_role("button", name="Send the complaint").click()
        page.wait_for_selector("#form-errors")
        assert len(visible_steps(page)) == 7
    finally:
        context.close()


def test_fields_are_sized_to_their_answers_and_boxes_sit_beside_their_words(page, live_server):
    open_form(page, f"{live_server.url}{FORM}")
    name = page.get_by_label("Your full name", exact=True).bounding_box()
    phone = page.get_by_label("Phone number (optional)", exact=True).bounding_box()
    assert name["width"] <= 500
    assert phone["width"] < name["width"]

    page.get_by_role("link", name="7. Statements and signature").click()
    for pattern in ("^I believe in good faith", "^The information in this complaint", "^I have considered"):
        box = page.get_by_role("checkbox", name=re.compile(pattern)).bounding_box()
        label = page.locator("label", has_text=re.compile(pattern)).bounding_box()
        # On the label's first line, just left of its words: not centred on a line of its own.
        assert 0 < label["x"] - (box["x"] + box["width"]) < 24
        assert label["y"] - 8 <= box["y"] <= label["y"] + 16

    submit = page.get_by_role("button", name="Send the complaint")
    site_search = page.get_by_role("button", name="Search", exact=True)
    font = submit.evaluate("el => getComputedStyle(el).fontFamily")
    assert font == site_search.evaluate("el => getComputedStyle(el).fontFamily")
    assert "Georgia" not in font


def test_the_date_field_does_not_contradict_its_help_text(page, live_server):
    page.goto(f"{live_server.url}{FORM}")
    date = page.locator("#id_original_published_on")
    help_text = page.locator("#id_original_published_on_helptext").inner_text()
    assert date.get_attribute("type") != "date" or "year-month-day" not in help_text.lower()
