"""Admin widgets."""

from django.forms.utils import flatatt
from django.utils.html import format_html
from taggit.forms import TagWidget


class TagAutocompleteWidget(TagWidget):
    """Taggit's comma-separated input, with suggestions of existing tags as the editor types.

    The suggestions come from the article admin's `tag-suggestions/` endpoint and fill a native
    <datalist>, so the field stays a plain text input that works without JavaScript.
    """

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "vTextField tag-autocomplete", "autocomplete": "off", **(attrs or {})})

    class Media:
        js = ["editorial/tag-autocomplete.js"]

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id', name)}-suggestions"
        attrs.update({"list": list_id, "data-suggest-url": "../tag-suggestions/"})
        html = super().render(name, value, attrs, renderer)
        return format_html("{}<datalist{}></datalist>", html, flatatt({"id": list_id}))
