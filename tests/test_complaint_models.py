"""Complaint builders shared by the complaint tests, and the invariants the database itself keeps."""

import re
from urllib.parse import urlsplit

import pytest
from django.db import IntegrityError, transaction

from articles.models import Article
from editorial.copyright import moves
from editorial.copyright.identity import hash_token
from editorial.copyright.intake import ResolvedURL, complaint_file
from editorial.copyright.states import TERMINAL_STATES, TRANSITIONS
from editorial.copyright.states import ComplaintStatus as S
from editorial.models import Complaint, ComplaintItem, OutboundMessage
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

NOTIFIER_EMAIL = "rights@lens-agency.test"


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


# --- the state table ----------------------------------------------------------------------------------------


def test_the_state_table_lists_every_state_and_only_known_states():
    assert set(TRANSITIONS) == set(S.values)
    for source, targets in TRANSITIONS.items():
        assert set(targets) <= set(S.values), source
        for target, move in targets.items():
            assert move.by, f"{source} -> {target} says nobody may make it"


def test_terminal_states_are_the_ends_of_the_process():
    assert {S.EXPIRED, S.WITHDRAWN, S.CLOSED, S.CLOSED_INCOMPLETE, S.CLOSED_MISUSE} == TERMINAL_STATES


def test_every_state_can_be_reached_from_unverified():
    reached, frontier = {S.UNVERIFIED}, [S.UNVERIFIED]
    while frontier:
        for target in TRANSITIONS[frontier.pop()]:
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(S.values)


# --- database invariants ------------------------------------------------------------------------------------


def test_a_complaint_without_its_statements_or_signature_is_refused_by_the_database():
    article = ArticleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        file_complaint(article, statement_fair_use=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        file_complaint(article, signature="")
    assert not Complaint.objects.exists()


def test_an_agent_must_name_the_rights_holder_in_the_database_too():
    with pytest.raises(IntegrityError), transaction.atomic():
        file_complaint(capacity=Complaint.Capacity.AGENT, on_behalf_of="")


def test_the_database_refuses_a_second_open_complaint_by_the_same_notifier_about_the_same_article():
    article = ArticleFactory()
    first = file_complaint(article)
    duplicate = ComplaintItem(
        complaint=file_complaint(ArticleFactory()),
        position=2,
        url="http://testserver/x/",
        kind="article",
        article=article,
        target_key=f"article:{article.pk}",
        notifier_email=NOTIFIER_EMAIL,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    # Once the first is no longer open, the same notifier may complain about it again.
    moves.complaint_expire(complaint=first)
    duplicate.save()
    assert ComplaintItem.objects.filter(target_key=f"article:{article.pk}", is_open=True).count() == 1


def test_a_reference_exists_exactly_once_the_email_is_confirmed():
    complaint = file_complaint()
    assert complaint.reference is None
    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.filter(pk=complaint.pk).update(reference="CN-2026-999999")
    moves.complaint_verify(complaint=complaint)
    assert re.fullmatch(r"CN-\d{4}-\d{6}", complaint.reference)


def test_references_are_unique_in_the_database():
    first, _ = received_complaint()
    second, _ = received_complaint(notifier_email="other@lens-agency.test")
    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.filter(pk=second.pk).update(reference=first.reference)


def test_notifier_email_is_stored_in_lower_case_so_duplicates_are_caught_whatever_the_case():
    complaint = file_complaint(notifier_email="Rights@Lens-Agency.TEST")
    assert complaint.notifier_email == NOTIFIER_EMAIL
    assert complaint.items.get().notifier_email == NOTIFIER_EMAIL


def test_tokens_are_stored_only_as_their_hash():
    complaint, token = received_complaint()
    stored = Complaint.objects.filter(pk=complaint.pk).values().get()
    assert token not in {str(v) for v in stored.values()}
    assert stored["tracking_token_hash"] == hash_token(token)


# --- reading pages in tests (no HTML library in the test stack) ---------------------------------------------


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

    def find_all(self, tag: str | None = None, **attrs) -> list["Node"]:
        attrs = {k.rstrip("_"): v for k, v in attrs.items()}
        return [
            node
            for node in self.iter()
            if (tag is None or node.tag == tag) and all(node.attrs.get(k) == v for k, v in attrs.items())
        ]

    def find(self, tag: str | None = None, **attrs) -> "Node | None":
        found = self.find_all(tag, **attrs)
        return found[0] if found else None


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
