"""`manage.py load_demo`: the demo newsroom for `make run`. Safe to run on every start."""

import contextlib
import io
import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from config.mail import where_mail_goes
from editorial.demo import STAFF_MAIL_DOMAIN, load_demo
from editorial.models import OutboundMessage

REFUSAL = (
    "Refusing to load demo content: DEBUG is off, so this looks like a production database, and the demo "
    "creates staff accounts whose passwords are printed on screen. Use DEBUG=1 on a development machine, or "
    "pass --allow-production if you really want demo accounts and articles in this database."
)

LABELS = [
    ("sections", "sections"),
    ("initiatives", "initiatives"),
    ("milestones", "milestones"),
    ("editors", "editors"),
    ("accounts", "accounts"),
    ("articles", "articles"),
    ("images", "images"),
    ("corrections", "corrections"),
    ("complaints", "copyright complaints"),
]


@contextlib.contextmanager
def quietly():
    """The demo's stories and complaints mail their notices as they load, through tasks that run at once in
    development: a thousand lines of mail, task log and "not sent" notes (the demo's complaints come from
    example addresses) on the console, which would bury the passwords printed after. They are kept off the
    console while loading; the mail stays readable in the back office's outbox."""
    logs = [logging.getLogger("django.tasks"), logging.getLogger("editorial.outbox")]
    levels = [log.level for log in logs]
    for log in logs:
        log.setLevel(logging.ERROR)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        for log, level in zip(logs, levels, strict=True):
            log.setLevel(level)


class Command(BaseCommand):
    help = (
        "Load the demo newsroom (sections, initiatives with milestones, editors, articles with Pillow-made "
        "pictures, and one back-office account per role). Creates only what is missing; a second run changes "
        "nothing. Refuses to run with DEBUG off unless given --allow-production."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load even though DEBUG is off. Demo accounts then exist in this database: delete them after.",
        )

    def handle(self, *args, allow_production: bool = False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(REFUSAL)
        started = time.monotonic()
        last_message = OutboundMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        with quietly():
            report = load_demo()
        elapsed = time.monotonic() - started

        if report.nothing_created:
            self.stdout.write(f"Demo content already loaded; nothing to add ({elapsed:.2f} s).")
        else:
            made = ", ".join(f"{report.created[key]} {label}" for key, label in LABELS if report.created[key])
            self.stdout.write(self.style.SUCCESS(f"Demo content loaded in {elapsed:.1f} s: {made}."))

        login_url = settings.SITE_URL + reverse("admin:index")
        if report.new_accounts:
            width = max(len(a.username) for a in report.new_accounts)
            self.stdout.write("")
            self.stdout.write(
                self.style.WARNING("Demo accounts. The passwords are shown only this once; copy them now.")
            )
            for account in report.new_accounts:
                self.stdout.write(f"  {account.username:<{width}}  {account.password}  ({account.role})")
            self.stdout.write(f"Log in at {login_url}")
        self.stdout.write(
            f"The demo staff's mail (their addresses end in @{STAFF_MAIL_DOMAIN}) is {where_mail_goes()}; "
            "each person's notices are also on their desk, the back office's front page."
        )
        mailed = OutboundMessage.objects.filter(pk__gt=last_message).count()
        if mailed:
            self.stdout.write(
                f"Loading the demo mailed {mailed} notices; they were not printed here. Read them in the back "
                "office under Outbox. Mail sent from now on is printed as it goes."
            )
        if report.existing_accounts:
            names = ", ".join(report.existing_accounts)
            self.stdout.write(
                f"Demo accounts already exist ({names}); their passwords were shown when they were created."
            )
            first = report.existing_accounts[0]
            self.stdout.write(f"To set a new password: python manage.py changepassword {first}. Log in at {login_url}")
