"""Builders the copyright desk's tests share: notices and their targets, filing and confirming complaints,
officers and their decisions, the public form's data, and the transparency report's rows. Test modules
import these from here, never from one another."""

from __future__ import annotations

import itertools
import re
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import time_machine
from django.db import connection
from django.utils import timezone

from articles.models import Article
from editorial.copyright import moves
from editorial.copyright.identity import hash_token
from editorial.copyright.intake import ResolvedURL, complaint_file
from editorial.copyright.moves import ItemDecision
from editorial.copyright.states import ComplaintStatus as S
from editorial.models import (
    Complaint,
    ComplaintItem,
    Measure,
    OutboundMessage,
)
from tests.factories import ArticleFactory, UserFactory

NOTIFIER_EMAIL = "rights@lens-agency.test"


class Node:
    """An element of a parsed page: tag, attributes, children, and its text."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, tag: str, attrs: dict, parent=None):
        self.tag, self.attrs, self.parent, self.children, self.parts = tag, attrs, parent, [], []

    def __getitem__(self, name: str) -> str:
        return self.attrs[name]

    def get(self, name: str, default=None):
        return self.attrs.get(name, default)

    def has_attr(self, name: str) -> bool:
        return name in self.attrs

    def text(self) -> str:
        return "".join(part if isinstance(part, str) else part.text() for part in self.parts)

    def iter(self):
        for child in self.children:
            yield child
            yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs) -> list[Node]:
        attrs = {k.rstrip("_"): v for k, v in attrs.items()}
        return [
            node
            for node in self.iter()
            if (tag is None or node.tag == tag) and all(node.attrs.get(k) == v for k, v in attrs.items())
        ]

    def find(self, tag: str | None = None, **attrs) -> Node | None:
        found = self.find_all(tag, **attrs)
        return found[0] if found else None


LENS = "Lens Agency"

numbers = itertools.count(1)


def notice(**overrides) -> Complaint:
    """An unsaved complaint with every required answer filled in."""
    values = {
        "notifier_name": "Wang Fang",
        "notifier_organisation": "Lens Agency",
        "notifier_email": NOTIFIER_EMAIL,
        "notifier_phone": "+86 10 5555 0100",
        "notifier_address": "12 Harbour Road, Tianjin",
        "notifier_country": "China",
        "capacity": Complaint.Capacity.RIGHTS_HOLDER,
        "work_description": "My photograph of the conference hall in Astana, taken on 7 September 2013.",
        "original_location": "https://lens-agency.test/photos/astana-hall",
        "original_published_on": "2013-09-08",
        "first_publication_proof": "Our archive page carries the original upload date.",
        "explanation": "The picture was copied without permission and without credit.",
        "remedy": Complaint.Remedy.CREDIT,
        "statement_good_faith": True,
        "statement_accuracy": True,
        "statement_fair_use": True,
        "signature": "Wang Fang",
    }
    values.update(overrides)
    return Complaint(**values)


def article_target(article: Article, line: int = 1) -> ResolvedURL:
    return ResolvedURL(
        line=line,
        url=f"http://testserver{article.get_absolute_url()}",
        kind="article",
        key=f"article:{article.pk}",
        article=article,
    )


def file_complaint(*articles: Article, **overrides) -> Complaint:
    """A complaint filed through the real intake method (unverified), about the given articles."""
    articles = articles or (ArticleFactory(),)
    return complaint_file(
        complaint=notice(**overrides), targets=[article_target(a, n) for n, a in enumerate(articles, start=1)]
    )


def link_from_outbox(kind: str, complaint: Complaint | None = None) -> str:
    """The private link in the newest stored message of `kind` (as the notifier would click it)."""
    messages = OutboundMessage.objects.filter(kind=kind)
    if complaint is not None:
        messages = messages.filter(object_id=str(complaint.pk))
    return re.search(r"https?://\S+/copyright/\S+", messages.latest("pk").body)[0]


def path_of(url: str) -> str:
    """The part of an absolute link the test client requests."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def received_complaint(*articles: Article, **overrides) -> tuple[Complaint, str]:
    """A filed and confirmed complaint and its tracking token."""
    complaint = file_complaint(*articles, **overrides)
    return complaint, moves.complaint_verify(complaint=complaint)


def parse(html: str | bytes) -> Node:
    from html.parser import HTMLParser

    root = Node("#document", {})

    class _Builder(HTMLParser):
        current = root

        def handle_starttag(self, tag, attrs):
            node = Node(tag, {k: (v if v is not None else "") for k, v in attrs}, self.current)
            self.current.children.append(node)
            self.current.parts.append(node)
            if tag not in Node.VOID:
                self.current = node

        def handle_startendtag(self, tag, attrs):
            self.handle_starttag(tag, attrs)
            if tag not in Node.VOID:
                self.current = self.current.parent

        def handle_endtag(self, tag):
            node = self.current
            while node is not root and node.tag != tag:
                node = node.parent
            if node is not root:
                self.current = node.parent

        def handle_data(self, data):
            self.current.parts.append(data)

    builder = _Builder(convert_charrefs=True)
    builder.feed(html.decode() if isinstance(html, bytes) else html)
    builder.close()
    return root


FORM_URL = "/copyright/notices/new/"


INTAKE_FIELDS = [
    # DESIGN.md section 5, "Intake"
    "notifier_name",
    "notifier_organisation",
    "notifier_email",
    "notifier_phone",
    "notifier_address",
    "notifier_country",
    "capacity",
    "on_behalf_of",
    "work_description",
    "original_location",
    "original_published_on",
    "first_publication_proof",
    "urls",
    "explanation",
    "evidence",
    "remedy",
    "statement_good_faith",
    "statement_accuracy",
    "statement_fair_use",
    "signature",
]


def form_data(urls: str, **overrides) -> dict:
    data = {
        "notifier_name": "Wang Fang",
        "notifier_organisation": "Lens Agency",
        "notifier_email": "rights@lens-agency.test",
        "notifier_phone": "+86 10 5555 0100",
        "notifier_address": "12 Harbour Road, Tianjin",
        "notifier_country": "China",
        "capacity": "rights_holder",
        "on_behalf_of": "",
        "regime": "prc",
        "work_description": "My photograph of the conference hall in Astana.",
        "original_location": "https://lens-agency.test/photos/astana-hall",
        "original_published_on": "2013-09-08",
        "first_publication_proof": "Our archive page carries the upload date.",
        "urls": urls,
        "explanation": "The picture was copied without permission.",
        "remedy": "remove",
        "statement_good_faith": "on",
        "statement_accuracy": "on",
        "statement_fair_use": "on",
        "signature": "Wang Fang",
        "website": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def article_url(article) -> str:
    return f"http://testserver{article.get_absolute_url()}"


Outcome = ComplaintItem.Outcome


Kind = Measure.Kind


def officer(username: str = "wang") -> object:
    return UserFactory(username=username, first_name=username.title(), roles=["Copyright officer"])


def image_target(image, line: int = 1) -> ResolvedURL:
    return ResolvedURL(
        line=line, url=f"http://testserver{image.file.url}", kind="image", key=f"image:{image.pk}", image=image
    )


def passage_target(article: Article, passage: str, line: int = 1) -> ResolvedURL:
    return ResolvedURL(
        line=line,
        url=f"http://testserver{article.get_absolute_url()}",
        kind="passage",
        key=f"passage:{article.pk}:{abs(hash(passage))}",
        article=article,
        passage=passage,
    )


def received(*targets, **overrides) -> tuple[Complaint, str]:
    """A confirmed complaint about `targets` (articles, images or ResolvedURLs) and its tracking token."""
    resolved = []
    for line, target in enumerate(targets or [ArticleFactory()], start=1):
        if isinstance(target, Article):
            resolved.append(article_target(target, line))
        elif isinstance(target, ResolvedURL):
            resolved.append(target)
        else:
            resolved.append(image_target(target, line))
    complaint = complaint_file(complaint=notice(**overrides), targets=resolved)
    token = moves.complaint_verify(complaint=complaint)
    return complaint, token


def uphold(complaint: Complaint, by, kind: str = Kind.WITHHOLD_ARTICLE, **extra) -> Complaint:
    decisions = [
        ItemDecision(item=item.pk, outcome=Outcome.UPHELD, measure=kind, **extra) for item in complaint.items.all()
    ]
    return moves.complaint_decide(
        complaint=complaint, by=by, decisions=decisions, reasons="The photograph is theirs and was used unlicensed."
    )


def reject(complaint: Complaint, by, *, manifestly_unfounded: bool = False) -> Complaint:
    decisions = [ItemDecision(item=item.pk, outcome=Outcome.REJECTED) for item in complaint.items.all()]
    return moves.complaint_decide(
        complaint=complaint,
        by=by,
        decisions=decisions,
        reasons="Our picture was published years before theirs.",
        manifestly_unfounded=manifestly_unfounded,
    )


def messages_to(email: str, kind: str) -> list[OutboundMessage]:
    return list(OutboundMessage.objects.filter(to=email, kind=kind).order_by("pk"))


EDITOR_EMAIL = "su.suiyue@newsroom.test"


def answer_link(email: str = EDITOR_EMAIL) -> tuple[str, str]:
    """The path and token of the private link in the newest statement of reasons sent to `email`."""
    body = OutboundMessage.objects.filter(to=email, kind="statement_of_reasons").latest("pk").body
    url = re.search(r"https?://\S+/answer/\?token=\S+", body)[0]
    parts = urlsplit(url)
    return parts.path, parse_qs(parts.query)["token"][0]


def article_fields(article: Article) -> dict:
    article.refresh_from_db()
    return {
        "title": article.title,
        "slug": article.slug,
        "dek": article.dek,
        "body": article.body,
        "status": article.status,
        "published_at": article.published_at,
        "first_published_at": article.first_published_at,
        "section": article.section_id,
        "hero_image": article.hero_image_id,
        "editor": article.editor_id,
        "responsible_editor": article.responsible_editor_id,
        "tags": sorted(article.tags.names()),
        "inline_images": sorted(article.inline_images.values_list("pk", flat=True)),
        "featured": article.featured,
    }


def unfounded(email="rights@lens-agency.test", organisation=LENS, **kwargs) -> Complaint:
    complaint, _ = received(ArticleFactory(), notifier_email=email, notifier_organisation=organisation, **kwargs)
    return reject(complaint, officer(), manifestly_unfounded=True)


def at_once(*actions):
    """Run each action in its own thread and database connection, all starting together."""
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            outcomes[index] = action()
        except Exception as error:  # collected, asserted by the test
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


# A notifier whose every detail must stay off the public report.
SECRET_NAME = "Quillon Marchbank"


SECRET_EMAIL = "quillon.marchbank@private-notifier.test"


SECRET_ORGANISATION = "Marchbank Picture Holdings"


SECRET_PHONE = "+44 20 7946 0321"


SECRET_ADDRESS = "77 Lantern Yard, Fernhollow"


def local(*args) -> datetime:
    """An aware datetime in the site's time zone (settings.TIME_ZONE), as the report counts."""
    return timezone.make_aware(datetime(*args))


@contextmanager
def at(moment: datetime):
    """Make rows whose dates are stamped by the database layer (auto_now_add) at `moment`."""
    with time_machine.travel(moment, tick=False):
        yield


def complaint(
    *,
    regime: str = Complaint.Regime.US,
    received_at: datetime,
    decided_at: datetime | None = None,
    outcomes: tuple[str, ...] = (ComplaintItem.Outcome.PENDING,),
    status: str | None = None,
    reasons: str = "The photograph is the notifier's and was used without a licence.",
    articles=None,
    **notifier,
) -> Complaint:
    """A confirmed complaint received at `received_at`, one item per outcome (each about its own article)."""
    number = next(numbers)
    if status is None:
        if decided_at is None:
            status = S.RECEIVED
        elif all(o == ComplaintItem.Outcome.UPHELD for o in outcomes):
            status = S.UPHELD
        elif any(o == ComplaintItem.Outcome.UPHELD for o in outcomes):
            status = S.PARTLY_UPHELD
        else:
            status = S.REJECTED
    values = {
        "notifier_name": "Ada Brightwater",
        "notifier_organisation": "Brightwater Images",
        "notifier_email": f"ada{number}@brightwater.test",
        "notifier_phone": "+1 555 0100",
        "notifier_address": "1 Main Street, Springfield",
        "notifier_country": "United States",
        "capacity": Complaint.Capacity.RIGHTS_HOLDER,
        "work_description": "A photograph of the harbour at dawn, taken in 2019.",
        "original_location": "https://brightwater.test/harbour-dawn",
        "original_published_on": "2019-05-01",
        "first_publication_proof": "The upload date on our archive page.",
        "explanation": "Our photograph appears in the article without a licence.",
        "remedy": Complaint.Remedy.REMOVE,
        **notifier,
    }
    with at(received_at - timedelta(minutes=10)):
        record = Complaint.objects.create(
            **values,
            statement_good_faith=True,
            statement_accuracy=True,
            statement_fair_use=True,
            signature=values["notifier_name"],
            regime=regime,
            status=status,
            reference=f"CN-{received_at.year}-{number:06d}",
            verification_token_hash=hash_token(f"verify-{number}"),
            tracking_token_hash=hash_token(f"track-{number}"),
            received_at=received_at,
            decided_at=decided_at,
            decision_reasons=reasons if decided_at else "",
            closed_at=decided_at if status in {S.WITHDRAWN, S.CLOSED_MISUSE, S.CLOSED_INCOMPLETE} else None,
        )
    articles = list(articles or [ArticleFactory() for _ in outcomes])
    for position, (outcome, article) in enumerate(zip(outcomes, articles, strict=True), start=1):
        ComplaintItem.objects.create(
            complaint=record,
            position=position,
            url=f"http://testserver{article.get_absolute_url()}",
            kind=ComplaintItem.Kind.ARTICLE,
            article=article,
            target_key=f"article:{article.pk}",
            notifier_key=record.notifier_email_key,
            is_open=status not in {S.WITHDRAWN, S.CLOSED_MISUSE, S.CLOSED_INCOMPLETE, S.CLOSED, S.EXPIRED},
            outcome=outcome,
            reasons=reasons if outcome != ComplaintItem.Outcome.PENDING else "",
            decided_at=decided_at if outcome != ComplaintItem.Outcome.PENDING else None,
        )
    return record


def measure(
    item: ComplaintItem,
    kind: str,
    *,
    applied_at: datetime,
    reversed_at: datetime | None = None,
    reason: str = Measure.Reversal.COUNTER_NOTICE,
) -> Measure:
    return Measure.objects.create(
        item=item,
        kind=kind,
        applied_at=applied_at,
        reversed_at=reversed_at,
        reversal_reason=reason if reversed_at else "",
    )
