"""Issue 15, point 2 in a browser: an editor places pictures by choosing them, never by typing an id.

The picture button in the body's editor opens the library: the editor searches it, chooses a thumbnail and
sees the picture (not a marker) where the cursor was; uploads a new picture with its credit, licence and alt
text (a missing credit is refused with a message and nothing stored) and finds it placed too. The saved body
holds the pictures' markers, the reader's page shows them as figures with their credits, and a reload shows
them in the editor as pictures again. The dialog passes axe and nothing breaks the CSP.
"""

import pytest
from playwright.sync_api import expect

from articles.models import Image
from editorial.newsroom.preview import preview_url
from editorial.newsroom.roles import ROLE_EDITOR, sync_roles
from tests._workflow import change_url, draft_by, make_person, writer_and_reviewer
from tests.browser_helpers import body_editor, open_body_editor, serious_violations, sign_in
from tests.factories import ImageFactory, image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_places_a_chosen_and_an_uploaded_picture_and_the_reader_sees_both(page, live_server):
    person, reviewer = writer_and_reviewer()
    terminal = ImageFactory(alt_text="Containers stacked at the Duisburg terminal", credit="Photo: Li Wei")
    ImageFactory(alt_text="A freight train leaving Chongqing at dawn", credit="Photo: Zhang Min")
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

    # The button opens the library: thumbnails, newest first, and a search.
    page.get_by_role("button", name="Place a picture from the library").click()
    dialog = page.get_by_role("dialog", name="Place a picture")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".picture-library__choice")).to_have_count(2)
    expect(dialog.locator(".picture-library__choice img").first).to_have_js_property("complete", True)
    assert serious_violations(page) == []
    dialog.get_by_label("Search the library").fill("Duisburg")
    dialog.get_by_role("button", name="Search").click()
    expect(dialog.get_by_role("status")).to_contain_text("1 picture matching “Duisburg”")
    dialog.get_by_role("button", name="Containers stacked at the Duisburg terminal").click()

    # Placed where the cursor was, and shown as the picture with its credit.
    expect(dialog).to_be_hidden()
    placed = editor.locator("figure.masthead-picture")
    expect(placed.get_by_role("img", name="Containers stacked at the Duisburg terminal")).to_be_visible()
    expect(placed).to_contain_text("Photo: Li Wei")
    expect(editor).not_to_contain_text("[[image:")

    # The cursor waits below the picture: what is typed next goes there, and the picture stays.
    page.keyboard.type("Cranes at work.")
    expect(placed).to_have_count(1)
    expect(editor.locator("figure.masthead-picture + p")).to_have_text("Cranes at work.")

    # A new picture, uploaded from the same dialog. Without a credit the browser stops it before it is sent
    # (so the chosen file stays chosen); a file that is not a picture is refused by the server, saying so.
    page.get_by_role("button", name="Place a picture from the library").click()
    dialog.get_by_text("Upload a new picture").click()
    picture = {"name": "harbour.png", "mimeType": "image/png", "buffer": image_bytes("PNG", size=(900, 600))}
    dialog.get_by_label("File").set_input_files(files=[picture])
    dialog.get_by_label("Alt text").fill("The harbour crane at Piraeus unloading a ship")
    dialog.get_by_role("button", name="Upload and place it").click()
    assert dialog.get_by_label("Credit").evaluate("input => input.validity.valueMissing")
    assert dialog.get_by_label("File").evaluate("input => input.files.length") == 1
    dialog.get_by_label("Credit").fill("Photo: Maria Papadopoulou")
    not_a_picture = {"name": "harbour.jpg", "mimeType": "image/jpeg", "buffer": b"%PDF-1.4 a document"}
    dialog.get_by_label("File").set_input_files(files=[not_a_picture])
    dialog.get_by_role("button", name="Upload and place it").click()
    expect(dialog.get_by_role("alert")).to_contain_text("The picture was not uploaded")
    expect(dialog.locator(".errorlist")).to_contain_text("not an image we can read")
    assert Image.objects.count() == 2
    dialog.get_by_label("File").set_input_files(files=[picture])
    dialog.get_by_label("Credit").fill("Photo: Maria Papadopoulou")
    dialog.get_by_label("Licence").select_option(label="Licensed from an agency")
    dialog.get_by_role("button", name="Upload and place it").click()
    expect(dialog).to_be_hidden()
    expect(editor.locator("figure.masthead-picture")).to_have_count(2)
    expect(editor.get_by_role("img", name="The harbour crane at Piraeus unloading a ship")).to_be_visible()

    uploaded = Image.objects.get(alt_text="The harbour crane at Piraeus unloading a ship")
    assert (uploaded.credit, uploaded.licence) == ("Photo: Maria Papadopoulou", Image.Licence.AGENCY)

    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    article.refresh_from_db()
    assert f"<p>[[image:{terminal.pk}]]</p>" in article.body
    assert f"<p>[[image:{uploaded.pk}]]</p>" in article.body
    assert set(article.inline_images.all()) == {terminal, uploaded}

    # Reloaded, the editor shows the pictures again, not their markers.
    expect(editor.locator("figure.masthead-picture img")).to_have_count(2)
    expect(editor).not_to_contain_text("[[image:")

    page.goto(f"{live_server.url}{preview_url(article)}")
    body = page.locator(".article-body")
    expect(body.get_by_role("img", name="Containers stacked at the Duisburg terminal")).to_be_visible()
    expect(body.get_by_role("img", name="The harbour crane at Piraeus unloading a ship")).to_be_visible()
    expect(body).to_contain_text("Photo: Maria Papadopoulou")
    assert csp_reports == []


def test_a_signed_out_editor_is_told_so_and_no_picture_is_called_missing(page, live_server):
    sync_roles()
    person = make_person("he", ROLE_EDITOR, display_name="He Chuanning")
    first, second = ImageFactory(alt_text="Containers at Duisburg"), ImageFactory(alt_text="A train at dawn")
    article = draft_by(
        person,
        body=f"<p>Text.</p><p>[[image:{first.pk}]]</p>",
    )
    sign_in(page, live_server, "he")
    page.goto(f"{live_server.url}{change_url(article)}")
    editor = body_editor(page)
    expect(editor.get_by_role("img", name="Containers at Duisburg")).to_be_visible()

    page.context.clear_cookies()  # the session ends (signed out in another tab, or expired)
    editor.evaluate("(area, id) => area.editor.commands.insertContent(`<p>[[image:${id}]]</p>`)", second.pk)
    expect(editor.locator(f'figure[data-picture-id="{second.pk}"]')).to_contain_text("Your sign-in has ended")
    expect(editor).not_to_contain_text("is not in the library")
    page.get_by_role("button", name="Place a picture from the library").click()
    expect(page.get_by_role("dialog", name="Place a picture")).to_contain_text("Your sign-in has ended")
