from django.core.management.base import BaseCommand

from editorial.copyright import moves


class Command(BaseCommand):
    help = (
        "Mark unverified complaints older than COMPLAINT_UNVERIFIED_EXPIRY_HOURS as expired. They are kept, "
        "never deleted; their evidence files are deleted, and the record of each file (name, size, SHA-256) "
        "kept. Safe to run as often as you like (e.g. hourly from cron)."
    )

    def handle(self, *args, **options):
        expired = moves.complaints_expire_unverified()
        self.stdout.write(f"{expired} unverified complaint{'s' if expired != 1 else ''} expired.")
