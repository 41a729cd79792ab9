"""Only the newsroom's workflow assigns an article's status (issue 14, point 1; STYLE.md 3).

Reads the source of every module under articles/, editorial/ and config/ (migrations aside; the demo loader
is included and goes through `workflow.load`) and fails on any other module that assigns `status` to an
article: `article.status = ...`, `....status = Article.Status.X`, `Article(..., status=...)`, or an
`update`/`create` on an Article queryset with `status=`.
"""

import ast

from tests._source import python_modules

WORKFLOW = "editorial/newsroom/workflow.py"
WRITING_CALLS = {"update", "create", "get_or_create", "update_or_create", "bulk_create"}


def _mentions(node: ast.AST, names: set[str]) -> bool:
    """Whether `node` names one of `names` (as a bare name or an attribute), e.g. Article or Article.Status."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id in names:
            return True
        if isinstance(sub, ast.Attribute) and ast.unparse(sub) in names:
            return True
    return False


def _status_aliases(tree: ast.Module) -> set[str]:
    """`Article.Status` and the names a module binds to it (e.g. `S = Article.Status`)."""
    aliases = {"Article.Status"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and ast.unparse(node.value) == "Article.Status":
            aliases |= {target.id for target in node.targets if isinstance(target, ast.Name)}
    return aliases


def article_status_writes(tree: ast.Module) -> list[int]:
    """Line numbers where the module assigns an article's status."""
    statuses = _status_aliases(tree)
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr == "status":
                    names_article = "article" in ast.unparse(target.value).lower()
                    if names_article or (node.value is not None and _mentions(node.value, statuses)):
                        lines.append(node.lineno)
        elif isinstance(node, ast.Call):
            status_kw = [kw for kw in node.keywords if kw.arg == "status"]
            if not status_kw:
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id == "Article":
                lines.append(node.lineno)
            elif isinstance(func, ast.Attribute) and func.attr in WRITING_CALLS:
                receiver = func.value
                if _mentions(receiver, {"Article"}) or _mentions(status_kw[0].value, statuses):
                    lines.append(node.lineno)
    return lines


def test_the_check_sees_every_way_of_assigning_an_article_status():
    code = """
S = Article.Status
article.status = "published"
locked.status = S.PUBLISHED
Article.objects.filter(pk=1).update(status=Article.Status.DRAFT)
Article.objects.create(title="x", status="draft")
Article(title="x", status=S.DRAFT)
complaint.status = Complaint.Status.CLOSED
message.status = OutboundMessage.Status.SENT
Article.objects.filter(status=S.DRAFT)
"""
    assert article_status_writes(ast.parse(code)) == [3, 4, 5, 6, 7]


def test_only_the_workflow_assigns_an_article_status():
    writers = {
        path: lines
        for path, tree in python_modules("articles", "editorial", "config")
        if path != WORKFLOW and (lines := article_status_writes(tree))
    }
    assert writers == {}
