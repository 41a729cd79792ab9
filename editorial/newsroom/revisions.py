"""Article revisions: a snapshot on every save, a readable diff between any two, and restore.

Our own code on the existing `ArticleRevision` model rather than django-reversion or django-simple-history:
both would need their own tables and migrations for what is one JSON snapshot per save, and neither knows
our credit line, inline images or taggit tags without the same amount of glue (docs/decisions.md, "the editorial
workflow").

A snapshot holds what a reader sees and what the credit line promises: headline, standfirst, body, section,
hero and inline images, tags, initiatives, both credited editors, and the filing and source fields. Related
objects are kept as id and label, so a revision stays readable after the related object is renamed or gone.
"""

from __future__ import annotations

import datetime
import difflib
import html
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article, Image, Initiative, Section
from editorial.models import AuditEvent

from .models import ArticleRevision, Editor

# Field name → label an editor recognises (the order the history shows them in).
FIELD_LABELS = {
    "title": "Headline",
    "dek": "Standfirst",
    "body": "Body",
    "hero_image": "Hero image",
    "inline_images": "Inline images",
    "section": "Section",
    "tags": "Tags",
    "initiatives": "Initiatives",
    "editor": "Edit (editor)",
    "responsible_editor": "Responsible editor",
    "slug": "Address (slug)",
    "language": "Language",
    "featured": "Featured",
    "published_at": "Publication time",
    "status": "Status",
    "rights_basis": "Rights basis",
    "original_publisher": "Original publisher",
    "original_url": "Original URL",
    "source_contact_email": "Source's contact email",
}
# What `restore` puts back. Status and publication time change only through the workflow; the slug stays,
# because changing a live address breaks every link to it.
RESTORED_FIELDS = [
    "title",
    "dek",
    "body",
    "hero_image",
    "section",
    "tags",
    "initiatives",
    "editor",
    "responsible_editor",
    "language",
    "featured",
    "rights_basis",
    "original_publisher",
    "original_url",
    "source_contact_email",
]
PLAIN_FIELDS = ["title", "slug", "dek", "body", "language", "rights_basis", "original_publisher", "original_url"]
PLAIN_FIELDS += ["source_contact_email"]
_PLAIN = PLAIN_FIELDS
_MULTILINE = {"body", "dek"}
# Lines longer than this are compared whole, not word by word (word diffs of huge lines are slow).
_WORD_DIFF_LIMIT = 5000


def ref(obj) -> dict | None:
    """A related object as kept in a snapshot: its id and what it was called then."""
    return None if obj is None else {"id": obj.pk, "label": str(obj)}


def snapshot(article: Article) -> dict:
    """The article's content and credits as a JSON-ready dict (a handful of queries, whatever its size)."""
    return {
        **{name: getattr(article, name) for name in _PLAIN},
        "featured": article.featured,
        "status": article.status,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "version": article.version,
        "section": ref(article.section),
        "hero_image": ref(article.hero_image),
        "inline_images": [ref(image) for image in article.inline_images.order_by("pk")],
        "tags": sorted(article.tags.names(), key=str.lower),
        "initiatives": [ref(initiative) for initiative in article.initiatives.order_by("pk")],
        "editor": ref(article.editor),
        "responsible_editor": ref(article.responsible_editor),
    }


def record(
    article: Article,
    *,
    author=None,
    summary: str = "",
    data: dict | None = None,
    state: str = ArticleRevision.State.SAVED,
) -> ArticleRevision:
    """Keep a revision of `article` as saved now (or `data`, a proposed change, when `state` is pending).

    Call with the article row locked (or just created).
    """
    last = ArticleRevision.objects.filter(article=article).aggregate(n=Max("number"))["n"] or 0
    author = author if getattr(author, "is_authenticated", False) else None
    return ArticleRevision.objects.create(
        article=article,
        number=last + 1,
        author=author,
        summary=summary[:300],
        data=data if data is not None else snapshot(article),
        state=state,
    )


def revision_at_version(article: Article, version: int) -> ArticleRevision | None:
    """The revision kept when the article was saved at `version` (what a form loaded at that version showed)."""
    return (
        ArticleRevision.objects.filter(article=article, data__version=version, state=ArticleRevision.State.SAVED)
        .order_by("-number")
        .first()
    )


def changed_fields(old: dict, new: dict) -> list[str]:
    """Names of the fields that differ between two snapshots, in display order (version ignored)."""
    return [name for name in FIELD_LABELS if _display_value(old.get(name), name) != _display_value(new.get(name), name)]


def changes_between(revisions_newest_first: list[ArticleRevision]) -> dict[int, list[str]]:
    """For each revision number, the labels of the fields it changed (the history's "Changed" column).

    A saved revision is compared with the saved revision before it; a proposed (pending, accepted, discarded
    or superseded) one with the saved revision it would change. The oldest revision of the list has no
    earlier one to compare with unless the caller passes one more than it shows.
    """
    changed: dict[int, list[str]] = {}
    last_saved: dict | None = None
    for revision in reversed(revisions_newest_first):
        if last_saved is not None:
            changed[revision.number] = [FIELD_LABELS[name] for name in changed_fields(last_saved, revision.data)]
        if revision.state == ArticleRevision.State.SAVED:
            last_saved = revision.data
    return changed


# --- restore ------------------------------------------------------------------------------------------------


class RestoreError(Exception):
    """The revision cannot be restored; the message says why."""


@transaction.atomic
def restore_revision(article: Article, revision: ArticleRevision, *, by, expected_version: int | None = None):
    """Put the article's content back as it was at `revision`. This is itself a new revision.

    Status and publication time are not touched (only the workflow moves those); related objects that no
    longer exist are left as they are now, and the summary says so.
    """
    if revision.article_id != article.pk:
        raise RestoreError("That revision belongs to another article.")
    if by is None or not by.has_perm("articles.change_article"):
        raise RestoreError("You may not edit this article, so you cannot restore one of its revisions.")
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if expected_version is not None and locked.version != expected_version:
        raise RestoreError("The article changed since you opened this page. Reload it and try again.")
    missing = apply_data(locked, revision.data)
    if locked.editor_id == locked.responsible_editor_id:
        raise RestoreError("Restoring it would credit the same person twice; change the credit line by hand.")
    locked.version += 1
    locked.save()
    missing += apply_relations(locked, revision.data)
    summary = f"Restored revision {revision.number}"
    if missing:
        summary += " (no longer exists, kept as now: " + ", ".join(missing) + ")"
    new_revision = record(locked, author=by, summary=summary)
    AuditEvent.record(
        actor=by,
        subject=locked,
        action="article.restore_revision",
        from_state=locked.status,
        to_state=locked.status,
        note=summary,
        details={"revision": revision.number, "new_revision": new_revision.number, "version": locked.version},
    )
    for name in ("title", "dek", "body", "version", "updated_at", "section_id", "hero_image_id"):
        setattr(article, name, getattr(locked, name))
    return new_revision


def apply_data(article: Article, data: dict, *, slug: bool = False) -> list[str]:
    """Set `article`'s own fields (not yet saved) from snapshot `data`; return what no longer exists."""
    missing = []
    names = ["title", "dek", "body", "language", "rights_basis", "original_publisher", "original_url"]
    for name in names + (["slug"] if slug else []):
        if data.get(name):
            setattr(article, name, data[name])
        elif name in data and name != "slug":
            setattr(article, name, "")
    article.source_contact_email = data.get("source_contact_email") or ""
    article.featured = bool(data.get("featured"))
    for name, model in [("section", Section), ("hero_image", Image)]:
        value = data.get(name)
        if value is None:
            setattr(article, name, None)
        elif (obj := model.objects.filter(pk=value["id"]).first()) is not None:
            setattr(article, name, obj)
        else:
            missing.append(f"{FIELD_LABELS[name]} “{value['label']}”")
    for name in ["editor", "responsible_editor"]:
        value = data.get(name)
        if value and (obj := Editor.objects.filter(pk=value["id"]).first()) is not None:
            setattr(article, name, obj)
        elif value:
            missing.append(f"{FIELD_LABELS[name]} “{value['label']}”")
    return missing


def apply_relations(article: Article, data: dict) -> list[str]:
    """Set a saved `article`'s tags and initiatives from snapshot `data`; return the initiatives now gone."""
    article.tags.set(data.get("tags") or [], clear=True)
    wanted = data.get("initiatives") or []
    existing = list(Initiative.objects.filter(pk__in=[value["id"] for value in wanted]))
    article.initiatives.set(existing)
    found = {i.pk for i in existing}
    return [f"initiative “{value['label']}”" for value in wanted if value["id"] not in found]


# --- diff ---------------------------------------------------------------------------------------------------


@dataclass
class DiffRow:
    kind: str  # "equal", "replace", "delete", "insert" or "gap"
    old: SafeString = mark_safe("")  # noqa: S308 (constant)
    new: SafeString = mark_safe("")  # noqa: S308


@dataclass
class FieldDiff:
    name: str
    label: str
    rows: list[DiffRow] = field(default_factory=list)


def _site_time(iso: str) -> str:
    try:
        value = datetime.datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return str(iso)
    return f"{timezone.localtime(value, ZoneInfo(settings.TIME_ZONE)):%Y-%m-%d %H:%M} {settings.TIME_ZONE}"


def _display_value(value, name: str) -> str:
    if value is None:
        return "—" if name not in _PLAIN else ""
    if isinstance(value, dict):
        return value.get("label", "")
    if isinstance(value, list):
        return ", ".join(v.get("label", "") if isinstance(v, dict) else str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name == "status" and value in Article.Status.values:
        return Article.Status(value).label
    if name == "published_at":
        return _site_time(value)
    return str(value)


_BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|blockquote|figure|figcaption|tr|table|ul|ol|pre)>|<br\s*/?>|<hr\s*/?>", re.I)
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uac00-\ud7af"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+|\s+|[^\w\s]")


def body_lines(body: str) -> list[str]:
    """The body as readable text, one line per paragraph, heading, list item or quote."""
    text = html.unescape(strip_tags(_BLOCK_END.sub("\n", body or "")))
    return [line.strip() for line in text.splitlines() if line.strip()]


def _source_lines(body: str) -> list[str]:
    return [
        line.strip() for line in _BLOCK_END.sub(lambda m: m.group(0) + "\n", body or "").splitlines() if line.strip()
    ]


def word_diff(old: str, new: str) -> tuple[SafeString, SafeString]:
    """Old and new text, escaped, with removed words in <del> and added ones in <ins>."""
    if len(old) > _WORD_DIFF_LIMIT or len(new) > _WORD_DIFF_LIMIT:
        removed = format_html("<del>{}</del>", old) if old else mark_safe("")
        added = format_html("<ins>{}</ins>", new) if new else mark_safe("")
        return removed, added
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    old_out, new_out = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        removed, added = escape("".join(a[i1:i2])), escape("".join(b[j1:j2]))
        if tag == "equal":
            old_out.append(removed)
            new_out.append(added)
            continue
        if removed:
            old_out.append(f"<del>{removed}</del>")
        if added:
            new_out.append(f"<ins>{added}</ins>")
    # Every piece above went through escape(); only our own <del>/<ins> tags are markup.
    return mark_safe("".join(old_out)), mark_safe("".join(new_out))  # noqa: S308


def _line_rows(old_lines: list[str], new_lines: list[str], context: int = 1) -> list[DiffRow]:
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for n, group in enumerate(matcher.get_grouped_opcodes(context)):
        if n or (group and group[0][1] > 0):
            rows.append(DiffRow("gap"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows += [DiffRow("equal", escape(line), escape(line)) for line in old_lines[i1:i2]]
            elif tag == "delete":
                rows += [DiffRow("delete", format_html("<del>{}</del>", line)) for line in old_lines[i1:i2]]
            elif tag == "insert":
                rows += [DiffRow("insert", new=format_html("<ins>{}</ins>", line)) for line in new_lines[j1:j2]]
            else:
                olds, news = old_lines[i1:i2], new_lines[j1:j2]
                for k in range(max(len(olds), len(news))):
                    o = olds[k] if k < len(olds) else ""
                    w = news[k] if k < len(news) else ""
                    rows.append(DiffRow("replace", *word_diff(o, w)))
    return rows


def compare(old: dict, new: dict) -> list[FieldDiff]:
    """What changed from snapshot `old` to snapshot `new`, field by field, as escaped HTML fragments."""
    diffs = []
    for name in changed_fields(old, new):
        label = FIELD_LABELS[name]
        if name == "body":
            old_lines, new_lines = body_lines(old.get("body", "")), body_lines(new.get("body", ""))
            if old_lines == new_lines:  # only markup changed (a link, emphasis): show the source
                old_lines, new_lines = _source_lines(old.get("body", "")), _source_lines(new.get("body", ""))
                label += " (formatting or links)"
            rows = _line_rows(old_lines, new_lines)
        elif name in _MULTILINE:
            rows = _line_rows((old.get(name) or "").splitlines(), (new.get(name) or "").splitlines())
        else:
            rows = [
                DiffRow("replace", *word_diff(_display_value(old.get(name), name), _display_value(new.get(name), name)))
            ]
        diffs.append(FieldDiff(name, label, rows))
    return diffs
