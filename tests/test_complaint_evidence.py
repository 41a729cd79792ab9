"""Issue 5, point 4: evidence files are checked by content, limited in size and number, stored privately,
and a refused file is a clear error that keeps everything else the person typed."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from editorial.copyright.evidence import sniff_evidence
from editorial.models import Complaint, Evidence
from tests.copyright_helpers import FORM_URL, article_url, form_data, parse
from tests.factories import ArticleFactory, image_bytes

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TEXT = b"Archive record: first published on 8 September 2013, issue 37, page 4.\n"


def gif_bytes() -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (20, 20), (200, 30, 30)).save(out, format="GIF")
    return out.getvalue()


ACCEPTED = [
    ("contract.pdf", PDF, "application/pdf"),
    ("original.png", image_bytes("PNG", size=(60, 40)), "image/png"),
    ("original.jpg", image_bytes("JPEG", size=(60, 40)), "image/jpeg"),
    ("original.webp", image_bytes("WEBP", size=(60, 40)), "image/webp"),
    ("notes.txt", TEXT, "text/plain"),
    # The name says nothing: a PNG called .txt is a PNG.
    ("misnamed.txt", image_bytes("PNG", size=(30, 30)), "image/png"),
]

REFUSED = [
    ("program.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00", "a program named .pdf"),
    ("animation.png", gif_bytes(), "a GIF named .png"),
    ("broken.png", image_bytes("PNG", size=(60, 40))[:60], "a truncated PNG"),
    ("latin1.txt", "Caf\xe9 cr\xe8me".encode("latin-1"), "text that is not UTF-8"),
    ("nul.txt", b"plain words\x00hidden", "text with a NUL byte"),
    ("archive.zip", b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "a zip archive"),
]


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize("name, content, expected", ACCEPTED)
def test_accepted_files_are_recognised_by_their_content(name, content, expected):
    assert sniff_evidence(content) == expected


@pytest.mark.parametrize("name, content, what", REFUSED)
def test_other_files_are_refused_whatever_their_name(name, content, what):
    assert sniff_evidence(content) is None, what


def test_accepted_evidence_is_stored_privately_and_never_under_a_public_url(client, settings):
    article = ArticleFactory()
    files = [upload(name, content) for name, content, _ in ACCEPTED[:5]]
    response = client.post(FORM_URL, {**form_data(article_url(article)), "evidence": files})
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    stored = list(complaint.evidence.order_by("pk"))
    assert [e.content_type for e in stored] == [t for _, _, t in ACCEPTED[:5]]
    assert [e.original_name for e in stored] == [n for n, _, _ in ACCEPTED[:5]]
    for evidence, (_, content, _) in zip(stored, ACCEPTED, strict=False):
        path = Path(evidence.file.path)
        assert path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))
        assert not path.is_relative_to(Path(settings.MEDIA_ROOT))
        assert path.read_bytes() == content  # kept exactly as sent: metadata may be evidence
        with pytest.raises(ValueError):
            evidence.file.url  # noqa: B018  (private storage has no URL at all)
        assert client.get(f"/media/{evidence.file.name}").status_code == 404
        assert evidence.original_name not in evidence.file.name  # stored under a random name


def test_a_refused_file_is_a_clear_error_and_keeps_everything_typed(client, settings):
    article = ArticleFactory()
    data = form_data(article_url(article))
    files = [upload("scan.pdf", PDF), upload("program.pdf", REFUSED[0][1])]
    response = client.post(FORM_URL, {**data, "evidence": files})
    assert response.status_code == 200
    soup = parse(response.content)
    field = soup.find("input", name="evidence")
    error = soup.find(id=f"{field['id']}_error").text()
    assert "“program.pdf” is not a PDF, PNG, JPEG, WebP or plain text file" in error
    assert "scan.pdf" not in error
    assert soup.find("input", name="notifier_email")["value"] == data["notifier_email"]
    assert soup.find("textarea", name="urls").text().strip() == data["urls"]
    assert soup.find("textarea", name="explanation").text().strip() == data["explanation"]
    assert "please choose your evidence files again" in response.content.decode()
    assert not Complaint.objects.exists() and not Evidence.objects.exists()
    private_root = Path(settings.PRIVATE_MEDIA_ROOT)
    assert not private_root.exists() or not any(p.is_file() for p in private_root.rglob("*"))


def test_a_file_over_the_size_limit_is_refused(client, settings):
    settings.COMPLAINT_EVIDENCE_MAX_BYTES = 1024 * 1024
    big = upload("scan.pdf", PDF + b"0" * (1024 * 1024))
    response = client.post(FORM_URL, {**form_data(article_url(ArticleFactory())), "evidence": [big]})
    assert "“scan.pdf” is 1.0 MB; each file may be at most 1 MB." in response.content.decode()
    assert not Complaint.objects.exists()


def test_too_many_files_are_refused(client, settings):
    settings.COMPLAINT_EVIDENCE_MAX_FILES = 2
    files = [upload(f"note-{i}.txt", TEXT) for i in range(3)]
    response = client.post(FORM_URL, {**form_data(article_url(ArticleFactory())), "evidence": files})
    assert "You can attach at most 2 files; you chose 3." in response.content.decode()
    assert not Complaint.objects.exists()


def test_an_empty_file_is_refused(client):
    response = client.post(
        FORM_URL, {**form_data(article_url(ArticleFactory())), "evidence": [upload("empty.txt", b"")]}
    )
    assert response.status_code == 200
    assert not Complaint.objects.exists()
