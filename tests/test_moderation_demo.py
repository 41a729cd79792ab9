"""The demo complaints (`make run`): one in each state an officer meets, made through the real moves,
idempotent, and never mailed (their addresses are on domains reserved for examples)."""

import pytest

from articles.models import Article
from editorial.copyright.states import ComplaintStatus as S
from editorial.demo import DemoReport
from editorial.demo.complaints import COMPLAINTS, OFFICER_USERNAME, load_demo_complaints
from editorial.models import Complaint, Measure, OutboundMessage
from editorial.outbox import is_reserved_address
from tests.factories import ArticleFactory, EditorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_articles():
    editor = EditorFactory(display_name="Su Suiyue", email="su.suiyue@masthead.invalid")
    return {
        slug: ArticleFactory(slug=slug, title=slug.replace("-", " ").capitalize(), responsible_editor=editor)
        for slug in {c.article for c in COMPLAINTS}
    }


def test_the_demo_has_a_complaint_in_each_interesting_state_and_a_second_run_adds_nothing(
    demo_articles, mailoutbox, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    UserFactory(username=OFFICER_USERNAME, roles=["Copyright officer"])
    report = DemoReport()
    with django_capture_on_commit_callbacks(execute=True):
        load_demo_complaints(report)
    states = set(Complaint.objects.values_list("status", flat=True))
    assert states >= {
        S.UNVERIFIED,
        S.RECEIVED,
        S.NEEDS_INFO,
        S.IN_REVIEW,
        S.UPHELD,
        S.PARTLY_UPHELD,
        S.REJECTED,
        S.RESTORE_PENDING,
        S.APPEALED,
        S.RESTORED,
        S.WITHDRAWN,
        S.CLOSED_INCOMPLETE,
    }
    assert report.created["complaints"] == len(COMPLAINTS)
    assert Article.objects.filter(status=Article.Status.WITHHELD).count() == 2
    assert Measure.objects.filter(kind=Measure.Kind.CORRECT, reversed_at=None).exists()
    # The complaints' people are on reserved domains: their messages are stored but never handed over. Only
    # the staff's notices (issue 15: a deliverable address) reach the mailer.
    others = OutboundMessage.objects.exclude(kind__startswith="notification_")
    assert others.exists()
    assert set(others.values_list("status", flat=True)) == {OutboundMessage.Status.GAVE_UP}
    notices = OutboundMessage.objects.filter(kind__startswith="notification_")
    assert {to for message in mailoutbox for to in message.to} == set(notices.values_list("to", flat=True))

    again = DemoReport()
    with django_assert_max_num_queries(1):
        load_demo_complaints(again)
    assert again.nothing_created


def test_without_an_officer_account_only_the_unconfirmed_complaint_is_made(demo_articles):
    load_demo_complaints(DemoReport())
    assert list(Complaint.objects.values_list("status", flat=True)) == [S.UNVERIFIED]


@pytest.mark.parametrize(
    ("address", "reserved"),
    [
        ("someone@rights-desk.invalid", True),
        ("rights@wire.example.org", True),
        ("Someone@Example.com", True),
        ("rights@lens-agency.test", False),
        ("person@example.company.com", False),
        ("editor@newsroom.cn", False),
    ],
)
def test_only_addresses_on_reserved_example_domains_are_left_unsent(address, reserved):
    assert is_reserved_address(address) is reserved
