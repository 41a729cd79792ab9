"""`manage.py load_demo`: the demo newsroom that `make run` loads (issue 2, acceptance point 7)."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from articles.models import Article, Correction, Image, Initiative, Milestone, Section
from config.mail import where_mail_goes
from editorial.demo import DemoReport, load_accounts, load_editors
from editorial.demo.content import EDITORS, INITIATIVES, MILESTONES, SECTIONS
from editorial.demo.stories import STORIES
from editorial.models import Editor
from editorial.newsroom.roles import ROLES

pytestmark = pytest.mark.django_db

SEED = Path("/work/shared/seed/000_e922982b9c136365.txt")
ACCOUNT_LINE = re.compile(r"^\s+(?P<username>\S+)\s+(?P<password>\S+)\s+\((?P<role>[^)]+)\)$", re.MULTILINE)


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_passwords_and_debug(settings):
    # PBKDF2 is slow on purpose; the demo makes five accounts per load.
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.DEBUG = True  # pytest-django turns DEBUG off; the command refuses to run without it.


def run_load_demo(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def _demo_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """Load the demo once for this module, inside a transaction rolled back at the end.

    A full load draws and encodes two dozen pictures with their renditions, which takes seconds; each test
    below runs in its own savepoint inside this transaction, so what a test changes is undone after it.
    """
    media = tmp_path_factory.mktemp("demo-media")
    storages = {
        **django_settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": media, "base_url": "/media/"},
        },
    }
    with (
        django_db_blocker.unblock(),
        override_settings(DEBUG=True, MEDIA_ROOT=media, STORAGES=storages, PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        output = run_load_demo()
        yield output
        transaction.set_rollback(True)


@pytest.fixture
def demo_output(_demo_once, db) -> str:
    """The output of the first load of the demo, with its content in the database."""
    return _demo_once


def snapshot() -> dict[str, list[dict]]:
    """Every row of every table that exists: what 'changes nothing' is checked against."""
    tables = set(connection.introspection.table_names())
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.db_table in tables:
            rows[model._meta.label] = list(model._meta.base_manager.order_by("pk").values())
    return rows


def media_files() -> list[str]:
    root = Path(django_settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


# -- idempotence and speed -------------------------------------------------------------------------------


def test_second_run_creates_nothing_and_changes_nothing(demo_output, django_assert_max_num_queries):
    assert "Demo content loaded" in demo_output
    before = snapshot()
    counts_before = {label: len(rows) for label, rows in before.items()}
    assert counts_before["articles.Article"] >= 14 and counts_before["articles.Rendition"] > 0

    # A handful of existence checks up front, so `make run` stays fast on every start.
    with django_assert_max_num_queries(12):
        second = run_load_demo()

    after = snapshot()
    assert {label: len(rows) for label, rows in after.items()} == counts_before
    assert after == before
    assert media_files() == [], "a second run writes no files"
    assert "already loaded; nothing to add" in second


def test_a_deleted_demo_article_is_recreated_and_nothing_else_is_touched(demo_output):
    Article.objects.filter(slug="geneva-speech-sets-out-five-goals-for-the-world").delete()
    edited = Article.objects.get(slug="in-astana-a-new-silk-road-is-proposed-for-eurasia")
    edited.title = "An editor's better headline"
    edited.save()

    output = run_load_demo()

    assert "1 articles" in output
    assert Article.objects.filter(slug="geneva-speech-sets-out-five-goals-for-the-world").exists()
    edited.refresh_from_db()
    assert edited.title == "An editor's better headline"


# -- the refusal outside development ---------------------------------------------------------------------


def test_refuses_with_debug_off_and_creates_nothing(settings):
    Article.objects.all().delete()
    get_user_model().objects.all().delete()
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG is off") as refusal:
        run_load_demo()

    assert "--allow-production" in str(refusal.value)
    assert not Article.objects.exists()
    assert not get_user_model().objects.exists()


def test_allow_production_flag_loads_with_debug_off(demo_output, settings):
    Article.objects.filter(slug="geneva-speech-sets-out-five-goals-for-the-world").delete()
    settings.DEBUG = False

    output = run_load_demo("--allow-production")

    assert "Demo content loaded" in output
    assert Article.objects.published().filter(slug="geneva-speech-sets-out-five-goals-for-the-world").exists()


# -- accounts ----------------------------------------------------------------------------------------------


def test_admin_and_role_accounts_get_random_passwords_printed_once(demo_output):
    printed = {m["username"]: (m["password"], m["role"]) for m in ACCOUNT_LINE.finditer(demo_output)}
    User = get_user_model()

    assert set(printed) == {"admin", "hechuanning", "susuiyue", "qiaoanlan", "linxiaohe"}
    for username, (password, _) in printed.items():
        assert User.objects.get(username=username).check_password(password)
    assert len({password for password, _ in printed.values()}) == len(printed)
    assert "/admin/" in demo_output

    again = run_load_demo()

    for password, _ in printed.values():
        assert password not in again
    assert "already exist" in again
    assert "manage.py changepassword admin" in again


def test_printed_admin_login_opens_the_back_office(demo_output, client, settings):
    settings.OTP_REQUIRED_FOR_STAFF = False  # as under `make run`; production asks for a second factor
    password = {m["username"]: m["password"] for m in ACCOUNT_LINE.finditer(demo_output)}["admin"]

    response = client.post(reverse("admin:login"), {"username": "admin", "password": password}, follow=True)

    assert response.status_code == 200
    assert response.wsgi_request.user.username == "admin"
    assert client.get(reverse("admin:articles_article_changelist")).status_code == 200


def test_admin_password_differs_on_every_fresh_database():
    get_user_model().objects.all().delete()
    load_editors(DemoReport())
    first = DemoReport()
    load_accounts(first)
    get_user_model().objects.all().delete()
    second = DemoReport()
    load_accounts(second)

    passwords = [{a.username: a.password for a in report.new_accounts}["admin"] for report in (first, second)]
    assert passwords[0] != passwords[1]
    assert len(passwords[0]) >= 16


def test_one_staff_account_per_role_linked_to_its_editor_profile(demo_output):
    User = get_user_model()
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff

    for role in ROLES:
        members = User.objects.filter(groups__name=role, is_staff=True, is_superuser=False)
        assert members.count() == 1, role

    su = User.objects.get(username="susuiyue")
    assert su.groups.filter(name="Responsible editor").exists()
    assert su.editor.display_name == "Su Suiyue"
    he = User.objects.get(username="hechuanning")
    assert he.groups.filter(name="Editor").exists()
    assert he.editor.display_name == "He Chuanning"
    assert User.objects.get(username="qiaoanlan").groups.filter(name="Chief editor").exists()


# -- the newsroom's content --------------------------------------------------------------------------------


def test_sections_and_seed_initiatives_with_launch_facts(demo_output):
    assert set(Section.objects.values_list("name", flat=True)) >= {"World", "China", "Diplomacy", "Economy", "Opinion"}
    launches = {i.name: (i.launched_on, i.launched_at) for i in Initiative.objects.all()}

    assert launches["Belt and Road Initiative"][0] == datetime.date(2013, 9, 7)
    assert "Astana" in launches["Belt and Road Initiative"][1]
    assert launches["Global Development Initiative"][0] == datetime.date(2021, 9, 21)
    assert launches["Global Security Initiative"][0] == datetime.date(2022, 4, 21)
    assert "Boao" in launches["Global Security Initiative"][1]
    assert launches["Global Civilization Initiative"][0] == datetime.date(2023, 3, 15)
    assert launches["Community with a Shared Future for Mankind"][0] == datetime.date(2013, 3, 23)
    for initiative in Initiative.objects.all():
        assert initiative.summary and initiative.description and initiative.logo
    assert "Five Worlds" in Initiative.objects.get(slug="community-with-a-shared-future-for-mankind").description


@pytest.mark.parametrize(
    ("initiative", "date", "place"),
    [
        ("community-with-a-shared-future-for-mankind", (2013, 3, 23), "Moscow State Institute of International"),
        ("community-with-a-shared-future-for-mankind", (2015, 9, 28), "United Nations Headquarters, New York"),
        ("community-with-a-shared-future-for-mankind", (2017, 1, 18), "Palais des Nations, Geneva"),
        ("community-with-a-shared-future-for-mankind", (2015, 12, 16), "Wuzhen"),
        ("community-with-a-shared-future-for-mankind", (2019, 4, 23), "Qingdao"),
        ("belt-and-road-initiative", (2013, 9, 7), "Astana"),
        ("belt-and-road-initiative", (2013, 10, 3), "Jakarta"),
        ("global-development-initiative", (2021, 9, 21), "General Assembly"),
        ("global-security-initiative", (2022, 4, 21), "Boao Forum for Asia"),
        ("global-civilization-initiative", (2023, 3, 15), "World Political Parties"),
    ],
)
def test_dated_placed_milestones_on_each_timeline(demo_output, initiative, date, place):
    milestone = Milestone.objects.get(initiative__slug=initiative, date=datetime.date(*date))
    assert place in milestone.place
    assert milestone.title and milestone.summary


def test_milestones_link_to_the_article_that_reported_them(demo_output):
    geneva = Milestone.objects.get(date=datetime.date(2017, 1, 18))
    assert geneva.article.slug == "geneva-speech-sets-out-five-goals-for-the-world"
    assert geneva.article.status == Article.Status.PUBLISHED


def test_editors_with_native_names_titles_and_bios(demo_output):
    he = Editor.objects.get(display_name="He Chuanning")
    su = Editor.objects.get(display_name="Su Suiyue")
    assert he.native_name == "何传宁"
    assert su.native_name == "苏岁月"
    assert Editor.objects.count() >= 5
    for editor in Editor.objects.all():
        assert editor.title and editor.bio, editor


def test_seed_credit_line_on_most_articles_and_other_editors_elsewhere(demo_output):
    published = list(Article.objects.published().select_related("editor", "responsible_editor"))
    pairs = [(a.editor.display_name, a.responsible_editor.display_name) for a in published]

    assert pairs.count(("He Chuanning", "Su Suiyue")) > len(published) / 2
    assert all(editor != responsible for editor, responsible in pairs)
    credited = {name for pair in pairs for name in pair}
    assert credited > {"He Chuanning", "Su Suiyue"}


def test_at_least_twelve_published_articles_across_the_years(demo_output):
    published = Article.objects.published()
    now = timezone.now()

    assert published.count() >= 12
    years = {a.published_at.year for a in published}
    assert min(years) == 2013 and max(years) >= 2025
    for article in published:
        assert article.status == Article.Status.PUBLISHED
        assert article.first_published_at is not None and article.first_published_at <= article.published_at <= now
        assert article.section and article.tags.exists() and article.initiatives.exists(), article.slug
        assert len(words(article.body)) >= 170, f"{article.slug} is too short to read like an article"
        assert article.body.count("<p>") >= 4, f"{article.slug} has too few paragraphs"
    assert published.filter(featured=True).count() == 1


def test_every_published_article_has_a_credited_hero_image_with_renditions(demo_output):
    per_image = len(django_settings.IMAGE_RENDITION_WIDTHS) * 2  # WebP and JPEG
    for article in Article.objects.published().select_related("hero_image"):
        hero = article.hero_image
        assert hero is not None, article.slug
        assert hero.alt_text and hero.credit and hero.licence and hero.copyright_holder
        assert hero.sha256, "the picture went through Image.save()'s cleaning"
        assert hero.width == 1600 and hero.height == 900
        assert hero.renditions.count() == per_image


def test_inline_images_are_placed_in_bodies_by_marker(demo_output):
    with_inline = [a for a in Article.objects.published() if a.inline_image_ids()]

    assert len(with_inline) >= 4
    for article in with_inline:
        assert set(article.inline_images.values_list("pk", flat=True)) == set(article.inline_image_ids())
        assert "[[picture:" not in article.body
    # A graphic used in two articles is one library image, as a newsroom would file it.
    shared = Image.objects.filter(inline_in__isnull=False).distinct()
    assert any(image.inline_in.count() > 1 for image in shared)


def test_a_correction_and_a_clarification_are_shown(demo_output):
    correction = Correction.objects.get(kind=Correction.Kind.CORRECTION)
    assert correction.article.slug == "jakarta-speech-adds-a-sea-route-to-the-silk-road-plan"
    assert correction.published_at > correction.article.published_at
    assert Correction.objects.filter(kind=Correction.Kind.CLARIFICATION).exists()


def test_workflow_has_a_draft_one_in_review_and_one_scheduled(demo_output):
    now = timezone.now()
    draft = Article.objects.get(status=Article.Status.DRAFT)
    scheduled = Article.objects.get(status=Article.Status.SCHEDULED)

    assert draft.published_at is None and draft.first_published_at is None
    assert Article.objects.filter(status=Article.Status.IN_REVIEW).exists()
    assert scheduled.published_at > now and scheduled.first_published_at is None
    live = set(Article.objects.published().values_list("pk", flat=True))
    assert draft.pk not in live and scheduled.pk not in live


def test_one_article_is_reproduced_with_permission_and_names_its_source(demo_output):
    reproduced = Article.objects.get(rights_basis=Article.RightsBasis.PERMISSION)
    assert reproduced.original_publisher and reproduced.original_url and reproduced.source_contact_email


def test_featured_article_page_shows_the_seed_credit_line(demo_output, client):
    featured = Article.objects.published().get(featured=True)

    response = client.get(featured.get_absolute_url())

    assert response.status_code == 200
    text = response.content.decode()
    assert "He Chuanning" in text and "Su Suiyue" in text


# -- written in our own words ------------------------------------------------------------------------------


def words(text: str) -> list[str]:
    text = strip_tags(text).lower().replace("’", "'")
    # Names are facts, free to use: an initiative's eight-word name is not a copied sentence.
    for initiative in INITIATIVES:
        text = text.replace(initiative.name.lower(), " name ")
    return re.findall(r"[a-z0-9']+", text)


def shingles(text: str, n: int = 8) -> set[tuple[str, ...]]:
    w = words(text)
    return {tuple(w[i : i + n]) for i in range(len(w) - n + 1)}


def all_demo_text() -> dict[str, str]:
    texts = {}
    for s in STORIES:
        texts[s.slug] = " ".join([s.title, s.dek, s.body, *(c.text for c in s.corrections)])
        if s.hero:
            texts[f"{s.slug} hero"] = f"{s.hero.alt_text} {s.hero.caption}"
    for i in INITIATIVES:
        texts[i.slug] = f"{i.summary} {i.description}"
    for m in MILESTONES:
        texts[f"{m.initiative} {m.date}"] = f"{m.title} {m.summary}"
    for e in EDITORS:
        texts[e.slug] = e.bio
    for s in SECTIONS:
        texts[s.slug] = s.description
    return texts


def test_demo_text_copies_no_sentence_from_the_seed():
    if not SEED.exists():
        pytest.skip(f"the seed article is not on this machine ({SEED})")
    seed = shingles(SEED.read_text())
    assert len(seed) > 300  # the check is real: the seed has plenty of text to match against

    copied = {name: shingles(text) & seed for name, text in all_demo_text().items()}

    assert {name: found for name, found in copied.items() if found} == {}


def test_seed_copy_check_would_catch_a_pasted_phrase():
    seed_words = words(SEED.read_text()) if SEED.exists() else []
    if not seed_words:
        pytest.skip(f"the seed article is not on this machine ({SEED})")
    pasted = "Our intro. " + " ".join(seed_words[40:52]) + " and more of ours."
    assert shingles(pasted) & shingles(SEED.read_text())


def test_demo_staff_have_deliverable_addresses_and_the_output_says_where_their_mail_goes(demo_output):
    from editorial import outbox
    from editorial.models import Editor

    staff = get_user_model().objects.filter(username__in=["hechuanning", "susuiyue", "qiaoanlan", "linxiaohe"])
    addresses = [user.email for user in staff] + [e.email for e in Editor.objects.exclude(user=None)]
    assert addresses and not any(outbox.is_reserved_address(address) for address in addresses), addresses
    assert "@newsroom.masthead.test" in demo_output
    assert f"is {where_mail_goes()};" in demo_output  # the test mailer here; the console under `make run`


def test_under_make_run_the_demo_says_its_mail_is_printed_on_the_console(settings):
    settings.MAILERS = {"default": {"BACKEND": "config.mail.ConsoleEmailBackend"}}
    assert where_mail_goes() == "printed on this console, decoded (config/mail.py)"
