"""The complaint screens of the back office: officers read a complaint's whole file (evidence downloaded
privately), the chief editor oversees it read-only, other roles see nothing, and nobody deletes it."""

import pytest
from django.contrib.auth.models import Group

from editorial.copyright import moves
from editorial.copyright.evidence import CheckedFile
from editorial.copyright.states import ComplaintStatus as S
from editorial.models import Complaint
from tests.copyright_helpers import received_complaint
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EVIDENCE = b"%PDF-1.4\n% licence agreement, page 1\n%%EOF\n"


@pytest.fixture
def complaint():
    complaint, _ = received_complaint()
    moves.complaint_add_information(
        complaint=complaint,
        text="Our licence terms are attached.",
        evidence=[CheckedFile(name="licence <terms>.pdf", content=EVIDENCE, content_type="application/pdf")],
    )
    return complaint


def login(client, role: str):
    user = UserFactory(username=role.lower().replace(" ", "-"), roles=[role])
    client.force_login(user)
    return user


def evidence_url(complaint) -> str:
    evidence = complaint.evidence.get()
    return f"/admin/editorial/complaint/{complaint.pk}/evidence/{evidence.pk}/"


def test_the_roles_hold_the_complaint_permissions_they_need_and_no_more():
    def perms(role):
        return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))

    officer, chief = perms("Copyright officer"), perms("Chief editor")
    assert {"view_complaint", "change_complaint", "decide_complaint", "view_evidence"} <= officer
    assert {"view_complaint", "view_evidence", "view_contactinquiry", "change_contactinquiry"} <= chief
    assert "decide_complaint" not in chief and "change_complaint" not in chief
    for role in ["Copyright officer", "Chief editor"]:
        assert not {p for p in perms(role) if p.startswith("delete_") and "complaint" in p}
    for role in ["Editor", "Responsible editor"]:
        assert not {p for p in perms(role) if "complaint" in p or "evidence" in p}


def test_an_officer_reads_the_whole_file_of_a_complaint(client, complaint):
    login(client, "Copyright officer")
    changelist = client.get("/admin/editorial/complaint/", {"status__exact": "received"})
    assert changelist.status_code == 200 and complaint.reference in changelist.content.decode()
    html = client.get(f"/admin/editorial/complaint/{complaint.pk}/change/").content.decode()
    assert complaint.notifier_email in html
    assert complaint.items.get().url in html
    assert "Our licence terms are attached." in html
    assert "licence &lt;terms&gt;.pdf" in html  # names are escaped
    assert "complaint.verify" in html and "complaint.information_added" in html  # the audit trail
    assert evidence_url(complaint) in html


def test_evidence_is_downloaded_privately_never_rendered(client, complaint):
    login(client, "Copyright officer")
    response = client.get(evidence_url(complaint))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == EVIDENCE
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("role", ["Editor", "Responsible editor"])
def test_other_roles_see_neither_complaints_nor_evidence(client, complaint, role):
    login(client, role)
    assert client.get("/admin/editorial/complaint/").status_code == 403
    assert client.get(evidence_url(complaint)).status_code == 403


def test_the_chief_editor_oversees_read_only(client, complaint):
    login(client, "Chief editor")
    assert client.get(evidence_url(complaint)).status_code == 200
    response = client.post(f"/admin/editorial/complaint/{complaint.pk}/change/", {"regime": "us"})
    assert response.status_code == 403
    complaint.refresh_from_db()
    assert complaint.regime == Complaint.Regime.GENERAL


def test_an_officer_may_assign_and_correct_the_regime_but_never_set_the_status(client, complaint):
    officer = login(client, "Copyright officer")
    response = client.post(
        f"/admin/editorial/complaint/{complaint.pk}/change/",
        {
            "regime": "us",
            "assignee": officer.pk,
            "decision_due_at_0": "2026-12-01",
            "decision_due_at_1": "10:00:00",
            "status": S.UPHELD,
            "reference": "CN-1999-000001",
            **{
                f"{prefix}-{key}": value
                for prefix in ("items", "evidence", "replies")
                for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
            },
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    complaint.refresh_from_db()
    assert (complaint.regime, complaint.assignee) == ("us", officer)
    assert (complaint.status, complaint.reference) == (S.RECEIVED, complaint.reference)


def test_nobody_deletes_a_complaint_from_the_admin(admin_client, complaint):
    assert admin_client.get(f"/admin/editorial/complaint/{complaint.pk}/delete/").status_code == 403
    assert admin_client.get("/admin/editorial/complaint/add/").status_code == 403
    assert Complaint.objects.filter(pk=complaint.pk).exists()


@pytest.mark.parametrize(
    "path",
    [
        "editorial/complaint",
        "editorial/complaintitem",
        "editorial/evidence",
        "editorial/measure",
        "editorial/affectedparty",
        "editorial/counternotice",
        "editorial/appeal",
        "editorial/notifiersanction",
        "editorial/contactinquiry",
    ],
)
def test_every_complaint_screen_renders_for_a_superuser(admin_client, complaint, path):
    assert admin_client.get(f"/admin/{path}/").status_code == 200
    assert admin_client.get(f"/admin/{path}/", {"q": "lens"}).status_code == 200
