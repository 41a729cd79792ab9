"""Helpers the browser tests share (imported from here, never from another test module)."""

from urllib.parse import urlsplit

from playwright.sync_api import expect

# The password tests/factories.py gives every account.
PASSWORD = "correct horse battery staple"


def serious_violations(page, *, exclude: list[str] | None = None) -> list[str]:
    """axe's serious and critical findings on the page (`exclude`: CSS selectors left out)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context={"exclude": [[selector] for selector in exclude]}) if exclude else Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def on_live_server(live_server, url: str) -> str:
    """Links in stored messages use SITE_URL; the test's server listens elsewhere."""
    parts = urlsplit(url)
    return f"{live_server.url}{parts.path}" + (f"?{parts.query}" if parts.query else "")


def sign_in(page, live_server, username: str) -> None:
    """Sign in to the back office as `username` and wait until the admin shows the person signed in."""
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def body_editor(page):
    """The article body's rich-text editor, named "Body" for screen readers, once it has started.

    Until django-prose-editor has loaded its modules, the role "textbox" named Body is the plain textarea the
    editor then hides, and a click that found the textarea would wait on it in vain: only the editable area
    (`contenteditable`) is the editor.
    """
    editor = page.get_by_role("textbox", name="Body").and_(page.locator("[contenteditable='true']"))
    expect(editor).to_be_visible()
    return editor


def open_body_editor(page, live_server, article, csp_reports: list, username: str = "he"):
    """Sign in as `username`, open `article`'s change form and return its body editor; the page's Content
    Security Policy reports are collected in `csp_reports` from then on."""
    from django.urls import reverse

    page.on("console", lambda m: csp_reports.append(m.text) if "Content Security Policy" in m.text else None)
    sign_in(page, live_server, username)
    page.goto(f"{live_server.url}{reverse('admin:articles_article_change', args=[article.pk])}")
    return body_editor(page)
