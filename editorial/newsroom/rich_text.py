"""The article body's rich-text editor: django-prose-editor, limited to what articles/richtext.py keeps.

The editor offers headings, bold, italic, links, lists, block quotes, line breaks and rules, and nothing
else, so what an editor sees is what is saved; nh3 (`sanitise_body`) still cleans the body on save and stays
the last word. Links carry the `rel` nh3 would add, so sanitising leaves the editor's HTML as it is
(tests/test_rich_text_editor.py checks both). Inline pictures stay `[[image:ID]]` markers: in the editor a
paragraph of text, on the reader's page a figure.
"""

from django.forms import Media
from django.templatetags.static import static
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import AdminProseEditorWidget

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
    "NoSpellCheck": False,  # on by default in django-prose-editor; reporters want the browser's spell checker
}


class BodyEditorWidget(AdminProseEditorWidget):
    """django-prose-editor's admin widget with our extension module (editorial/static/editorial/prose-editor.js):
    Tiptap's base styles from a stylesheet instead of an inline <style> the CSP would refuse, and the editable
    area named by the field's label and described by its help text for screen readers."""

    @property
    def media(self):
        return super().media + Media(css={"all": ["editorial/prose-editor.css"]})

    def get_config(self):
        config = super().get_config()
        config["extensions"]["MastheadEditor"] = True
        config["js_modules"] = [*config.get("js_modules", []), static("editorial/prose-editor.js")]
        return config


def clean_body_html(html: str) -> str:
    """The editor's HTML as it will be stored: sanitised, and an editor left empty stores nothing."""
    cleaned = sanitise_body(html).strip()
    return "" if cleaned in ("<p></p>", "<p><br></p>") else cleaned


def body_field(help_text: str) -> ProseEditorFormField:
    return ProseEditorFormField(
        extensions=BODY_EXTENSIONS,
        sanitize=clean_body_html,
        widget=BodyEditorWidget,
        required=False,
        help_text=help_text,
    )
