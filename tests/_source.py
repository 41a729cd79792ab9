"""Reading the project's own source, for the tests that check where code lives (issue 14)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def python_modules(*folders: str, skip: tuple[str, ...] = ("migrations",)) -> Iterator[tuple[str, ast.Module]]:
    """(path relative to the project, parsed module) for every .py file under `folders`, minus `skip` folders."""
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if any(part in skip for part in relative.parts):
                continue
            yield relative.as_posix(), ast.parse(path.read_text(encoding="utf-8"), filename=str(relative))


def docstring_nodes(tree: ast.Module) -> set[int]:
    """ids of the string constants that are docstrings (of the module, a class or a function)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def code_strings(tree: ast.Module) -> Iterator[ast.Constant]:
    """Every string constant the code uses, docstrings left out (comments are not in the tree at all)."""
    docstrings = docstring_nodes(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node


TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.DOTALL)


def template_code(path: Path) -> str:
    """A template's text without its {# #} and {% comment %} blocks."""
    return TEMPLATE_COMMENT.sub("", path.read_text(encoding="utf-8"))
