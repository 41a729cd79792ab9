"""The article body's rich-text editor: django-prose-editor, limited to what articles/richtext.py keeps.

The editor offers headings, bold, italic, links, lists, block quotes, line breaks and rules, and nothing
else, so what an editor sees is what is saved; nh3 (`sanitise_body`) still cleans the body on save and stays
the last word. Links carry the `rel` nh3 would add, so sanitising leaves the editor's HTML as it is
(tests/test_rich_text_editor.py checks both). A picture is placed from the library with the editor's
picture button (editorial/static/editorial/pictures.js, articles/library.py) and shows in the editor as
the picture; the body stores it as an `[[image:ID]]` marker, which the reader's page turns into a figure.
An address from an allowed provider pasted on a line of its own (or given to the embed button) shows as a
card (editorial/static/editorial/embeds.js); articles/embeds.py decides what may be embedded.
"""

import re

from django.forms import Media
from django.templatetags.static import static
from django.urls import reverse
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import AdminProseEditorWidget

from articles.embeds import editor_providers
from articles.richtext import LINK_REL, URL_SCHEMES, sanitise_body

BODY_EXTENSIONS = {
    "Heading": {"levels": [2, 3, 4]},  # the headline is the page's h1
    "Bold": True,
    "Italic": True,
    "Link": {"enableTarget": False, "protocols": sorted(URL_SCHEMES), "HTMLAttributes": {"rel": LINK_REL}},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "HorizontalRule": True,
    # Tables (results, figures, timetables) and sub/superscript (CO₂, 1st): kept by nh3, so a body holding
    # them comes back into the editor as it was saved, not flattened to text.
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "Subscript": True,
    "Superscript": True,
    "NoSpellCheck": False,  # on by default in django-prose-editor; reporters want the browser's spell checker
}


class BodyEditorWidget(AdminProseEditorWidget):
    """django-prose-editor's admin widget with our extension module (editorial/static/editorial/prose-editor.js):
    Tiptap's base styles from a stylesheet instead of an inline <style> the CSP would refuse, and the editable
    area named by the field's label and described by its help text for screen readers."""

    @property
    def media(self):
        return super().media + Media(css={"all": ["editorial/prose-editor.css", "editorial/pictures.css"]})

    def get_config(self):
        config = super().get_config()
        config["extensions"]["MastheadEditor"] = True
        config["extensions"]["MastheadPicture"] = {"libraryUrl": reverse("admin:articles_image_library")}
        config["extensions"]["MastheadEmbed"] = {"providers": editor_providers()}
        modules = [static(f"editorial/{name}.js") for name in ("prose-editor", "pictures", "embeds")]
        config["js_modules"] = [*config.get("js_modules", []), *modules]
        return config


EMPTY_PARAGRAPH = re.compile(r"<p>(?:<br>)?</p>\s*")


def clean_body_html(html: str) -> str:
    """The editor's HTML as it will be stored: sanitised, without empty paragraphs (the editor leaves one
    after a picture or embed it places, for the writer to go on; a reader sees nothing in them), and an
    editor left empty stores nothing."""
    return EMPTY_PARAGRAPH.sub("", sanitise_body(html).strip())


def body_field(help_text: str) -> ProseEditorFormField:
    return ProseEditorFormField(
        extensions=BODY_EXTENSIONS,
        sanitize=clean_body_html,
        widget=BodyEditorWidget,
        required=False,
        help_text=help_text,
    )
