"""Editing an article: the one place that decides what a save does, whatever screen or command saves it.

The rules (issue 12; docs/decisions.md, "what a save of a live article does"):

- **Not live** (draft, in review, changes requested, approved, scheduled for later, unpublished): the save
  is applied and recorded (`record_edit`: a revision and an audit event). A change to the copy, pictures,
  credit line or source of approved or scheduled copy sends it back to review, whoever made it; the person
  who made it counts as an author of the version (`permissions.authors_of_version`), so cannot approve it.
- **Live, or withheld** (a restore would put it back live): readers see only what a second person approved.
  A change is held as a *pending revision* (`propose_change`) that readers do not see until a responsible
  editor who did not write it publishes it (`approve_change`), or someone discards it (`discard_change`).
  The one exception: the article's credited responsible editor may fix a few words (`is_small_fix`: at
  most `SMALL_FIX_WORDS` words of headline, standfirst and body, and filing) and the fix goes live at
  once, recorded as `article.live_fix`. The credit line, pictures and source are never a small fix.
- While a change is pending, every further save adds to it (the edit form shows the pending text), so
  nobody edits the live text behind it and nothing is lost.
"""

from __future__ import annotations

import datetime
import difflib
import re
from types import SimpleNamespace

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from taggit.utils import edit_string_for_tags

from articles.models import Article, Image
from editorial import notifications
from editorial.models import AuditEvent

from . import permissions, revisions, workflow
from .models import ArticleRevision

S = Article.Status
State = ArticleRevision.State

# Fields whose change to approved copy needs the second person again (the two-person rule covers them all).
CONTENT_FIELDS = frozenset(
    {
        "title",
        "dek",
        "body",
        "hero_image",
        "inline_images",
        "editor",
        "responsible_editor",
        "section",
        "initiatives",
        "tags",
        "rights_basis",
        "original_publisher",
        "original_url",
        "source_contact_email",
    }
)
# What the credited responsible editor may change on a live article at once: words and filing.
SMALL_FIX_FIELDS = frozenset({"title", "dek", "body", "tags", "section", "initiatives", "featured", "language"})
SMALL_FIX_WORDS = 40
_WORD = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff]|\w+", re.UNICODE)


NOT_WAITING = "That change is no longer waiting for review (someone published, replaced or discarded it)."


class EditRefused(workflow.WorkflowError):
    """The edit cannot be made as asked; the message says why, for the person who asked."""


# --- what kind of save this is -------------------------------------------------------------------------------


def is_guarded(article: Article) -> bool:
    """Whether readers see (or a restore would show them) this article, so that changes need a second person."""
    return article.is_live or article.status == S.WITHHELD


def words_changed(old: dict, new: dict) -> int:
    """How many words were removed or added across headline, standfirst and body (CJK: per character)."""
    total = 0
    for name in ("title", "dek", "body"):
        a = _WORD.findall(strip_tags(old.get(name) or ""))
        b = _WORD.findall(strip_tags(new.get(name) or ""))
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            if tag != "equal":
                total += max(i2 - i1, j2 - j1)
    return total


def is_small_fix(old: dict, new: dict) -> bool:
    """A few words and filing changed, and nothing of the credit line, pictures or source."""
    changed = set(revisions.changed_fields(old, new)) - {"status", "published_at", "slug"}
    if old.get("slug") != new.get("slug"):
        return False  # a live address is not changed in passing
    return bool(changed) and changed <= SMALL_FIX_FIELDS and words_changed(old, new) <= SMALL_FIX_WORDS


def must_hold(article: Article, *, by, old: dict, new: dict) -> bool:
    """Whether a save by `by` of `article` (as `old`) to `new` must wait for a second person."""
    if not is_guarded(article):
        return False
    if pending_change(article) is not None:
        return True
    credited_responsible = article.responsible_editor.user_id is not None and article.responsible_editor.user_id == (
        by.pk if by is not None else None
    )
    may_publish = by is not None and by.has_perm("articles.publish_article")
    return not (credited_responsible and may_publish and is_small_fix(old, new))


def pending_change(article: Article) -> ArticleRevision | None:
    """The change to this live article that waits for a second person, if there is one."""
    return (
        ArticleRevision.objects.filter(article=article, state=State.PENDING).select_related("author").first()
        if article.pk
        else None
    )


def proposed_snapshot(article: Article, cleaned: dict) -> dict:
    """The snapshot `article` would have if saved with the form's `cleaned` values (nothing is written).

    `article` already carries the form's plain and foreign-key values in memory (as a ModelForm leaves it);
    tags, initiatives and the pictures placed in the body are taken from `cleaned` and the body.
    """
    data = revisions.snapshot(article)
    if "tags" in cleaned:
        data["tags"] = sorted({str(name) for name in cleaned["tags"]}, key=str.lower)
    if "initiatives" in cleaned:
        data["initiatives"] = [revisions.ref(i) for i in sorted(cleaned["initiatives"], key=lambda i: i.pk)]
    ids = sorted(set(article.inline_image_ids()))
    data["inline_images"] = [revisions.ref(image) for image in Image.objects.filter(pk__in=ids).order_by("pk")]
    return data


def form_initial(data: dict) -> dict:
    """A pending snapshot as initial values for the article form (what the editor goes on editing)."""
    initial = {name: data.get(name) or "" for name in revisions.PLAIN_FIELDS}
    initial["featured"] = bool(data.get("featured"))
    for name in ("hero_image", "section", "editor", "responsible_editor"):
        initial[name] = (data.get(name) or {}).get("id")
    initial["initiatives"] = [ref["id"] for ref in data.get("initiatives") or []]
    initial["tags"] = edit_string_for_tags([SimpleNamespace(name=n) for n in data.get("tags") or []])
    return initial


# --- saving --------------------------------------------------------------------------------------------------


def record_edit(article: Article, *, by, fields: list[str], created: bool = False) -> ArticleRevision:
    """Record a save that was applied: a revision, an audit event, and back to review if approved copy changed.

    Call after the article (and its tags and initiatives) are saved, in the same transaction.
    """
    fields = sorted(set(fields))
    live_fix = not created and is_guarded(article)
    if created:
        summary = "Created"
    elif live_fix:
        summary = "Small fix, live at once: " + ", ".join(fields)
    else:
        summary = "Edited: " + ", ".join(fields) if fields else "Saved without changes"
    revision = revisions.record(article, author=by, summary=summary)
    AuditEvent.record(
        actor=by,
        subject=article,
        action="article.create" if created else ("article.live_fix" if live_fix else "article.edit"),
        from_state=article.status,
        to_state=article.status,
        details={"fields": fields, "revision": revision.number, "version": article.version},
    )
    if (
        not created
        and set(fields) & CONTENT_FIELDS
        and article.status in (S.APPROVED, S.SCHEDULED)
        and not article.is_live
    ):
        workflow.return_to_review(
            article, by=by, note="Edited after approval: " + ", ".join(revisions.FIELD_LABELS.get(f, f) for f in fields)
        )
    return revision


def propose_change(article: Article, *, by, data: dict, summary: str = "") -> ArticleRevision:
    """Hold a change to a live article as a pending revision; readers go on seeing the live text.

    A change already pending is replaced by this one (the edit form starts from the pending text, so this
    one contains it); both authors are kept in the audit trail and neither may publish the result.
    """
    if by is None or not by.has_perm("articles.change_article"):
        raise EditRefused("You may not edit this article.")
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        before = ArticleRevision.objects.filter(article=locked, state=State.PENDING).first()
        if before is not None:
            before.state = State.SUPERSEDED
            before.save(update_fields=["state"])
        base = revisions.snapshot(locked)
        fields = [f for f in revisions.changed_fields(base, data) if f not in ("status", "published_at")]
        data = {**data, "status": locked.status, "published_at": base["published_at"], "version": locked.version}
        pending = revisions.record(
            locked,
            author=by,
            summary=(summary or "Proposed change: " + ", ".join(fields))[:300],
            data=data,
            state=State.PENDING,
        )
        AuditEvent.record(
            actor=by,
            subject=locked,
            action="article.propose_change",
            from_state=locked.status,
            to_state=locked.status,
            details={"fields": fields, "revision": pending.number, "replaces": before.number if before else None},
        )
        notifications.change_proposed(locked, by=by, fields=fields)
    return pending


def approve_change(article: Article, *, by, number: int, note: str = "") -> Article:
    """A responsible editor who wrote none of it publishes the pending change `number` on the live article."""
    with transaction.atomic():
        locked = Article.objects.select_for_update().select_related("editor", "responsible_editor").get(pk=article.pk)
        pending = ArticleRevision.objects.filter(article=locked, state=State.PENDING).first()
        if pending is None or pending.number != number:
            raise EditRefused(NOT_WAITING)
        if by is None or not by.has_perm("articles.publish_article"):
            raise EditRefused("Only a responsible editor may publish a change to a live article.")
        if permissions.wrote_this_version(by, locked):
            raise EditRefused(
                "You wrote or edited this change (or edited the article since it was last approved), so you cannot "
                "publish it yourself: a second responsible editor must (the two-person rule)."
            )
        missing = revisions.apply_data(locked, pending.data, slug=True)
        if locked.editor_id == locked.responsible_editor_id:
            raise EditRefused("This change would credit the same person twice; discard it and fix the credit line.")
        locked.version += 1
        locked.save()
        revisions.apply_relations(locked, pending.data)
        pending.state = State.ACCEPTED
        pending.save(update_fields=["state"])
        summary = f"Published the change of revision {pending.number}"
        if missing:
            summary += " (no longer exists, kept as now: " + ", ".join(missing) + ")"
        saved = revisions.record(locked, author=by, summary=summary)
        AuditEvent.record(
            actor=by,
            subject=locked,
            action="article.approve_change",
            from_state=locked.status,
            to_state=locked.status,
            note=note,
            details={"revision": pending.number, "new_revision": saved.number, "version": locked.version},
        )
    for name in ("title", "dek", "body", "slug", "version", "updated_at", "section_id", "hero_image_id"):
        setattr(article, name, getattr(locked, name))
    return article


def discard_change(article: Article, *, by, number: int, note: str) -> None:
    """Drop the pending change `number`; the live article stays as it is. Its text stays in the history."""
    note = (note or "").strip()
    if not note:
        raise EditRefused("Please write a short note saying why the change is discarded.")
    if by is None or not by.has_perm("articles.change_article"):
        raise EditRefused("You may not edit this article.")
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        pending = ArticleRevision.objects.filter(article=locked, state=State.PENDING).first()
        if pending is None or pending.number != number:
            raise EditRefused(NOT_WAITING)
        if pending.author_id != by.pk and not by.has_perm("articles.publish_article"):
            raise EditRefused("Only its author or a responsible editor may discard this change.")
        pending.state = State.DISCARDED
        pending.save(update_fields=["state"])
        AuditEvent.record(
            actor=by,
            subject=locked,
            action="article.discard_change",
            from_state=locked.status,
            to_state=locked.status,
            note=note[: workflow.MAX_NOTE_LENGTH],
            details={"revision": pending.number},
        )


def restore(article: Article, revision: ArticleRevision, *, by, expected_version: int | None = None):
    """Put an earlier revision back: held as a pending change on a live article, applied otherwise.

    Returns the new revision and whether it was held.
    """
    if revision.article_id != article.pk:
        raise revisions.RestoreError("That revision belongs to another article.")
    if is_guarded(article) and must_hold(article, by=by, old=revisions.snapshot(article), new=revision.data):
        if expected_version is not None and expected_version != article.version:
            raise revisions.RestoreError("The article changed since you opened this page. Reload it and try again.")
        data = {**revision.data, "slug": article.slug}  # restoring never moves a live address
        return propose_change(article, by=by, data=data, summary=f"Proposed: restore revision {revision.number}"), True
    with transaction.atomic():
        new = revisions.restore_revision(article, revision, by=by, expected_version=expected_version)
        fresh = Article.objects.get(pk=article.pk)
        if fresh.status in (S.APPROVED, S.SCHEDULED) and not fresh.is_live:
            workflow.return_to_review(fresh, by=by, note=f"Restored revision {revision.number}")
    return new, False


# --- nothing typed is lost: autosave and who is editing ------------------------------------------------------

# The form's text fields an autosave keeps, with the longest value accepted (the model's, or a generous cap).
AUTOSAVED_FIELDS = {"title": 250, "slug": 250, "dek": 600, "body": 1_000_000}
# How often the form keeps what was typed, when something was (settings.ARTICLE_AUTOSAVE_SECONDS overrides it).
AUTOSAVE_SECONDS = 30
# How long someone counts as editing after their page last spoke to the server (it does every 30 seconds).
PRESENCE_SECONDS = 90


def autosave(article: Article, *, by, data) -> ArticleRevision:
    """Keep what `by` has typed in the article's form as an *autosaved* revision, and nothing else.

    The article itself is not touched (neither its live fields nor its status nor its version): an autosave
    is a copy in the history, from which the editor may load or restore it. One autosave per person is kept
    on top of the history: while `by`'s autosave is the newest revision, a new one replaces it.
    `data` is the form's values (a QueryDict or dict); only the words are kept (AUTOSAVED_FIELDS).
    """
    if by is None or not by.has_perm("articles.change_article"):
        raise EditRefused("You may not edit this article.")
    if article.status == S.WITHHELD:
        raise EditRefused("This article is withheld after a copyright complaint; it cannot be edited now.")
    typed = {}
    for name, limit in AUTOSAVED_FIELDS.items():
        value = data.get(name)
        if value is None:
            continue
        if not isinstance(value, str) or len(value) > limit:
            raise EditRefused(f"The {revisions.FIELD_LABELS[name].lower()} is too long to keep (at most {limit}).")
        typed[name] = value
    if not typed:
        raise EditRefused("Nothing to autosave: the form sent no headline, standfirst or body.")
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        pending = ArticleRevision.objects.filter(article=locked, state=State.PENDING).first()
        base = pending.data if pending is not None else revisions.snapshot(locked)
        snapshot = {**base, **typed, "version": locked.version}
        fields = [revisions.FIELD_LABELS[f] for f in revisions.changed_fields(base, snapshot)]
        summary = "Autosaved, not saved: " + (", ".join(fields) or "no change")
        newest = ArticleRevision.objects.filter(article=locked).order_by("-number").first()
        if newest is not None and newest.state == State.AUTOSAVED and newest.author_id == by.pk:
            newest.data, newest.summary, newest.created_at = snapshot, summary[:300], timezone.now()
            newest.save(update_fields=["data", "summary", "created_at"])
            return newest
        return revisions.record(locked, author=by, summary=summary, data=snapshot, state=State.AUTOSAVED)


def unsaved_autosave(article: Article, *, by) -> ArticleRevision | None:
    """`by`'s autosave, if it is the newest revision of the article (nothing was saved after it)."""
    newest = ArticleRevision.objects.filter(article=article).order_by("-number").first()
    if newest is not None and newest.state == State.AUTOSAVED and by is not None and newest.author_id == by.pk:
        return newest
    return None


def _presence_key(article: Article) -> str:
    return f"article-editing:{article.pk}"


def mark_editing(article: Article, *, by) -> None:
    """Note that `by` has the article's form open now (kept in the cache for PRESENCE_SECONDS)."""
    if by is None or not getattr(by, "is_authenticated", False):
        return
    now = timezone.now()
    present = _present(article, now)
    since = present.get(str(by.pk), {}).get("since", now.isoformat())
    present[str(by.pk)] = {"name": by.get_full_name() or by.get_username(), "since": since, "seen": now.isoformat()}
    cache.set(_presence_key(article), present, PRESENCE_SECONDS)


def stop_editing(article: Article, *, by) -> None:
    """`by` saved or left the form: they no longer count as editing it."""
    present = _present(article, timezone.now())
    if by is not None and present.pop(str(by.pk), None) is not None:
        cache.set(_presence_key(article), present, PRESENCE_SECONDS)


def others_editing(article: Article, *, by) -> list[dict]:
    """Everyone but `by` who has the article's form open, with `name` and `since` (an aware datetime)."""
    me = str(by.pk) if by is not None else None
    return [
        {"name": entry["name"], "since": datetime.datetime.fromisoformat(entry["since"])}
        for user_id, entry in sorted(_present(article, timezone.now()).items(), key=lambda kv: kv[1]["since"])
        if user_id != me
    ]


def _present(article: Article, now: datetime.datetime) -> dict:
    present = cache.get(_presence_key(article)) or {}
    cutoff = now - datetime.timedelta(seconds=PRESENCE_SECONDS)
    return {k: v for k, v in present.items() if datetime.datetime.fromisoformat(v["seen"]) > cutoff}
