from django.core.management.base import BaseCommand

from editorial.copyright.moves import complaint_timers_run


class Command(BaseCommand):
    help = (
        "Act on every complaint deadline that has passed: expire unconfirmed complaints, close those whose "
        "reply deadline passed as incomplete, restore content on its restore date after a counter-notice, and "
        "close decided complaints whose appeal window has ended; warn the officers of every decision due "
        "within 24 hours. Safe to run as often as you like (e.g. every "
        "few minutes from cron); the deferred tasks do the same at each deadline when a worker runs."
    )

    def handle(self, *args, **options):
        done = complaint_timers_run()
        self.stdout.write(", ".join(f"{count} {what.replace('_', ' ')}" for what, count in done.items()) + ".")
