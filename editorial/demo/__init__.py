"""Load the demo newsroom: sections, initiatives and milestones, editors, accounts, articles and pictures.

Idempotent by natural key: each step asks the database once which of its rows already exist (by slug,
name or username) and creates only the missing ones. Nothing that exists is ever changed, so an editor's
edits to demo content survive, and a second run costs a handful of queries.

`make run` calls this through `manage.py load_demo` on every start.
"""

from __future__ import annotations

import datetime
import re
import secrets
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles.models import Article, Correction, Image, Initiative, Milestone, Section
from editorial.models import Editor
from editorial.newsroom import workflow

from . import pictures
from .complaints import load_demo_complaints
from .content import ACCOUNTS, EDITORS, INITIATIVES, MILESTONES, SECTIONS
from .stories import STORIES, HeroData, StoryData, TimelineData

PICTURE_MARKER_RE = re.compile(r"\[\[picture:([a-z0-9-]+)\]\]")
DEMO_CREDIT = "Illustration: Masthead graphics desk (demo)"
DEMO_HOLDER = "Masthead News"


@dataclass
class NewAccount:
    username: str
    role: str
    password: str


@dataclass
class DemoReport:
    """What a run did: counts of created rows, and the passwords of accounts made in this run (only)."""

    created: Counter = field(default_factory=Counter)
    new_accounts: list[NewAccount] = field(default_factory=list)
    existing_accounts: list[str] = field(default_factory=list)

    @property
    def nothing_created(self) -> bool:
        return not any(self.created.values())


def load_demo(*, now: datetime.datetime | None = None) -> DemoReport:
    """Create whatever part of the demo newsroom is missing, in one transaction, and say what was made."""
    report = DemoReport()
    now = now or timezone.now()
    with transaction.atomic():
        load_sections(report)
        load_initiatives(report)
        load_editors(report)
        load_accounts(report)
        load_articles(report, now=now)
        load_milestones(report)
        load_demo_complaints(report)
    return report


def load_sections(report: DemoReport) -> None:
    have = Section.objects.filter(
        Q(slug__in=[s.slug for s in SECTIONS]) | Q(name__in=[s.name for s in SECTIONS])
    ).values_list("slug", "name")
    taken = {value for pair in have for value in pair}
    for data in SECTIONS:
        if data.slug in taken or data.name in taken:
            continue
        Section.objects.create(slug=data.slug, name=data.name, description=data.description, order=data.order)
        report.created["sections"] += 1


def load_initiatives(report: DemoReport) -> None:
    have = Initiative.objects.filter(
        Q(slug__in=[i.slug for i in INITIATIVES]) | Q(name__in=[i.name for i in INITIATIVES])
    ).values_list("slug", "name")
    taken = {value for pair in have for value in pair}
    for data in INITIATIVES:
        if data.slug in taken or data.name in taken:
            continue
        initiative = Initiative(
            slug=data.slug,
            name=data.name,
            short_name=data.short_name,
            summary=data.summary,
            description=data.description,
            launched_on=data.launched_on,
            launched_at=data.launched_at,
            order=data.order,
        )
        letters = "".join(w[0] for w in data.short_name.split()) if " " in data.short_name else data.short_name
        initiative.logo.save(
            f"{data.slug}.png", ContentFile(pictures.badge(key=data.slug, letters=letters[:3].upper())), save=False
        )
        initiative.full_clean()
        initiative.save()
        report.created["initiatives"] += 1


# The staff's addresses are deliverable, so that their notices are shown (issue 15): `.test` is reserved for
# testing (RFC 2606) but, unlike `.invalid` and the example domains, the outbox sends to it; in development
# the mailer prints each message on the console.
STAFF_MAIL_DOMAIN = "newsroom.masthead.test"


def load_editors(report: DemoReport) -> None:
    have = set(Editor.objects.filter(slug__in=[e.slug for e in EDITORS]).values_list("slug", flat=True))
    for data in EDITORS:
        if data.slug in have:
            continue
        editor = Editor(
            slug=data.slug,
            display_name=data.display_name,
            native_name=data.native_name,
            title=data.title,
            bio=data.bio,
            email=f"{data.slug.replace('-', '.')}@{STAFF_MAIL_DOMAIN}",
        )
        editor.photo.save(
            f"{data.slug}.png", ContentFile(pictures.badge(key="default", letters=data.initials)), save=False
        )
        editor.full_clean()
        editor.save()
        report.created["editors"] += 1


def load_accounts(report: DemoReport) -> None:
    """The superuser and one account per role, each with a random password that only this run knows."""
    User = get_user_model()
    have = set(User.objects.filter(username__in=[a.username for a in ACCOUNTS]).values_list("username", flat=True))
    missing = [a for a in ACCOUNTS if a.username not in have]
    report.existing_accounts = [a.username for a in ACCOUNTS if a.username in have]
    if not missing:
        return
    groups = Group.objects.in_bulk([a.role for a in missing if a.role], field_name="name")
    editors = Editor.objects.in_bulk([a.editor for a in missing if a.editor], field_name="slug")
    for data in missing:
        password = secrets.token_urlsafe(12)
        details = {
            "email": f"{data.username}@{STAFF_MAIL_DOMAIN}",
            "first_name": data.first_name,
            "last_name": data.last_name,
        }
        if not data.role:
            User.objects.create_superuser(data.username, password=password, **details)
            report.new_accounts.append(NewAccount(data.username, "Superuser", password))
        else:
            if data.role not in groups:
                raise LookupError(f"The role group {data.role!r} is missing; run `manage.py migrate` first.")
            user = User.objects.create_user(data.username, password=password, is_staff=True, **details)
            user.groups.add(groups[data.role])
            editor = editors.get(data.editor)
            if editor is not None and editor.user_id is None:
                editor.user = user
                editor.save(update_fields=["user"])
            report.new_accounts.append(NewAccount(data.username, data.role, password))
        report.created["accounts"] += 1


def load_articles(report: DemoReport, *, now: datetime.datetime) -> None:
    have = set(Article.objects.filter(slug__in=[s.slug for s in STORIES]).values_list("slug", flat=True))
    missing = [s for s in STORIES if s.slug not in have]
    if not missing:
        return
    # Found by slug or, if an editor has changed the slug, by name; a demo row deleted since is left out.
    sections = _index(Section, {s.slug: s.name for s in SECTIONS})
    initiatives = _index(Initiative, {i.slug: i.name for i in INITIATIVES})
    editors = Editor.objects.in_bulk(field_name="slug")
    for data in missing:
        _create_article(report, data, now=now, sections=sections, editors=editors, initiatives=initiatives)


def _index(model, names: dict[str, str]) -> dict:
    """Demo slug -> row, matching a row by its slug or by the demo name (both are unique)."""
    rows = model.objects.filter(Q(slug__in=names) | Q(name__in=names.values()))
    by_slug = {row.slug: row for row in rows}
    by_name = {row.name: row for row in rows}
    return {
        slug: by_slug.get(slug) or by_name[name] for slug, name in names.items() if slug in by_slug or name in by_name
    }


def _create_article(report: DemoReport, data: StoryData, *, now, sections, editors, initiatives) -> Article:
    inline = {
        name: _timeline_image(report, picture, key=data.initiatives[0]) for name, picture in data.pictures.items()
    }

    def place(match: re.Match) -> str:
        return f"[[image:{inline[match.group(1)].pk}]]"

    published_at = data.published_at
    if isinstance(published_at, datetime.timedelta):
        # A scheduled story goes live a few days after the demo is loaded, at the top of the hour.
        published_at = (now + published_at).replace(minute=0, second=0, microsecond=0)
    article = Article(
        slug=data.slug,
        title=data.title,
        dek=data.dek,
        body=PICTURE_MARKER_RE.sub(place, data.body),
        section=sections.get(data.section),
        editor=editors[data.editor],
        responsible_editor=editors[data.responsible_editor],
        featured=data.featured,
        hero_image=_hero_image(report, data.hero, key=data.initiatives[0]) if data.hero else None,
        rights_basis=data.rights_basis,
        original_publisher=data.original_publisher,
        original_url=data.original_url,
        source_contact_email=data.source_contact_email,
        language="en",
    )
    article.full_clean(exclude=["tags"])
    article.save()  # a draft: only the workflow moves it on, to the state the story had
    if data.status != Article.Status.DRAFT:
        workflow.load(article, state=data.status, published_at=published_at, note="Demo story.")
    article.initiatives.set([initiatives[slug] for slug in data.initiatives if slug in initiatives])
    article.tags.add(*data.tags)
    for correction in data.corrections:
        Correction.objects.create(
            article=article, kind=correction.kind, text=correction.text, published_at=correction.published_at
        )
        report.created["corrections"] += 1
    report.created["articles"] += 1
    return article


def _hero_image(report: DemoReport, hero: HeroData, *, key: str) -> Image:
    content = pictures.hero(key=key, headline=hero.headline, kicker=hero.kicker, seed=hero.seed)
    return _library_image(
        report, content, name=f"demo-hero-{hero.seed}.jpg", alt_text=hero.alt_text, caption=hero.caption
    )


def _timeline_image(report: DemoReport, timeline: TimelineData, *, key: str) -> Image:
    # The same graphic in two articles is one library image, as in a real newsroom; look it up first.
    existing = Image.objects.filter(alt_text=timeline.alt_text, credit=DEMO_CREDIT).first()
    if existing is not None:
        return existing
    content = pictures.timeline(key=key, title=timeline.title, events=timeline.events)
    return _library_image(
        report, content, name="demo-graphic.png", alt_text=timeline.alt_text, caption=timeline.caption
    )


def _library_image(report: DemoReport, content: bytes, *, name: str, alt_text: str, caption: str) -> Image:
    """Store a picture the way an upload is stored (cleaned by Image.save) and make its renditions."""
    image = Image(
        file=ContentFile(content, name=name),
        alt_text=alt_text,
        caption=caption,
        credit=DEMO_CREDIT,
        copyright_holder=DEMO_HOLDER,
        licence=Image.Licence.OWN,
    )
    image.save()
    image.make_renditions()
    report.created["images"] += 1
    return image


def load_milestones(report: DemoReport) -> None:
    slugs = {m.initiative for m in MILESTONES}
    have = set(Milestone.objects.filter(initiative__slug__in=slugs).values_list("initiative__slug", "date", "title"))
    missing = [m for m in MILESTONES if (m.initiative, m.date, m.title) not in have]
    if not missing:
        return
    initiatives = Initiative.objects.in_bulk(list(slugs), field_name="slug")
    articles = Article.objects.in_bulk([m.article for m in missing if m.article], field_name="slug")
    for data in missing:
        initiative = initiatives.get(data.initiative)
        if initiative is None:  # renamed or deleted by an editor since: leave their choice alone
            continue
        Milestone.objects.create(
            initiative=initiative,
            date=data.date,
            place=data.place,
            title=data.title,
            summary=data.summary,
            article=articles.get(data.article),
        )
        report.created["milestones"] += 1
