"""Issue 12, point 3: anonymous visitors cannot fill the disk.

One request's files, one unconfirmed complaint, all unconfirmed complaints together and one complaint in all
have bounds; files are checked, hashed and stored in chunks, never read whole; and an unconfirmed complaint
that expires loses its files but keeps the record of what was sent.
"""

import datetime as dt
import hashlib
import tracemalloc
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from editorial.copyright import moves
from editorial.copyright.evidence import EvidenceField
from editorial.copyright.states import ComplaintStatus as S
from editorial.models import AuditEvent, Complaint, Evidence
from editorial.tasks import expire_unverified_complaints
from tests.copyright_helpers import FORM_URL, article_url, form_data, parse
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def text_file(name: str, size: int) -> SimpleUploadedFile:
    """Plain text evidence of exactly `size` bytes: accepted by the content checks."""
    return SimpleUploadedFile(name, (b"archive record line\n" * (size // 20 + 1))[:size], content_type="text/plain")


def bytes_on_disk(root) -> int:
    root = Path(root)
    return sum(path.stat().st_size for path in root.rglob("*") if path.is_file()) if root.exists() else 0


def evidence_error(response) -> str:
    soup = parse(response.content)
    field = soup.find("input", name="evidence")
    return soup.find(id=f"{field['id']}_error").text()


def test_the_hostile_upload_stores_nothing_and_what_may_be_stored_is_gone_after_expiry(
    client, settings, django_capture_on_commit_callbacks
):
    """The issue's attack with the shipped defaults: ten 10 MB files in one anonymous POST."""
    settings.COMPLAINT_UNVERIFIED_EXPIRY_HOURS = 72
    private = settings.PRIVATE_MEDIA_ROOT
    data = form_data(article_url(ArticleFactory()))
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(minutes=1)  # after the article's date
    with time_machine.travel(start, tick=False):
        hostile = [text_file(f"scan-{n}.txt", 10 * MB) for n in range(10)]
        response = client.post(FORM_URL, {**data, "evidence": hostile})
        assert response.status_code == 413
        assert "none of them was received" in evidence_error(response)
        assert parse(response.content).find("input", name="notifier_email")["value"] == data["notifier_email"]
        assert not Complaint.objects.exists()
        assert bytes_on_disk(private) == 0

        # Under the request's bound but over what an unconfirmed complaint may hold: refused, nothing stored.
        response = client.post(FORM_URL, {**data, "evidence": [text_file("a.txt", 6 * MB), text_file("b.txt", 6 * MB)]})
        assert response.status_code == 200
        assert "may total at most 10 MB; yours total 12 MB" in evidence_error(response)
        assert bytes_on_disk(private) == 0

        # The most an unconfirmed complaint may hold is stored...
        sent = text_file("scan.txt", 10 * MB)
        response = client.post(FORM_URL, {**data, "evidence": [sent]})
        assert response.status_code == 302
        assert bytes_on_disk(private) == 10 * MB

    # ...and deleted when it expires unconfirmed; the record of what was sent stays.
    with (
        time_machine.travel(start + dt.timedelta(hours=73), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert expire_unverified_complaints.enqueue().return_value == 1
    assert bytes_on_disk(private) == 0
    complaint = Complaint.objects.get()
    assert complaint.status == S.EXPIRED
    evidence = complaint.evidence.get()
    sent.seek(0)
    assert (evidence.original_name, evidence.size) == ("scan.txt", 10 * MB)
    assert evidence.sha256 == hashlib.sha256(sent.read()).hexdigest()
    assert evidence.purged_at == start + dt.timedelta(hours=73)
    assert AuditEvent.objects.for_object(complaint).filter(action="complaint.expire").exists()


def test_files_left_behind_by_an_earlier_expiry_are_deleted_by_the_next_timer_run(settings):
    settings.COMPLAINT_UNVERIFIED_EXPIRY_HOURS = 1
    from tests.copyright_helpers import file_complaint

    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        complaint = file_complaint()
        Evidence.store(complaint=complaint, upload=_checked("note.txt", b"first published 2013"), added_by="notifier")
    with time_machine.travel(dt.datetime(2026, 3, 2, 11, 0, tzinfo=dt.UTC), tick=False):
        moves.complaint_expire(
            complaint=complaint
        )  # its purge runs after commit, which this test's transaction never reaches
    assert bytes_on_disk(settings.PRIVATE_MEDIA_ROOT) > 0
    moves.complaints_expire_unverified()
    assert bytes_on_disk(settings.PRIVATE_MEDIA_ROOT) == 0
    assert Evidence.objects.get().purged_at is not None


def _checked(name: str, content: bytes):
    from editorial.copyright.evidence import CheckedFile

    return CheckedFile(name=name, content=content, content_type="text/plain")


def test_all_unconfirmed_complaints_together_have_a_bound(client, settings):
    settings.COMPLAINT_EVIDENCE_UNCONFIRMED_SITE_MAX_BYTES = 3 * MB
    first = form_data(article_url(ArticleFactory()), notifier_email="a@one.test")
    assert client.post(FORM_URL, {**first, "evidence": [text_file("a.txt", 2 * MB)]}).status_code == 302
    second = form_data(article_url(ArticleFactory()), notifier_email="b@two.test")
    response = client.post(FORM_URL, {**second, "evidence": [text_file("b.txt", 2 * MB)]})
    assert response.status_code == 200
    assert "We cannot take files with unconfirmed complaints just now" in evidence_error(response)
    # Without files the complaint goes through: its evidence can follow once the email is confirmed.
    assert client.post(FORM_URL, second).status_code == 302
    assert bytes_on_disk(settings.PRIVATE_MEDIA_ROOT) == 2 * MB


def test_evidence_added_later_is_bounded_per_complaint(client, settings):
    from tests.copyright_helpers import received_complaint

    settings.COMPLAINT_EVIDENCE_COMPLAINT_MAX_BYTES = 3 * MB
    complaint, token = received_complaint()
    url = f"{complaint.get_absolute_url()}information/"
    first = client.post(url, {"token": token, "text": "Scans", "evidence": [text_file("a.txt", 2 * MB)]})
    assert first.status_code == 302
    second = client.post(url, {"token": token, "text": "More", "evidence": [text_file("b.txt", 2 * MB)]})
    assert second.status_code == 409
    assert "This one holds 2 MB already, so 1 MB more can be added" in second.content.decode()
    assert complaint.evidence.count() == 1 and complaint.replies.count() == 1
    assert bytes_on_disk(settings.PRIVATE_MEDIA_ROOT) == 2 * MB


def test_files_over_the_request_bound_on_the_tracking_page_are_refused_and_the_message_kept(client, settings):
    from tests.copyright_helpers import received_complaint

    settings.COMPLAINT_UPLOAD_MAX_REQUEST_BYTES = 1 * MB
    complaint, token = received_complaint()
    url = f"{complaint.get_absolute_url()}information/"
    response = client.post(url, {"token": token, "text": "My scans", "evidence": [text_file("a.txt", 2 * MB)]})
    assert response.status_code == 413
    assert "more than 1 MB, more than we take at once" in response.content.decode()
    assert "My scans" in response.content.decode()
    assert not complaint.evidence.exists() and bytes_on_disk(settings.PRIVATE_MEDIA_ROOT) == 0


def test_the_form_states_the_limits_in_force(client, settings):
    settings.COMPLAINT_EVIDENCE_MAX_FILES = 4
    settings.COMPLAINT_EVIDENCE_MAX_BYTES = 3 * MB
    settings.COMPLAINT_EVIDENCE_UNCONFIRMED_MAX_BYTES = 5 * MB
    settings.COMPLAINT_EVIDENCE_COMPLAINT_MAX_BYTES = 40 * MB
    html = client.get(FORM_URL).content.decode()
    assert "up to 4 files of 3 MB each, 5 MB in all until you confirm your email" in html
    assert "up to 40 MB in all" in html


def test_files_are_checked_hashed_and_stored_without_being_read_whole(settings):
    """A 10 MB upload spooled to disk, as Django spools any upload over FILE_UPLOAD_MAX_MEMORY_SIZE."""
    from tests.copyright_helpers import file_complaint

    upload = TemporaryUploadedFile("scan.txt", "text/plain", 10 * MB, "utf-8")
    line = b"archive record line\n"
    for _ in range(10 * MB // len(line)):
        upload.write(line)
    upload.write(b"x" * (10 * MB - upload.tell()))
    upload.seek(0)
    tracemalloc.start()
    try:
        [checked] = EvidenceField().clean([upload])
        peak_checking = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        evidence = Evidence.store(complaint=file_complaint(), upload=checked, added_by="notifier")
        peak_storing = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak_checking < 2 * MB and peak_storing < 2 * MB
    assert evidence.size == 10 * MB
    assert Path(evidence.file.path).stat().st_size == 10 * MB
