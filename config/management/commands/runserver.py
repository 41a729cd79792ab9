"""`manage.py runserver`: Django's development server (with staticfiles' handling), whose links name the
address it serves.

SITE_URL makes every absolute link: feeds, canonical links, the complaint form's pre-filled address, the
confirmation email. Unset in development it used to default to http://127.0.0.1:8000 whatever port the
server was on, so `make run PORT=8101` sent people to the wrong port. When SITE_URL is not set, this sets it
from the address and port being served, before any request; a SITE_URL that is set always wins, and
production (gunicorn, never runserver) is untouched.

Why not the request's Host header: mail is sent by a task after the request, and outside any request (the
worker, `load_demo`) there is no Host to read; a forged Host must not choose the links in our mail either.
"""

import os

from django.conf import settings
from django.contrib.staticfiles.management.commands.runserver import Command as StaticfilesRunserver

WILDCARDS = {"0", "0.0.0.0", "::", ""}  # noqa: S104 - names of "every address", not a bind


def served_site_url(protocol: str, addr: str, port: str) -> str:
    """The URL a person on this machine opens for a development server bound to `addr`:`port`."""
    if addr in WILDCARDS:
        host = "[::1]" if addr == "::" else "127.0.0.1"
    elif ":" in addr:
        host = f"[{addr}]"
    else:
        host = addr
    return f"{protocol}://{host}:{port}"


class Command(StaticfilesRunserver):
    def run(self, **options):
        if settings.DEBUG and not os.environ.get("SITE_URL") and str(self.port) != "0":
            url = served_site_url(self.protocol, self.addr, str(self.port))
            # The autoreloader serves from a child process, which reads its settings from the environment;
            # with --noreload this process serves, and has not answered a request yet.
            os.environ["SITE_URL"] = url
            settings.SITE_URL = url
            self.stdout.write(f"Links and emails use SITE_URL={url} (set SITE_URL to choose another).\n")
        super().run(**options)
