"""Issue 15, point 2: the picture library the article editor's button opens (articles/library.py).

The browser test (tests/test_browser_pictures.py) places pictures through it; these check what the library
lists, who may use it, and that an upload from it is checked and stored like any other, without a browser.
"""

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import Image
from editorial.newsroom.roles import ROLE_COPYRIGHT_OFFICER, ROLE_EDITOR
from tests._workflow import make_person
from tests.factories import ImageFactory, image_bytes, image_upload

pytestmark = pytest.mark.django_db

LIBRARY = "/admin/articles/image/library/"
GPS_TAG = 0x8825


@pytest.fixture
def editor_client(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    client.force_login(make_person("he", ROLE_EDITOR).user)
    return client


def upload_data(**changes) -> dict:
    data = {
        "file": image_upload("harbour.jpg"),
        "alt_text": "The harbour crane at Piraeus unloading a ship",
        "credit": "Photo: Maria Papadopoulou",
        "licence": Image.Licence.AGENCY,
    }
    return {key: value for key, value in {**data, **changes}.items() if value is not None}


def chosen_ids(response) -> list[int]:
    """The pictures offered, in order, as the dialog's buttons name them."""
    html = response.content.decode()
    marker = 'data-picture-id="'
    return [int(part.split('"', 1)[0]) for part in html.split(marker)[1:]]


def test_the_library_offers_pictures_newest_first_without_removed_ones(editor_client):
    older = ImageFactory(alt_text="A freight train leaving Chongqing at dawn")
    newer = ImageFactory(alt_text="Containers stacked at the Duisburg terminal")
    ImageFactory(alt_text="A picture taken down", removed_at=timezone.now())
    older.make_renditions()
    response = editor_client.get(LIBRARY)
    assert response.status_code == 200
    assert chosen_ids(response) == [newer.pk, older.pk]
    html = response.content.decode()
    assert "A picture taken down" not in html
    small = min((r for r in older.renditions.all() if r.format == "jpeg"), key=lambda r: r.actual_width)
    assert small.file.url in html  # a small rendition, not the full file, once it exists
    assert newer.file.url in html  # the stored file while its renditions are still being made
    assert "2 pictures in the library, newest first" in html


def test_the_library_costs_the_same_queries_for_few_or_many_pictures(editor_client, django_assert_max_num_queries):
    for n in range(3):
        ImageFactory(alt_text=f"Picture {n}")
    with django_assert_max_num_queries(12) as few:
        editor_client.get(LIBRARY)
    for n in range(20):
        ImageFactory(alt_text=f"More {n}")
    with django_assert_max_num_queries(12) as many:
        editor_client.get(LIBRARY)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_library_is_searched_by_description_caption_and_credit(editor_client):
    terminal = ImageFactory(alt_text="Containers stacked at the Duisburg terminal", credit="Photo: Li Wei")
    train = ImageFactory(alt_text="A freight train at dawn", credit="Photo: Zhang Min")
    assert chosen_ids(editor_client.get(LIBRARY, {"q": "duisburg"})) == [terminal.pk]
    assert chosen_ids(editor_client.get(LIBRARY, {"q": "Zhang"})) == [train.pk]
    response = editor_client.get(LIBRARY, {"q": "nothing like this"})
    assert chosen_ids(response) == []
    assert "No picture matches" in response.content.decode()
    assert "0 pictures matching “nothing like this”" in response.content.decode()


def test_the_library_pages_by_24_and_a_page_out_of_range_shows_the_last(editor_client):
    pictures = [ImageFactory(alt_text=f"Picture {n}") for n in range(30)]
    first = editor_client.get(LIBRARY)
    assert len(chosen_ids(first)) == 24
    assert "Older pictures" in first.content.decode()
    second = editor_client.get(LIBRARY, {"page": 2})
    assert chosen_ids(second) == [p.pk for p in pictures[:6]][::-1]
    assert chosen_ids(editor_client.get(LIBRARY, {"page": "999"})) == chosen_ids(second)
    assert chosen_ids(editor_client.get(LIBRARY, {"page": "'; drop"})) == chosen_ids(first)


def test_a_picture_uploaded_from_the_library_is_stored_with_its_credit_and_cleaned(
    editor_client, django_capture_on_commit_callbacks
):
    exif = PILImage.Exif()
    exif[GPS_TAG] = {1: "N", 2: (39.0, 54.0, 0.0), 3: "E", 4: (116.0, 23.0, 0.0)}
    phone_picture = SimpleUploadedFile("gps.jpg", image_bytes("JPEG", exif=exif.tobytes()), content_type="image/jpeg")
    with PILImage.open(phone_picture) as sent:
        assert GPS_TAG in sent.getexif()  # the test file really carries a position
    phone_picture.seek(0)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(LIBRARY, upload_data(file=phone_picture))
    assert response.status_code == 201, response.context["form"].errors
    picture = Image.objects.get()
    assert (picture.alt_text, picture.credit, picture.licence) == (
        "The harbour crane at Piraeus unloading a ship",
        "Photo: Maria Papadopoulou",
        Image.Licence.AGENCY,
    )
    assert chosen_ids(response)[0] == picture.pk  # the dialog places this one
    assert "data-uploaded" in response.content.decode()
    assert picture.renditions.count() > 0  # made once the upload was committed
    with picture.file.open("rb") as stored, PILImage.open(stored) as decoded:
        assert GPS_TAG not in decoded.getexif()
    entry = LogEntry.objects.get()
    assert (entry.action_flag, entry.object_id) == (ADDITION, str(picture.pk))


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"credit": None}, "credit", "This field is required."),
        ({"alt_text": None}, "alt_text", "This field is required."),
        ({"file": None}, "file", "This field is required."),
        ({"licence": "stolen"}, "licence", "Select a valid choice. stolen is not one of the available choices."),
    ],
)
def test_an_upload_missing_what_readers_and_rights_holders_need_is_refused(editor_client, changes, field, message):
    response = editor_client.post(LIBRARY, upload_data(**changes))
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert "The picture was not uploaded" in response.content.decode()
    assert not Image.objects.exists()


def test_a_file_that_is_not_a_picture_is_refused_with_a_message(editor_client):
    fake = SimpleUploadedFile("notes.jpg", b"%PDF-1.4 not a picture", content_type="image/jpeg")
    response = editor_client.post(LIBRARY, upload_data(file=fake))
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert not Image.objects.exists()


def test_an_officer_may_look_but_not_upload_and_outsiders_may_not_look(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ImageFactory()
    client.force_login(make_person("wang", ROLE_COPYRIGHT_OFFICER).user)
    looked = client.get(LIBRARY)
    assert looked.status_code == 200
    assert "Upload a new picture" not in looked.content.decode()
    assert client.post(LIBRARY, upload_data()).status_code == 403
    assert Image.objects.count() == 1

    client.force_login(make_person("nobody", None).user)  # staff, no role
    assert client.get(LIBRARY).status_code == 403
    client.logout()
    assert client.get(LIBRARY).status_code == 302  # to the sign-in page


def test_an_upload_without_the_csrf_token_is_refused(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(make_person("he", ROLE_EDITOR).user)
    assert guarded.post(LIBRARY, upload_data()).status_code == 403
    assert not Image.objects.exists()


def test_a_placed_pictures_facts_and_an_upload_cost_a_fixed_number_of_queries(
    editor_client, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    picture = ImageFactory()
    picture.make_renditions()
    with django_assert_max_num_queries(6):  # session, user, the picture, its renditions
        assert editor_client.get(f"{LIBRARY}{picture.pk}/").status_code == 200
    with django_assert_max_num_queries(25), django_capture_on_commit_callbacks():  # renditions come later
        assert editor_client.post(LIBRARY, upload_data()).status_code == 201


def test_a_placed_picture_is_described_to_the_editor_and_an_unknown_one_is_404(editor_client):
    picture = ImageFactory(alt_text="Containers stacked at the Duisburg terminal", credit="Photo: Li Wei")
    facts = editor_client.get(f"{LIBRARY}{picture.pk}/").json()
    assert facts["alt"] == "Containers stacked at the Duisburg terminal"
    assert facts["credit"] == "Photo: Li Wei"
    assert facts["thumbnail"] == picture.file.url
    assert facts["removed"] is False
    assert editor_client.get(f"{LIBRARY}{picture.pk + 1}/").status_code == 404

    picture.removed_at = timezone.now()
    picture.save()
    removed = editor_client.get(f"{LIBRARY}{picture.pk}/").json()
    assert (removed["removed"], removed["thumbnail"]) == (True, "")
