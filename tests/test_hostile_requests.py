"""No input gets a 500 (issue 12, point 4).

Characters PostgreSQL cannot store (NUL, lone surrogates) are refused with a 400 for every request, public
and back office, by one middleware (config.middleware.UnstorableCharactersMiddleware); everything else is
each view's to answer with a page, a form error or a 4xx. The walker at the end requests every URL pattern
of the site with hostile query strings and form values, as a visitor and as a signed-in superuser, and
asserts that none answers 5xx. Run it on PostgreSQL too: SQLite stores a NUL without complaint.
"""

import re
from urllib.parse import quote

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import URLResolver, get_resolver, reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from config.middleware import UnstorableCharactersMiddleware
from editorial.copyright import moves
from editorial.copyright.evidence import CheckedFile
from editorial.models import ContactInquiry, NotifierSanction
from editorial.newsroom import revisions
from tests.copyright_helpers import (
    FORM_URL,
    Kind,
    article_url,
    form_data,
    officer,
    received,
    received_complaint,
    uphold,
)
from tests.factories import (
    ArticleFactory,
    CorrectionFactory,
    ImageFactory,
    InitiativeFactory,
    MilestoneFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def refused(response) -> bool:
    """The middleware's 400: a short page for a person, never cached, with its own CSP."""
    return (
        response.status_code == 400
        and "read that request" in response.content.decode()
        and "no-store" in response["Cache-Control"]
        and "default-src 'none'" in response["Content-Security-Policy"]
    )


# --- the middleware ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=%00",
        "/search/?q=%00harbour%00",
        "/search/?%00=1",
        "/?page=%00",
        "/articles/%00/",
        "/tags/%00/",
        "/tags/a%00b/rss/",
        "/feeds/tags/%00/rss/",
        "/initiatives/%00/",
        "/preview/%00/",
        "/copyright/transparency/?period=2025-H1%00",
        "/copyright/transparency/report.csv?period=2025-H1%00",
    ],
)
def test_a_nul_in_the_address_or_query_is_a_400_for_a_person(client, url):
    response = client.get(url)
    assert refused(response)
    assert "null character" in response.content.decode()
    assert "Traceback" not in response.content.decode()


@pytest.mark.parametrize("data", [{"message": "hello\x00"}, {"mess\x00age": "hello"}])
def test_a_nul_in_a_posted_form_is_a_400_and_nothing_is_stored(client, data):
    from editorial.models import ContactInquiry

    assert refused(client.post("/contact/", data))
    assert refused(client.post("/contact/", data, format="multipart"))
    assert not ContactInquiry.objects.exists()


def test_a_nul_in_a_header_is_a_400(client):
    assert refused(client.get("/", headers={"user-agent": "robot\x00"}))


def test_a_lone_surrogate_decoded_as_utf7_is_a_400(client):
    """A request may name its charset, and "+2AA-" in UTF-7 is U+D800, half of a UTF-16 pair, which cannot be
    encoded as UTF-8 for the database. Django refuses URL-encoded forms in any charset but UTF-8 itself; a
    query string and a multipart form are decoded with the charset given."""
    assert refused(client.get("/search/?q=%2B2AA-", CONTENT_TYPE="text/plain; charset=utf-7"))
    # The test client encodes a text body in the charset named: the field arrives as "+2AA--".
    body = '--B\r\nContent-Disposition: form-data; name="message"\r\n\r\n\ud800-\r\n--B--\r\n'
    assert refused(client.post("/contact/", body, content_type="multipart/form-data; boundary=B; charset=utf-7"))
    # The same text in UTF-8 is only letters.
    assert client.get("/search/?q=%2B2AA-").status_code == 200


def test_django_s_own_400s_are_readable_too(client):
    """A form Django itself refuses to read (here: URL-encoded in another charset) gets a page for a person."""
    utf7_form = "application/x-www-form-urlencoded; charset=utf-7"
    response = client.post("/contact/", "message=hello", content_type=utf7_form)
    assert response.status_code == 400
    assert "read that request" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_a_body_that_is_not_a_form_is_left_to_the_view():
    seen = []

    def view(request):
        seen.append(request)
        return HttpResponse("ok")

    request = RequestFactory().post("/api/", '{"text": "\\u0000"}', content_type="application/json")
    response = UnstorableCharactersMiddleware(view)(request)
    assert response.status_code == 200 and seen == [request]
    assert request.body == b'{"text": "\\u0000"}'  # not consumed by the middleware


def pass_through(request) -> int:
    return UnstorableCharactersMiddleware(lambda r: HttpResponse("ok"))(request).status_code


HYPOTHESIS = hypothesis_settings(max_examples=80, deadline=None)


@HYPOTHESIS
@given(before=st.text(), after=st.text(), key=st.text(min_size=1))
def test_property_any_query_value_holding_a_nul_is_refused(before, after, key):
    assert pass_through(RequestFactory().get("/search/", {key: before + "\x00" + after})) == 400


@HYPOTHESIS
@given(value=st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00")), key=st.text(min_size=1))
def test_property_any_query_value_without_one_is_passed_through(value, key):
    assert pass_through(RequestFactory().get("/search/", {key.replace("\x00", "") or "q": value})) == 200


@HYPOTHESIS
@given(value=st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00")))
def test_property_any_form_value_without_one_is_passed_through(value):
    assert pass_through(RequestFactory().post("/contact/", {"message": value})) == 200


# --- what the outside test found --------------------------------------------------------------------------


def signed_in_superuser(client: Client):
    """A superuser signed in as production requires: password and a one-time code (django-otp)."""
    user = UserFactory(username="chief", is_superuser=True)
    device = TOTPDevice.objects.create(user=user, name="phone")
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"
    response = client.post(
        "/admin/login/",
        {"username": "chief", "password": PASSWORD, "otp_device": device.persistent_id, "otp_token": code},
    )
    assert response.status_code == 302, "sign-in with a one-time code failed"
    assert client.get("/admin/").status_code == 200
    return user


@pytest.fixture
def staff_client(settings):
    """A browser whose 500s are seen as responses, signed in to the back office as a superuser."""
    settings.OTP_REQUIRED_FOR_STAFF = True
    client = Client(raise_request_exception=False)
    client.user = signed_in_superuser(client)
    return client


def test_a_nul_in_the_complaint_form_is_a_400(client):
    article = ArticleFactory()
    assert refused(client.post(FORM_URL, form_data("/media/\x00")))
    assert refused(client.post(FORM_URL, form_data(article_url(article) + "\x00")))


@pytest.mark.parametrize("escaped", ["/media/%00", "/media/photos/a%00.jpg", "/articles/x%00y/"])
def test_an_encoded_nul_in_a_complaint_address_is_a_form_error(client, escaped):
    """Typed as text, %00 passes the middleware; decoding it must not reach a query (PostgreSQL: 500)."""
    response = client.post(FORM_URL, form_data(escaped))
    assert response.status_code == 200
    assert "encoded control character" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/articles/article/tag-suggestions/?q=%00",
        "/admin/articles/article/?status__exact=%00",
        "/admin/autocomplete/?term=%00&app_label=articles&model_name=article&field_name=tags",
        "/admin/autocomplete/?term=%00&app_label=articles&model_name=article&field_name=editor",
    ],
)
def test_a_nul_in_the_back_office_is_a_400(staff_client, url):
    ArticleFactory(tags=["trade"])
    assert refused(staff_client.get(url))
    # Without the NUL the same screens answer.
    assert staff_client.get(url.replace("%00", "trade")).status_code == 200


# --- the walker -------------------------------------------------------------------------------------------

# Each is one request's query string. The NUL ones must be refused by the middleware; the others reach the
# views, which must answer them (a page, a redirect or a 4xx).
NUL_QUERIES = [
    "q=%00",
    "status__exact=%00",
    "term=%00&app_label=articles&model_name=article&field_name=tags",
    "page=%00",
    "p=%00",
]
HOSTILE_QUERIES = [
    "q=%ff%fe",
    "p=-1&page=-1&o=-999",
    "status__exact=bogus&period=2025-H9",
    "q=" + "x" * 3000 + "&page=99999999999999999999",
    "term=%ff&app_label=articles&model_name=article&field_name=tags",
    "_to_field=password&_popup=1&_changelist_filters=%ff",
]
NUL_FORM = {"q": "\x00", "title": "A title\x00", "body": "<p>\x00</p>", "urls": "/media/\x00"}
HOSTILE_FORM = {
    "q": "%00",
    "title": "x" * 5000,
    "body": "<p>[[image:999999]]</p>",
    "urls": "/media/%00\nhttps://elsewhere.example/%ff",
    "page": "-1",
    "period": "\ufffd",
    "status": "published",
    "editor": "999999",
    "tags": "a" * 300,
}


def patterns(resolvers=None, namespace="", prefix=""):
    """(qualified name or None, pattern, full route text, parameter names) of every URL pattern."""
    for entry in get_resolver().url_patterns if resolvers is None else resolvers:
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace or "") if part)
            yield from patterns(entry.url_patterns, inner, prefix + str(entry.pattern))
        else:
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield name, entry, prefix + str(entry.pattern), list(entry.pattern.regex.groupindex)


@pytest.fixture
def content(django_capture_on_commit_callbacks):
    """Something on every screen: an article with its picture, tag, initiative and correction, a complaint
    with evidence, another upheld by removing a picture (measure, takedown fingerprint), a sanction, an
    inquiry, a revision."""
    image = ImageFactory()
    initiative = InitiativeFactory(name="Belt and Road")
    MilestoneFactory(initiative=initiative)
    article = ArticleFactory(
        hero_image=image,
        body=f"<p>Port news.</p><p>[[image:{image.pk}]]</p>",
        tags=["trade"],
        initiatives=[initiative],
    )
    CorrectionFactory(article=article)
    revisions.record(article, summary="Created")
    complaint, _token = received_complaint(article)
    moves.complaint_add_information(
        complaint=complaint,
        text="Our licence.",
        evidence=[CheckedFile(name="licence.pdf", content=b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")],
    )
    removed_picture = ImageFactory()
    ArticleFactory(hero_image=removed_picture)
    upheld, _ = received(removed_picture)
    officer_user = officer()
    StaticDevice.objects.create(user=officer_user, name="backup codes")
    with django_capture_on_commit_callbacks(execute=True):
        uphold(upheld, officer_user, Kind.REMOVE_IMAGE)
    NotifierSanction.objects.create(
        kind=NotifierSanction.Kind.values[0], email="bad@agency.test", reason="Three unfounded complaints."
    )
    ContactInquiry.objects.create(
        kind=ContactInquiry.Kind.values[0], name="Li", email="li@example.test", subject="Hello", message="Hi"
    )
    return {"article": article, "image": image, "initiative": initiative, "complaint": complaint}


def fill(name: str | None, route: str, param: str, content: dict, user) -> str:
    """A real value for `param` of the pattern `name`, so the walk reaches the view behind it."""
    article, complaint = content["article"], content["complaint"]
    if param == "object_id" and name == "admin:view_on_site":
        return str(article.pk)
    if param == "object_id":
        model = admin_model(name, route)
        obj = model._meta.default_manager.order_by("pk").first()
        return quote(str(obj.pk)) if obj else "999999"
    slugs = {
        "articles:initiative": content["initiative"].slug,
        "articles:initiative-rss": content["initiative"].slug,
        "articles:initiative-atom": content["initiative"].slug,
        "articles:section": article.section.slug,
        "articles:tag": article.tags.get().slug,
        "articles:tag-rss": article.tags.get().slug,
        "articles:tag-atom": article.tags.get().slug,
        "articles:editor": article.editor.slug,
    }
    values = {
        "slug": slugs.get(name, article.slug),
        "section": "articles",
        "reference": complaint.reference,
        "token": "a" * 32,
        "content_type_id": str(ContentType.objects.get_for_model(article).pk),
        "app_label": "articles",
        "pk": str(TOTPDevice.objects.get(user=user).pk) if user else "1",
        "id": str(user.pk) if user else "1",
        "complaint_id": str(complaint.pk),
        "evidence_id": str(complaint.evidence.first().pk),
        "action": "assign",
        "number": "1",
        "path": content["image"].file.name,
        "url": "nowhere/at/all/",
    }
    if param not in values:
        raise AssertionError(f"{name or route}: the walker cannot fill <{param}>; teach fill() a real value")
    return values[param]


def admin_model(name: str | None, route: str):
    """The model behind a back-office pattern, by its name (admin:<app>_<model>_<view>) or its route."""
    for model in apps.get_models():
        if not admin.site.is_registered(model):
            continue
        opts = model._meta
        if (name and name.startswith(f"admin:{opts.app_label}_{opts.model_name}_")) or route.startswith(
            f"admin/{opts.app_label}/{opts.model_name}/"
        ):
            return model
    raise AssertionError(f"{name or route}: no registered model")


def url_of(name, pattern, route, params, content, user) -> str:
    kwargs = {param: fill(name, route, param, content, user) for param in params}
    if name:
        return reverse(name, kwargs=kwargs)
    # Unnamed: fill the route's <converter:name> or the regex's (?P<name>...) by hand.
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: kwargs[m[1]], route)
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: kwargs[m[1]], route)
    return "/" + route.replace("^", "").replace("$", "")


def walk_order(entry) -> tuple:
    """Signing out last: the walk's POST there ends the session."""
    name = entry[0] or ""
    return (name == "admin:logout", name)


def walk(client: Client, content: dict, user) -> tuple[list[str], int]:
    failures, requests = [], 0
    for name, pattern, route, params in sorted(patterns(), key=walk_order):
        if name == "admin:logout" and user and client.get("/admin/").status_code != 200:
            failures.append("the superuser was signed out before the end of the walk")
        url = url_of(name, pattern, route, params, content, user)
        attempts = [("GET", f"{url}?{query}", None) for query in NUL_QUERIES + HOSTILE_QUERIES]
        attempts.append(("POST", url, NUL_FORM))
        if not name or not name.endswith("_delete"):  # a junk POST there is a real deletion, Django's own path
            attempts.append(("POST", url, HOSTILE_FORM))
        for method, target, data in attempts:
            response = client.get(target) if method == "GET" else client.post(target, data)
            requests += 1
            if response.status_code >= 500:
                failures.append(f"{method} {target[:120]} ({name or route}): {response.status_code}")
            nul = (method == "GET" and target.split("?", 1)[1] in NUL_QUERIES) or data is NUL_FORM
            if nul and not refused(response):
                failures.append(f"{method} {target[:120]} ({name or route}): NUL not refused")
    return failures, requests


def test_every_url_pattern_survives_hostile_input_from_a_visitor(content):
    failures, requests = walk(Client(raise_request_exception=False), content, None)
    assert requests >= len(list(patterns())) * len(NUL_QUERIES + HOSTILE_QUERIES)
    assert failures == [], "\n".join(failures)


def test_every_url_pattern_survives_hostile_input_from_a_superuser(content, staff_client):
    failures, requests = walk(staff_client, content, staff_client.user)
    assert requests >= len(list(patterns())) * len(NUL_QUERIES + HOSTILE_QUERIES)
    assert failures == [], "\n".join(failures)
