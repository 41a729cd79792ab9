"""Issue 6, point 4: each measure touches exactly the content decided and is exactly reversible, losing
nothing. Withholding answers 451 with the placeholder and takes the article off every public list; removing
an image moves its original and every rendition to private storage (their public files are gone) and shows a
captioned placeholder; a correction edits the article through its revision history with a public
correction. Undoing each puts back the same bytes: text, state, dates and files."""

import hashlib

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from articles.models import Article, Correction, Image, Rendition, private_storage
from editorial.copyright import measures, moves
from editorial.copyright.moves import CorrectionSpec, ItemDecision
from editorial.copyright.states import ComplaintError
from editorial.models import ArticleRevision, AuditEvent, Measure
from tests.copyright_helpers import Kind, Outcome, article_fields, officer, passage_target, received, uphold
from tests.factories import ArticleFactory, RenderedImageFactory, SectionFactory

pytestmark = pytest.mark.django_db

REVERSED = Measure.Reversal.APPEAL
WITHHELD_TEXT = "This article is unavailable for legal reasons"
REMOVED_TEXT = "This image has been removed following a copyright complaint."


def image_files(image: Image) -> dict[str, str]:
    """Public name -> sha256 of the original and every rendition, read from public storage."""
    # A fresh instance: refresh_from_db() on an ImageField with dimension fields opens the file to measure it.
    image = Image.objects.get(pk=image.pk)
    names = [image.file.name] + [r.file.name for r in Rendition.objects.filter(image=image).order_by("pk")]
    files = {}
    for name in names:
        with default_storage.open(name, "rb") as handle:
            files[name] = hashlib.sha256(handle.read()).hexdigest()
    return files


def the_measure(complaint) -> Measure:
    return Measure.objects.get(item__complaint=complaint, reversed_at=None)


# --- withhold an article ------------------------------------------------------------------------------------


def test_withholding_answers_451_with_the_placeholder_and_restoring_brings_back_the_same_article(client):
    article = ArticleFactory(title="Harbour cranes", tags=["ports"], body="<p>Every word of the original.</p>")
    before = article_fields(article)
    complaint, _ = received(article, regime="us")
    uphold(complaint, officer(), Kind.WITHHOLD_ARTICLE)

    response = client.get(article.get_absolute_url())
    assert response.status_code == 451
    assert response["Link"] == '<http://127.0.0.1:8000/>; rel="blocked-by"'
    html = response.content.decode()
    assert WITHHELD_TEXT in html and "Harbour cranes" in html
    assert "Every word of the original." not in html
    assert complaint.reference in html and "not a finding" in html  # what, on what complaint, not a finding
    assert "Digital Millennium Copyright Act" in html  # what kind of complaint
    assert timezone.localtime().strftime("%-d %B %Y") in html  # when
    assert "/copyright/#counter-notices" in html  # how to answer
    assert client.get(f"{article.get_absolute_url()}recommended/").status_code == 451

    measures.measure_reverse(measure=the_measure(complaint), by=officer("li"), reason=REVERSED)

    assert article_fields(article) == before
    article.refresh_from_db()
    assert article.withheld_at is None and article.withheld_note == ""
    assert client.get(article.get_absolute_url()).status_code == 200


def test_a_withheld_article_leaves_home_listings_feeds_sitemaps_search_and_recommendations(client):
    section = SectionFactory(name="World")
    target = ArticleFactory(title="Quetzalcoatl harbour story", section=section, tags=["ports"], featured=True)
    neighbour = ArticleFactory(title="Another port story", section=section, tags=["ports"])
    places = [
        "/",
        "/articles/",
        f"/sections/{section.slug}/",
        "/tags/ports/",
        "/feeds/rss/",
        "/feeds/atom/",
        "/sitemap-articles.xml",
        "/search/?q=Quetzalcoatl",
        f"{neighbour.get_absolute_url()}recommended/",
    ]
    for place in places:
        assert target.slug in client.get(place).content.decode(), place
    uphold(received(target)[0], officer())
    for place in places:
        response = client.get(place)
        assert response.status_code == 200, place
        assert target.slug not in response.content.decode(), place


def test_a_never_published_withheld_article_stays_a_plain_404(client):
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None, first_published_at=None)
    from editorial.newsroom import workflow

    workflow.withhold(draft, by=officer(), note="Complaint by letter.", public_note="Withheld.")
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_the_451_page_costs_the_same_few_queries_whatever_the_article_carries(client, django_assert_max_num_queries):
    small = ArticleFactory()
    big = ArticleFactory(tags=[f"tag {n}" for n in range(20)])
    big.inline_images.set([RenderedImageFactory() for _ in range(3)])
    for article in (small, big):
        uphold(received(article, notifier_email=f"n{article.pk}@lens.test")[0], officer())
    with django_assert_max_num_queries(3) as captured:
        assert client.get(small.get_absolute_url()).status_code == 451
    with django_assert_max_num_queries(len(captured)):
        assert client.get(big.get_absolute_url()).status_code == 451


def test_two_complaints_withholding_one_article_restore_it_only_when_both_measures_end(client):
    article = ArticleFactory()
    first, _ = received(article)
    second, _ = received(article, notifier_email="other@rights.test")
    uphold(first, officer())
    uphold(second, officer())
    measures.measure_reverse(measure=the_measure(first), by=officer("li"), reason=REVERSED)
    assert client.get(article.get_absolute_url()).status_code == 451
    measures.measure_reverse(measure=the_measure(second), by=officer("li"), reason=REVERSED)
    assert client.get(article.get_absolute_url()).status_code == 200
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED


# --- remove an image ----------------------------------------------------------------------------------------


def test_removing_an_image_moves_every_file_to_private_storage_and_restoring_brings_back_the_same_bytes(
    client, django_capture_on_commit_callbacks
):
    image = RenderedImageFactory(caption="Cranes at dusk", alt_text="Cranes unloading containers")
    article = ArticleFactory(hero_image=image, body=f"<p>Intro.</p>\n[[image:{image.pk}]]\n<p>More.</p>")
    other = ArticleFactory(hero_image=image)
    files_before = image_files(image)
    assert len(files_before) >= 3  # the original and its renditions
    text_before = article_fields(article)
    complaint, _ = received(image)

    with django_capture_on_commit_callbacks(execute=True):
        uphold(complaint, officer(), Kind.REMOVE_IMAGE)

    image = Image.objects.get(pk=image.pk)
    assert image.removed_at is not None and complaint.reference in image.removal_note
    for name in files_before:
        assert not default_storage.exists(name), f"{name} is still public"
    kept = the_measure(complaint).snapshot["files"]
    assert {entry["name"] for entry in kept} == set(files_before)
    for entry in kept:
        with private_storage().open(entry["private"], "rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == files_before[entry["name"]]
    for page in (article, other):
        html = client.get(page.get_absolute_url()).content.decode()
        assert REMOVED_TEXT in html and "Cranes at dusk" not in html
        assert not any(name in html for name in files_before)
    assert article_fields(article) == text_before  # the article itself is untouched and online

    with django_capture_on_commit_callbacks(execute=True):
        measures.measure_reverse(measure=the_measure(complaint), by=officer("li"), reason=REVERSED)

    assert image_files(image) == files_before  # same names, same bytes
    image = Image.objects.get(pk=image.pk)
    assert image.removed_at is None and image.removal_note == ""
    assert not any(private_storage().exists(entry["private"]) for entry in kept)
    html = client.get(article.get_absolute_url()).content.decode()
    assert REMOVED_TEXT not in html and "Cranes at dusk" in html


def test_a_failed_copy_leaves_the_image_public_and_nothing_half_done(monkeypatch):
    image = RenderedImageFactory()
    files_before = image_files(image)
    complaint, _ = received(image)
    storage = private_storage()
    real_save = type(storage).save
    calls = []

    def failing_save(self, name, content, max_length=None):
        calls.append(name)
        if len(calls) == 2:
            raise OSError("disk full")
        return real_save(self, name, content, max_length=max_length)

    monkeypatch.setattr(type(storage), "save", failing_save)
    with pytest.raises(OSError):
        uphold(complaint, officer(), Kind.REMOVE_IMAGE)
    monkeypatch.undo()
    image = Image.objects.get(pk=image.pk)
    assert image.removed_at is None and image_files(image) == files_before
    assert not Measure.objects.exists()
    assert not storage.exists(calls[0])  # the one copy made was cleaned up


# --- correct ------------------------------------------------------------------------------------------------


BODY = "<p>Our reporter was at the port.</p><p>The agency&#x27;s caption read: cranes lifted the first containers.</p>"


def correct(article, spec: CorrectionSpec, passage: str = "cranes lifted the first containers"):
    complaint, _ = received(passage_target(article, passage))
    item = complaint.items.get()
    moves.complaint_decide(
        complaint=complaint,
        by=officer(),
        decisions=[ItemDecision(item=item.pk, outcome=Outcome.UPHELD, measure=Kind.CORRECT, correction=spec)],
        reasons="The sentence is the agency's caption, quoted without credit.",
    )
    return complaint


def test_a_correction_edits_the_article_through_its_history_with_a_public_correction_and_undoes_exactly(client):
    article = ArticleFactory(body=BODY)
    before = article_fields(article)
    revisions_before = ArticleRevision.objects.filter(article=article).count()
    complaint = correct(
        article,
        CorrectionSpec(
            find="cranes lifted the first containers",
            credit="Caption quoted from Lens Agency.",
            public_text="We removed a sentence quoted without credit and credited Lens Agency.",
        ),
    )
    article.refresh_from_db()
    assert "cranes lifted the first containers" not in article.body
    assert "[Passage removed following a copyright complaint.]" in article.body
    assert "Caption quoted from Lens Agency." in article.body
    assert article.status == Article.Status.PUBLISHED
    revision = ArticleRevision.objects.filter(article=article).order_by("-number").first()
    assert revision.number > revisions_before and "Copyright correction" in revision.summary
    correction = Correction.objects.get(article=article)
    assert correction.text.startswith("We removed a sentence") and the_measure(complaint).correction == correction
    html = client.get(article.get_absolute_url()).content.decode()
    assert "We removed a sentence quoted without credit" in html

    measures.measure_reverse(measure=the_measure(complaint), by=officer("li"), reason=REVERSED)

    assert article_fields(article) == before  # byte for byte
    assert AuditEvent.objects.for_object(article).filter(action="article.copyright_correction_undone").exists()
    assert Correction.objects.filter(article=article, text__contains="has been undone").exists()


def test_undoing_a_correction_keeps_the_newsrooms_later_edits():
    article = ArticleFactory(body=BODY)
    complaint = correct(
        article, CorrectionSpec(find="cranes lifted the first containers", replace="[quote removed]", public_text="x")
    )
    article.refresh_from_db()
    article.body = article.body + "<p>Update: the port opened a second berth.</p>"
    article.save()
    measures.measure_reverse(measure=the_measure(complaint), by=officer("li"), reason=REVERSED)
    article.refresh_from_db()
    assert "cranes lifted the first containers" in article.body and "[quote removed]" not in article.body
    assert "second berth" in article.body


def test_a_correction_that_cannot_be_undone_on_its_own_is_refused_and_stays_in_force():
    article = ArticleFactory(body=BODY)
    complaint = correct(
        article, CorrectionSpec(find="cranes lifted the first containers", replace="[quote removed]", public_text="x")
    )
    article.refresh_from_db()
    article.body = "<p>Rewritten from scratch.</p>"
    article.save()
    with pytest.raises(ComplaintError, match="Restore the text by hand from revision 1"):
        measures.measure_reverse(measure=the_measure(complaint), by=officer("li"), reason=REVERSED)
    assert the_measure(complaint).in_force


def test_a_passage_not_found_in_the_article_is_a_clear_error_and_changes_nothing():
    article = ArticleFactory(body=BODY)
    with pytest.raises(ComplaintError, match="not found in the article"):
        correct(
            article,
            CorrectionSpec(find="words that are not there", public_text="x"),
            passage="cranes lifted the first containers",
        )
    article.refresh_from_db()
    assert article.body == ArticleFactory._meta.model.objects.get(pk=article.pk).body
    assert not Correction.objects.exists() and not Measure.objects.exists()
