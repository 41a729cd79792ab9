"""Issue 14, point 1: every complaint state change goes through the copyright desk's moves, and every article
state change through the newsroom's workflow. Read from the source (as the visibility test does for
`published()`): a module that writes `status` anywhere else fails here, whatever path would call it.

A write is an assignment to `<anything>.status`, `setattr(x, "status", …)`, a `status=` keyword to a
queryset's `update`/`create`/`get_or_create`/`update_or_create` or to a model's constructor, or "status" in
a `bulk_update` field list. Writes whose value is plainly another model's status (the outbox, contact
messages, the task queue) are not the concern of either desk's rule.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("articles", "editorial", "config")

# The only place a complaint's status changes (moves/step.py; the package's moves all call it).
COMPLAINT_MOVES = "editorial/copyright/moves/"

# The one place an article's status is written: the newsroom's workflow (the demo loads its stories through
# the workflow's `load` move; tests/test_article_status_one_place.py checks the article side in detail).
ARTICLE_WRITERS = {"editorial/newsroom/workflow.py"}

OTHER_MODELS = re.compile(r"^(OutboundMessage|ContactInquiry|TaskResultStatus)\.")
WRITING_METHODS = {"update", "create", "get_or_create", "update_or_create"}


def status_writes(source: str, model_names: set[str]) -> list[tuple[int, str]]:
    """(line, value) of every write of a `status` in this source."""
    tree = ast.parse(source)
    # `self.status` in a class that is not a model is some other status (an HTTP answer, say).
    not_ours = {
        id(node)
        for cls in ast.walk(tree)
        if isinstance(cls, ast.ClassDef) and not any("Model" in ast.unparse(base) for base in cls.bases)
        for node in ast.walk(cls)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self"
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for part in ast.walk(target):
                    if (
                        isinstance(part, ast.Attribute)
                        and part.attr == "status"
                        and isinstance(part.ctx, ast.Store)
                        and id(part) not in not_ours
                    ):
                        found.append((node.lineno, ast.unparse(node.value) if node.value else ""))
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name == "setattr" and len(node.args) == 3:
                field = node.args[1]
                if isinstance(field, ast.Constant) and field.value == "status":
                    found.append((node.lineno, ast.unparse(node.args[2])))
            if name == "bulk_update" and any(
                isinstance(part, ast.Constant) and part.value == "status" for arg in node.args for part in ast.walk(arg)
            ):
                found.append((node.lineno, "bulk_update"))
            if name in WRITING_METHODS or (isinstance(func, ast.Name) and name in model_names):
                for keyword in node.keywords:
                    if keyword.arg == "status":
                        found.append((node.lineno, ast.unparse(keyword.value)))
    return [(line, value) for line, value in found if not OTHER_MODELS.match(value)]


def writers() -> dict[str, list[tuple[int, str]]]:
    model_names = {model.__name__ for model in apps.get_models()}
    result = {}
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative:
                continue
            writes = status_writes(path.read_text(encoding="utf-8"), model_names)
            if writes:
                result[relative] = writes
    return result


def imports_complaints(relative: str) -> bool:
    tree = ast.parse((ROOT / relative).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if (node.module or "").startswith("editorial.copyright") or (node.module or "").endswith("copyright"):
                return True
            if any(alias.name in {"Complaint", "ComplaintStatus"} for alias in node.names):
                return True
    return False


def test_the_detector_finds_each_way_of_writing_a_status():
    source = (
        "complaint.status = S.CLOSED\n"
        "setattr(complaint, 'status', 'closed')\n"
        "Complaint.objects.filter(pk=1).update(status='closed')\n"
        "Complaint(status='received')\n"
        "Complaint.objects.bulk_update(rows, ['status'])\n"
        "message.status = OutboundMessage.Status.SENT\n"  # another model's: not counted
        "Complaint.objects.filter(status='closed')\n"  # a read
        "render(request, 'x.html', status=400)\n"  # an HTTP status
        "class Unavailable(Exception):\n    def __init__(self, status):\n        self.status = status\n"
        "class Complaint(models.Model):\n    def close(self):\n        self.status = 'closed'\n"
    )
    assert [line for line, _ in status_writes(source, {"Complaint"})] == [1, 2, 3, 4, 5, 14]


def test_only_the_copyright_moves_change_a_complaints_status():
    found = writers()
    assert any(path.startswith(COMPLAINT_MOVES) for path in found), "the scan no longer sees the moves' own write"
    outside = {path: writes for path, writes in found.items() if not path.startswith(COMPLAINT_MOVES)}
    unexplained = {path: writes for path, writes in outside.items() if path not in ARTICLE_WRITERS}
    assert unexplained == {}, "status written outside editorial/copyright/moves/"
    # The article writers are allowed their article writes only: none of them may reach complaints.
    assert [path for path in ARTICLE_WRITERS if imports_complaints(path)] == []


def test_only_the_listed_newsroom_modules_change_an_articles_status():
    found = writers()
    article_writers = {path for path in found if not path.startswith(COMPLAINT_MOVES)}
    # Exactly the workflow: a new writer fails, and so does a workflow that stopped writing (a broken scan).
    assert article_writers == ARTICLE_WRITERS
    assert not any(path.startswith("articles/") for path in article_writers)
