from django.core.management.base import BaseCommand

from editorial.copyright.takedowns import takedowns_fingerprint_missing


class Command(BaseCommand):
    help = (
        "Fingerprint pictures removed and passages corrected after copyright complaints before fingerprints "
        "were kept, so they are refused if they come back (editorial/copyright/takedowns.py). Safe to run "
        "twice; run it once after upgrading."
    )

    def handle(self, *args, **options):
        made, skipped = takedowns_fingerprint_missing()
        self.stdout.write(f"{made} measure{'s' if made != 1 else ''} fingerprinted.")
        if skipped:
            self.stdout.write(
                f"{skipped} could not be: a correction that takes nothing out, or a removed picture whose kept "
                "copy cannot be read (its measure says where it was kept)."
            )
