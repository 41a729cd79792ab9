"""Security headers on the pages readers, rights holders and staff reach (issue 8, point 1).

The production-only values (HSTS, secure cookies) are read from the real settings module started with
DEBUG off in a subprocess, then applied here, so this test checks what production actually sends.
"""

import re

import pytest
from django.test import override_settings

from tests.factories import ArticleFactory, UserFactory
from tests.production_env import production_settings

PAGES = ["home", "article", "complaint form", "admin login"]


@pytest.fixture(scope="module")
def production_values():
    values = production_settings()
    keep = [
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_SSL_REDIRECT",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_REFERRER_POLICY",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "X_FRAME_OPTIONS",
    ]
    return {name: values[name] for name in keep}


@pytest.fixture
def as_production(production_values):
    with override_settings(**production_values, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")):
        yield


def url_for(page: str) -> str:
    if page == "home":
        return "/"
    if page == "article":
        return ArticleFactory(title="Headers are checked here").get_absolute_url()
    if page == "complaint form":
        return "/copyright/notices/new/"
    return "/admin/login/"


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("visit", ["first", "repeat"])
def test_page_carries_the_security_headers(client, as_production, page, visit):
    """The repeat visit may be served from the page cache: its headers and nonces must hold all the same."""
    url = url_for(page)
    response = client.get(url, secure=True)
    if visit == "repeat":
        response = client.get(url, secure=True)
    assert response.status_code == 200
    headers = response.headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    # Complaint pages may send a stricter policy (their URLs can carry a tracking token).
    allowed = (
        {"strict-origin-when-cross-origin", "strict-origin", "same-origin", "no-referrer"}
        if page == "complaint form"
        else {"strict-origin-when-cross-origin"}
    )
    assert headers["Referrer-Policy"] in allowed
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in permissions

    csp = headers["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives["script-src"][0] == "'self'"
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert "'unsafe-inline'" not in directives.get("style-src", [])
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]

    # Django adds a nonce to the header only when the page used one; any inline script must carry it,
    # or the browser would block it.
    nonces = [s[len("'nonce-") : -1] for s in directives["script-src"] if s.startswith("'nonce-")]
    html = response.content.decode()
    # JSON-LD and other data blocks are never executed, so they need no nonce.
    inline_scripts = [
        tag
        for tag in re.findall(r"<script\b[^>]*>", html)
        if "src=" not in tag and not re.search(r'type="application/(ld\+)?json"', tag)
    ]
    if inline_scripts:
        assert len(nonces) == 1, csp
    for tag in inline_scripts:
        assert f'nonce="{nonces[0]}"' in tag, tag


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https(client, as_production):
    response = client.get("/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


@pytest.mark.django_db
def test_the_proxy_header_marks_requests_as_secure(client, as_production):
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert "Strict-Transport-Security" in response.headers


@pytest.mark.django_db
@override_settings(OTP_REQUIRED_FOR_STAFF=False)
def test_session_and_csrf_cookies_are_secure_and_http_only(client, as_production):
    UserFactory(username="cookie-checker")
    login = client.get("/admin/login/", secure=True)
    csrf = login.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]
    assert csrf["samesite"] == "Lax"

    response = client.post(
        "/admin/login/",
        {"username": "cookie-checker", "password": "correct horse battery staple", "next": "/admin/"},
        secure=True,
    )
    assert response.status_code == 302, response.content[:500]
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"


@pytest.mark.django_db
def test_development_does_not_send_hsts(client):
    """HSTS is a production promise: a laptop on http://127.0.0.1 must not pin itself to HTTPS."""
    response = client.get("/")
    assert "Strict-Transport-Security" not in response.headers
    assert "Permissions-Policy" in response.headers
