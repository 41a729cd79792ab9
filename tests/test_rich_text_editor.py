"""Issue 15, point 1: the article body's rich-text editor offers nothing the sanitiser would remove.

The browser test (tests/test_browser_rich_text.py) types and pastes into the editor itself; these check the
configuration and the form without a browser.
"""

import pytest
from django_prose_editor.config import allowlist_from_extensions

from articles.richtext import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES
from editorial.newsroom.admin_forms import ArticleAdminForm
from editorial.newsroom.rich_text import BODY_EXTENSIONS, clean_body_html


def test_every_tag_and_attribute_the_editor_can_write_is_kept_by_the_sanitiser():
    offered = allowlist_from_extensions(BODY_EXTENSIONS)
    assert offered["tags"] <= ALLOWED_TAGS
    for tag, attributes in offered["attributes"].items():
        # nh3 sets a link's rel itself (LINK_REL), and the editor writes the same value.
        kept = ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set())
        assert set(attributes) <= kept, tag
    assert set(offered.get("url_schemes", ())) <= URL_SCHEMES
    assert "target" not in offered["attributes"]["a"]  # no "open in new window": nh3 would drop it


def test_everything_the_sanitiser_keeps_the_editor_can_write_so_nothing_is_flattened_when_edited_again():
    offered = allowlist_from_extensions(BODY_EXTENSIONS)
    read_as_its_own = {"b", "i"}  # read as bold and italic
    assert ALLOWED_TAGS - offered["tags"] == read_as_its_own
    for tag, attributes in ALLOWED_ATTRIBUTES.items():
        if tag != "a":  # a link's title is kept when pasted, though the editor does not ask for one
            assert attributes <= set(offered["attributes"].get(tag, ())), tag


def test_the_editor_offers_headings_below_the_headline_and_the_formatting_the_issue_asks_for():
    assert BODY_EXTENSIONS["Heading"] == {"levels": [2, 3, 4]}
    for extension in ("Bold", "Italic", "Link", "BulletList", "OrderedList", "Blockquote"):
        assert BODY_EXTENSIONS[extension]


def test_an_emptied_editor_stores_an_empty_body_and_a_script_is_still_removed():
    assert clean_body_html("<p></p>") == ""
    assert clean_body_html("<p>Text</p><p>[[image:4]]</p><p></p><p><br></p>") == "<p>Text</p><p>[[image:4]]</p>"
    assert clean_body_html("<p>One</p><p></p><p><br></p><p>Two</p>") == "<p>One</p><p>Two</p>"
    assert clean_body_html('<p>Hi</p><script>alert(1)</script><p onclick="x()">there</p>') == "<p>Hi</p><p>there</p>"


@pytest.mark.django_db
def test_the_article_form_renders_the_editor_with_its_static_files_and_no_inline_script():
    form = ArticleAdminForm()
    html = str(form["body"])
    assert "data-django-prose-editor-configurable" in html
    # The picture button's module and where it finds the library (articles/library.py).
    assert "editorial/pictures.js" in html and "/admin/articles/image/library/" in html
    # The embed card's module, with the providers' patterns from the one rule (articles/embeds.py).
    assert "editorial/embeds.js" in html and "MastheadEmbed" in html and "youtube" in html
    media = str(form.media)
    assert "django_prose_editor/editor.js" in media
    assert "editorial/prose-editor.css" in media
    assert "//cdn" not in media and "https://" not in media  # every asset from our own static files
    # The import map is the only inline script; the admin gives it the request's CSP nonce.
    assert form.media.render(attrs={"nonce": "n0nce"}).count('nonce="n0nce"') >= media.count("<script")
