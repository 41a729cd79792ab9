"""Issue 12, point 7: takedowns stay down. A picture removed after a complaint, uploaded again re-encoded,
resized or converted, is refused with a message naming the complaint; so is a passage a correction took out,
pasted into another article. A copyright officer can release either; reversing the measure lifts the block."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image as PILImage

from articles.forms import ImageForm
from articles.models import Image
from editorial.copyright import measures, moves, takedowns
from editorial.copyright.moves import CorrectionSpec, ItemDecision
from editorial.copyright.states import ComplaintError, ComplaintPermissionError, ComplaintStateError
from editorial.copyright.takedowns import refused_passage, takedown_release
from editorial.models import AuditEvent, Measure, TakedownFingerprint
from tests.copyright_helpers import Kind, Outcome, officer, passage_target, received, uphold
from tests.factories import (
    ArticleFactory,
    EditorFactory,
    ImageFactory,
    InitiativeFactory,
    UserFactory,
    image_upload,
    picture_bytes,
)

pytestmark = pytest.mark.django_db

REVERSED = Measure.Reversal.APPEAL


def upload(content: bytes, name: str = "again.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def form_for(content: bytes, name: str = "again.jpg") -> ImageForm:
    data = {"alt_text": "Delegates in the hall", "credit": "Photo: Desk", "licence": "own"}
    return ImageForm(data=data, files={"file": upload(content, name)})


def reencoded(content: bytes, fmt: str, *, scale: float = 1.0, **save) -> bytes:
    with PILImage.open(io.BytesIO(content)) as picture:
        picture = picture.convert("RGB")
        if scale != 1.0:
            picture = picture.resize((round(picture.width * scale), round(picture.height * scale)))
        out = io.BytesIO()
        picture.save(out, format=fmt, **save)
        return out.getvalue()


@pytest.fixture
def removed(django_capture_on_commit_callbacks):
    """A detailed picture on a live article, removed after an upheld complaint: (original bytes, complaint)."""
    original = picture_bytes(seed=7, quality=92)
    image = ImageFactory(file=upload(original, "hall.jpg"), caption="The conference hall")
    ArticleFactory(hero_image=image)
    complaint, _ = received(image)
    with django_capture_on_commit_callbacks(execute=True):
        uphold(complaint, officer(), Kind.REMOVE_IMAGE)
    return original, complaint


# --- pictures -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda b: reencoded(b, "JPEG", quality=35), id="jpeg-at-another-quality"),
        pytest.param(lambda b: reencoded(b, "JPEG", scale=0.5, quality=80), id="resized-to-half"),
        pytest.param(lambda b: reencoded(b, "WEBP", quality=60), id="converted-to-webp"),
        pytest.param(lambda b: reencoded(b, "PNG", scale=0.25), id="quarter-size-png"),
    ],
)
def test_a_removed_picture_uploaded_again_is_refused_naming_the_complaint(removed, variant):
    original, complaint = removed
    images_before = Image.objects.count()
    form = form_for(variant(original))
    assert not form.is_valid()
    message = " ".join(form.errors["file"])
    assert f"copyright complaint {complaint.reference}" in message
    assert "unless a copyright officer releases it" in message
    assert Image.objects.count() == images_before


def test_every_path_that_stores_a_picture_refuses_it_not_only_the_form(removed):
    original, complaint = removed
    with pytest.raises(ValidationError, match=complaint.reference):
        ImageFactory(file=upload(reencoded(original, "WEBP", quality=70), "again.webp"))


@pytest.mark.parametrize("build, field", [(EditorFactory, "photo"), (InitiativeFactory, "logo")])
def test_a_removed_picture_cannot_come_back_as_a_portrait_or_a_logo(removed, build, field):
    original, complaint = removed
    obj = build()
    with pytest.raises(ValidationError, match=complaint.reference):
        getattr(obj, field).save("again.jpg", ContentFile(reencoded(original, "JPEG", scale=0.5, quality=70)))
    obj.refresh_from_db()
    assert not getattr(obj, field)


def test_the_admin_upload_screen_shows_the_refusal(removed, admin_client):
    original, complaint = removed
    response = admin_client.post(
        "/admin/articles/image/add/",
        {
            "file": upload(reencoded(original, "JPEG", scale=0.5, quality=50)),
            "alt_text": "Hall",
            "credit": "Photo: Desk",
            "licence": "own",
        },
    )
    assert response.status_code == 200
    assert complaint.reference in response.content.decode()


def test_the_editors_picture_library_refuses_it_too(removed, admin_client):
    original, complaint = removed
    images_before = Image.objects.count()
    response = admin_client.post(
        "/admin/articles/image/library/",
        {
            "file": upload(reencoded(original, "WEBP", quality=60), "again.webp"),
            "alt_text": "Hall",
            "credit": "Photo: Desk",
            "licence": "own",
        },
    )
    assert response.status_code == 400
    assert complaint.reference in response.content.decode()
    assert Image.objects.count() == images_before


def test_a_removed_picture_sent_with_a_turning_exif_tag_is_still_recognised(removed):
    original, complaint = removed
    with PILImage.open(io.BytesIO(original)) as picture:
        # Stored on its side with "rotate 90° clockwise" in EXIF: shown exactly as the removed picture.
        sideways = picture.transpose(PILImage.Transpose.ROTATE_90)
        exif = PILImage.Exif()
        exif[0x0112] = 6
        out = io.BytesIO()
        sideways.save(out, format="JPEG", quality=85, exif=exif.tobytes())
    form = form_for(out.getvalue())
    assert not form.is_valid()
    assert complaint.reference in " ".join(form.errors["file"])


def test_a_different_picture_is_accepted(removed):
    form = form_for(picture_bytes(seed=8, quality=85))
    assert form.is_valid(), form.errors
    form.save()


def test_a_picture_removed_before_fingerprints_were_kept_is_fingerprinted_by_the_command(removed):
    """An upgrade: the removal happened when no fingerprint was kept. The command fingerprints it from the
    removal's private copy, once, and the picture is refused from then on."""
    original, complaint = removed
    TakedownFingerprint.objects.all().delete()  # as before fingerprints existed
    assert form_for(reencoded(original, "JPEG", quality=50)).is_valid()

    out = io.StringIO()
    call_command("takedown_fingerprints", stdout=out)
    assert "1 measure fingerprinted." in out.getvalue()
    fingerprint = TakedownFingerprint.objects.get()
    assert fingerprint.measure.item.complaint == complaint
    form = form_for(reencoded(original, "JPEG", quality=50))
    assert not form.is_valid()
    assert complaint.reference in " ".join(form.errors["file"])
    assert AuditEvent.objects.for_object(complaint).filter(action="complaint.takedown_fingerprinted").count() == 1

    call_command("takedown_fingerprints", stdout=(again := io.StringIO()))
    assert "0 measures fingerprinted." in again.getvalue()
    assert TakedownFingerprint.objects.count() == 1


def test_reversing_the_removal_lifts_the_block(removed):
    original, complaint = removed
    measure = Measure.objects.get(item__complaint=complaint)
    measures.measure_reverse(measure=measure, by=officer("li"), reason=REVERSED)
    fingerprint = TakedownFingerprint.objects.get(measure=measure)
    assert fingerprint.release_reason == TakedownFingerprint.Release.MEASURE_REVERSED
    form = form_for(reencoded(original, "JPEG", quality=40))
    assert form.is_valid(), form.errors


def test_an_officer_releases_a_picture_with_a_reason_and_it_may_be_uploaded_again(removed):
    original, complaint = removed
    fingerprint = TakedownFingerprint.objects.get(kind=TakedownFingerprint.Kind.PICTURE)
    li = officer("li")
    takedown_release(fingerprint=fingerprint, by=li, note="Lens Agency licensed the picture to us on 2 May.")

    form = form_for(reencoded(original, "WEBP", quality=60), "again.webp")
    assert form.is_valid(), form.errors
    event = AuditEvent.objects.for_object(complaint).get(action="complaint.takedown_released")
    assert event.actor == li and event.note.startswith("Lens Agency licensed")
    assert event.details["fingerprint"] == fingerprint.pk
    # The measure itself stays: the removed image is not put back by a release.
    assert Measure.objects.get(item__complaint=complaint).in_force


def test_only_a_copyright_officer_may_release_and_only_with_a_reason(removed):
    original, complaint = removed
    fingerprint = TakedownFingerprint.objects.get()
    for person in [
        UserFactory(username="editor", roles=["Editor"]),
        UserFactory(username="responsible", roles=["Responsible editor"]),
        UserFactory(username="chief", roles=["Chief editor"]),
    ]:
        with pytest.raises(ComplaintPermissionError, match="Only a copyright officer"):
            takedown_release(fingerprint=fingerprint, by=person, note="Please")
    with pytest.raises(ComplaintError, match="Say why"):
        takedown_release(fingerprint=fingerprint, by=officer("li"), note="  ")
    fingerprint.refresh_from_db()
    assert fingerprint.blocking
    assert not AuditEvent.objects.filter(action="complaint.takedown_released").exists()
    assert not form_for(reencoded(original, "JPEG", quality=50)).is_valid()

    takedown_release(fingerprint=fingerprint, by=officer("li"), note="Licensed.")
    with pytest.raises(ComplaintStateError, match="no longer blocks"):
        takedown_release(fingerprint=fingerprint, by=officer("li"), note="Again.")


def test_a_picture_removed_on_two_complaints_stays_blocked_until_both_end(django_capture_on_commit_callbacks):
    original = picture_bytes(seed=11, quality=90)
    image = ImageFactory(file=upload(original, "port.jpg"))
    first, _ = received(image)
    second, _ = received(image, notifier_email="agent@photo-rights.test", notifier_organisation="Photo Rights")
    with django_capture_on_commit_callbacks(execute=True):
        uphold(first, officer(), Kind.REMOVE_IMAGE)
        uphold(second, officer(), Kind.REMOVE_IMAGE)

    measures.measure_reverse(measure=Measure.objects.get(item__complaint=first), by=officer("li"), reason=REVERSED)

    form = form_for(reencoded(original, "JPEG", quality=45))
    assert not form.is_valid()
    message = " ".join(form.errors["file"])
    assert second.reference in message and first.reference not in message


def test_a_plain_picture_removed_does_not_refuse_every_other_plain_picture(django_capture_on_commit_callbacks):
    image = ImageFactory()  # one flat colour: its fingerprint says nothing about it
    complaint, _ = received(image)
    with django_capture_on_commit_callbacks(execute=True):
        uphold(complaint, officer(), Kind.REMOVE_IMAGE)
    fingerprint = TakedownFingerprint.objects.get()
    assert not takedowns.is_recognisable_picture(fingerprint.picture_hash)
    assert ImageForm(
        data={"alt_text": "Blank", "credit": "Desk", "licence": "own"},
        files={"file": image_upload(color=(200, 40, 40))},
    ).is_valid()


def test_the_fingerprint_tells_the_same_picture_from_another():
    def fingerprint(content: bytes) -> str:
        with PILImage.open(io.BytesIO(content)) as picture:
            return takedowns.picture_fingerprint(picture)

    original = picture_bytes(seed=3, quality=92)
    same = [
        reencoded(original, "JPEG", quality=20),
        reencoded(original, "JPEG", scale=0.5, quality=75),
        reencoded(original, "WEBP", quality=50),
    ]
    for content in same:
        assert takedowns.picture_distance(fingerprint(original), fingerprint(content)) <= takedowns.PICTURE_MATCH_BITS
    for seed in range(20, 40):
        other = fingerprint(picture_bytes(seed=seed))
        assert takedowns.picture_distance(fingerprint(original), other) > takedowns.PICTURE_MATCH_BITS


# --- the admin screen ---------------------------------------------------------------------------------------


def test_an_officer_releases_from_the_admin_and_others_cannot(removed, client):
    original, complaint = removed
    fingerprint = TakedownFingerprint.objects.get()
    url = f"/admin/editorial/takedownfingerprint/{fingerprint.pk}/change/"

    client.force_login(UserFactory(username="chief", roles=["Chief editor"]))
    listing = client.get("/admin/editorial/takedownfingerprint/")
    assert listing.status_code == 200 and complaint.reference in listing.content.decode()
    assert client.post(url, {"release_note": "I say so."}).status_code == 403

    client.force_login(officer("li"))
    response = client.post(url, {"release_note": ""})
    assert response.status_code == 200 and "saving releases it" in response.content.decode()
    response = client.post(url, {"release_note": "The agency withdrew its complaint in writing."})
    assert response.status_code == 302
    fingerprint.refresh_from_db()
    assert fingerprint.release_reason == TakedownFingerprint.Release.OFFICER
    assert AuditEvent.objects.for_object(complaint).filter(action="complaint.takedown_released").count() == 1
    assert form_for(reencoded(original, "JPEG", quality=50)).is_valid()
    # Released: the screen is read-only now.
    assert client.post(url, {"release_note": "Twice."}).status_code == 403


# --- passages -----------------------------------------------------------------------------------------------


PASSAGE = (
    "The cranes lifted the first containers off the ship at dawn, while the harbour master counted each one "
    "aloud and the dock workers cheered from the quay"
)
BODY = f"<p>Our reporter was at the port.</p><p>The agency's caption read: {PASSAGE}.</p><p>More.</p>"


def correct(article, find: str, *, replace: str = "", **notifier) -> object:
    complaint, _ = received(passage_target(article, find), **notifier)
    item = complaint.items.get()
    spec = CorrectionSpec(find=find, replace=replace, public_text="We removed a passage quoted without credit.")
    moves.complaint_decide(
        complaint=complaint,
        by=officer(),
        decisions=[ItemDecision(item=item.pk, outcome=Outcome.UPHELD, measure=Kind.CORRECT, correction=spec)],
        reasons="The passage is the agency's text, quoted at length without permission.",
    )
    return complaint


def test_a_passage_removed_by_a_correction_is_refused_in_another_article_naming_the_complaint():
    complaint = correct(ArticleFactory(body=BODY), PASSAGE)
    elsewhere = ArticleFactory(body="<p>Nothing yet.</p>")
    pasted = f"<p>Background.</p><p>As the agency put it, {PASSAGE}.</p>"
    message = refused_passage(pasted, article=elsewhere)
    assert message is not None
    assert f"copyright complaint {complaint.reference}" in message
    assert "The cranes lifted the first containers" in message
    assert refused_passage(pasted) == message  # a new article, not saved yet


def test_a_passage_corrected_before_fingerprints_were_kept_is_fingerprinted_by_the_command():
    complaint = correct(ArticleFactory(body=BODY), PASSAGE)
    TakedownFingerprint.objects.all().delete()  # as before fingerprints existed
    pasted = f"<p>As the agency put it, {PASSAGE}.</p>"
    assert refused_passage(pasted, article=ArticleFactory()) is None
    call_command("takedown_fingerprints", stdout=io.StringIO())
    assert complaint.reference in refused_passage(pasted, article=ArticleFactory())


@pytest.mark.parametrize(
    "edited",
    [
        pytest.param(PASSAGE.upper(), id="other-case"),
        pytest.param(PASSAGE.replace(", while", "; while").replace(" aloud", "  aloud"), id="punctuation-spacing"),
        pytest.param(PASSAGE.replace("first containers", "<em>first</em> containers"), id="html-inside"),
        pytest.param(PASSAGE.replace("cheered", "applauded"), id="one-word-changed"),
        pytest.param(PASSAGE.replace("at dawn", "at sunrise").replace("each one", "every one"), id="two-words"),
        pytest.param(PASSAGE.replace("the ship", "the&nbsp;ship").replace("quay", "qu&#97;y"), id="entities"),
    ],
)
def test_a_removed_passage_is_found_through_light_edits(edited):
    complaint = correct(ArticleFactory(body=BODY), PASSAGE)
    message = refused_passage(f"<p>{edited}</p>")
    assert message is not None and complaint.reference in message


def test_ordinary_text_and_a_few_of_the_same_words_are_not_refused():
    correct(ArticleFactory(body=BODY), PASSAGE)
    assert refused_passage("<p>The harbour master spoke to the dock workers at dawn about the ship.</p>") is None
    assert refused_passage("<p>The cranes lifted the first containers.</p>") is None
    assert refused_passage("") is None


def test_the_corrected_article_itself_cannot_have_the_passage_pasted_back():
    article = ArticleFactory(body=BODY)
    complaint = correct(article, PASSAGE)
    article.refresh_from_db()
    assert refused_passage(article.body, article=article) is None  # editing it otherwise is fine
    message = refused_passage(article.body + f"<p>{PASSAGE}</p>", article=article)
    assert message is not None and complaint.reference in message


def test_an_article_that_already_held_the_passage_is_not_blocked_from_other_edits():
    """The rule is about pasting a removed passage in; an article outside the complaint that quoted it before
    the takedown is the officers' to decide on, not a reason to refuse its editor a typo fix."""
    earlier = ArticleFactory(body=f"<p>In 2013 the agency wrote: {PASSAGE}.</p>")
    correct(ArticleFactory(body=BODY), PASSAGE)
    assert refused_passage(earlier.body + "<p>A typo fixed.</p>", article=earlier) is None


def test_a_chinese_passage_is_matched_by_characters_since_it_has_no_spaces():
    passage = "港口的起重机在黎明时分从船上吊起了第一批集装箱，码头工人在岸边欢呼"
    body = f"<p>记者在港口。</p><p>通讯社的图片说明写道：{passage}。</p>"
    complaint = correct(ArticleFactory(body=body, language="zh-hans"), passage)
    edited = passage.replace("，", "。").replace("欢呼", "鼓掌")
    message = refused_passage(f"<p>据报道，{edited}。</p>")
    assert message is not None and complaint.reference in message
    assert refused_passage("<p>港口的起重机很多，第一批集装箱已经到达。</p>") is None


def test_releasing_or_reversing_a_correction_lets_the_passage_be_used_again():
    article = ArticleFactory(body=BODY)
    complaint = correct(article, PASSAGE)
    fingerprint = TakedownFingerprint.objects.get(kind=TakedownFingerprint.Kind.PASSAGE)
    takedown_release(fingerprint=fingerprint, by=officer("li"), note="The agency granted a licence.")
    assert refused_passage(f"<p>{PASSAGE}</p>") is None
    assert AuditEvent.objects.for_object(complaint).filter(action="complaint.takedown_released").exists()

    other = correct(
        ArticleFactory(body=f"<p>Quoted again: {PASSAGE}.</p>"), PASSAGE, notifier_email="second@agency.test"
    )
    assert other.reference in refused_passage(f"<p>{PASSAGE}</p>")
    measures.measure_reverse(measure=Measure.objects.get(item__complaint=other), by=officer("li"), reason=REVERSED)
    assert refused_passage(f"<p>{PASSAGE}</p>") is None


def test_a_correction_that_only_adds_a_credit_or_removes_a_few_words_blocks_nothing():
    article = ArticleFactory(body=BODY)
    complaint, _ = received(passage_target(article, PASSAGE))
    item = complaint.items.get()
    spec = CorrectionSpec(credit="Caption quoted from Lens Agency.", public_text="We credited Lens Agency.")
    moves.complaint_decide(
        complaint=complaint,
        by=officer(),
        decisions=[ItemDecision(item=item.pk, outcome=Outcome.UPHELD, measure=Kind.CORRECT, correction=spec)],
        reasons="Credit was missing.",
    )
    assert not TakedownFingerprint.objects.exists()
    correct(ArticleFactory(body=BODY), "lifted the first containers", notifier_email="short@agency.test")
    assert TakedownFingerprint.objects.get().shingles == []
    assert refused_passage("<p>Cranes lifted the first containers.</p>") is None


def test_the_article_form_refuses_the_pasted_passage_and_keeps_the_editors_text(client):
    """The admin's article form calls `refused_passage`: a form error naming the complaint, nothing lost."""
    from django.urls import reverse

    from tests._workflow import S, form_data, make_person

    complaint = correct(ArticleFactory(body=BODY), PASSAGE)
    writer = make_person("qian", "Editor", display_name="Qian Li")
    reviewer = make_person("sun", "Responsible editor", display_name="Sun Mei")
    article = ArticleFactory(editor=writer.editor, responsible_editor=reviewer.editor, status=S.DRAFT)
    client.force_login(writer.user)
    pasted = f"<p>Background.</p><p>As the agency put it, {PASSAGE}.</p>"
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), form_data(article, body=pasted))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["body"]
    assert any(complaint.reference in error for error in errors)
    assert "As the agency put it" in response.content.decode()  # the editor's text is still in the form
    article.refresh_from_db()
    assert PASSAGE not in article.body
