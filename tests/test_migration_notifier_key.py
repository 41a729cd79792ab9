"""Migration 0012 (complaint items keyed by the notifier's mailbox) on data filed before it, both ways.

Two open complaints about one article, filed under two spellings of one mailbox before the check existed,
both stay open after the migration, whichever spelling came first; going back restores the addresses.
"""

import secrets

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.copyright_helpers import notice

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("editorial", "0011_editing_presence")]
AFTER = [("editorial", "0012_complaint_items_notifier_key")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def file_item(apps, email: str, *, target: str = "article:1", is_open: bool = True):
    from editorial.copyright.identity import notifier_identity

    Complaint = apps.get_model("editorial", "Complaint")
    ComplaintItem = apps.get_model("editorial", "ComplaintItem")
    answers = notice(notifier_email=email)  # every required answer, as the form takes them
    historical = {f.attname for f in Complaint._meta.concrete_fields if not f.primary_key}
    values = {f.attname: getattr(answers, f.attname) for f in answers._meta.concrete_fields if f.attname in historical}
    values.update(notifier_email_key=notifier_identity(email=email).email, verification_token_hash=secrets.token_hex())
    complaint = Complaint.objects.create(**values)
    return ComplaintItem.objects.create(
        complaint=complaint,
        position=1,
        url="https://news.example/a/",
        kind="article",
        target_key=target,
        notifier_email=email,
        is_open=is_open,
    )


@pytest.mark.parametrize(
    "first, second",
    [
        ("rights+2@lens-agency.test", "rights@lens-agency.test"),
        ("rights@lens-agency.test", "rights+2@lens-agency.test"),
    ],
)
def test_two_spellings_filed_before_both_stay_open_and_going_back_restores_the_addresses(first, second):
    old = migrate(BEFORE)
    a, b = file_item(old, first), file_item(old, second)
    closed = file_item(old, "rights+3@lens-agency.test", is_open=False)

    new = migrate(AFTER)
    Item = new.get_model("editorial", "ComplaintItem")
    keys = dict(Item.objects.values_list("pk", "notifier_key"))
    plain = a if first == "rights@lens-agency.test" else b
    assert keys[plain.pk] == "rights@lens-agency.test"  # the item filed under the key's own spelling keeps it
    assert keys[a.pk] != keys[b.pk]  # and the other one of its own, so the constraint holds
    assert keys[closed.pk] == "rights@lens-agency.test"  # a closed item shares the key freely

    back = migrate(BEFORE)
    Item = back.get_model("editorial", "ComplaintItem")
    assert dict(Item.objects.values_list("pk", "notifier_email")) == {
        a.pk: first,
        b.pk: second,
        closed.pk: "rights+3@lens-agency.test",
    }
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
