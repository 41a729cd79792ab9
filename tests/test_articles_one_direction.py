"""`articles` never imports `editorial` and never names it in code or templates (issue 14, point 3).

What `articles` shows of the newsroom comes through two settings: the credit line's model
(`CREDIT_LINE_MODEL`, reached as the foreign key's `related_model`) and the complaint form's URL name
(`COPYRIGHT_COMPLAINT_URL_NAME`). Comments and docstrings may mention the other app; code may not.
"""

import ast

from django.conf import settings
from django.urls import reverse

from articles.models import Article, credit_line_model
from tests._source import ROOT, code_strings, python_modules, template_code


def test_no_module_of_articles_imports_editorial():
    imports = []
    for path, tree in python_modules("articles"):
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imports += [(path, alias.name) for alias in node.names if alias.name.split(".")[0] == "editorial"]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "editorial":
                imports.append((path, node.module))
    assert imports == []


def test_no_code_in_articles_names_editorial():
    named = [
        (path, node.lineno, node.value)
        for path, tree in python_modules("articles")
        for node in code_strings(tree)
        if "editorial" in node.value.lower()
    ]
    assert named == []


def test_no_reader_template_names_editorial():
    named = [
        path.relative_to(ROOT).as_posix()
        for path in sorted((ROOT / "templates" / "articles").rglob("*"))
        if path.is_file() and "editorial" in template_code(path).lower()
    ]
    assert named == []


def test_the_settings_join_the_apps_where_articles_needs_the_newsroom():
    assert credit_line_model() is Article._meta.get_field("responsible_editor").related_model
    assert credit_line_model()._meta.label == settings.CREDIT_LINE_MODEL
    assert reverse(settings.COPYRIGHT_COMPLAINT_URL_NAME).startswith("/")


def test_sections_and_initiatives_share_one_topic_model():
    """Issue 14: their common behaviour (slug from the name, order, their own page) is written once."""
    from articles.models import Initiative, Section
    from articles.models.topics import Topic

    assert issubclass(Section, Topic) and issubclass(Initiative, Topic) and Topic._meta.abstract
    for model in (Section, Initiative):
        for name in ("save", "get_absolute_url", "__str__"):
            assert name not in vars(model), f"{model.__name__}.{name} repeats Topic's"
