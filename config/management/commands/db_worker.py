"""`manage.py db_worker`: django-tasks-db's worker, plus recovery of tasks a dead worker left RUNNING.

This command shadows the library's one of the same name ("config" comes before "django_tasks_db" in
INSTALLED_APPS), so `make worker`, the deploy doc and the library's own options stay as they are.
What it adds (see config/tasks.py):
- worker ids of the form host:pid:random, so a crashed worker's tasks can be recognised at once;
- a sweep that puts orphaned RUNNING tasks back to READY at start-up and every TASKS_SWEEP_SECONDS;
- a forced stop (a second Ctrl+C or SIGTERM) leaves the interrupted task to be run again, where the
  library would have recorded it as FAILED with SystemExit and never retried it.
"""

import logging
import os
import threading

from django.conf import settings
from django.db import DatabaseError, connections
from django_tasks_db.management.commands import db_worker as upstream

from config.tasks import new_worker_id, requeue_orphaned_tasks

logger = logging.getLogger("django_tasks_db")


def _sweep() -> None:
    try:
        requeue_orphaned_tasks()
    except DatabaseError as error:  # a locked SQLite file or a database restart: try again next time
        logger.warning("Could not sweep orphaned tasks: %s", error)


class RecoveringWorker(upstream.Worker):
    def run(self) -> None:
        _sweep()
        stop = threading.Event()
        if not self.batch:
            threading.Thread(target=self._sweep_periodically, args=(stop,), daemon=True).start()
        try:
            super().run()
        finally:
            stop.set()

    @staticmethod
    def _sweep_periodically(stop: threading.Event) -> None:
        while not stop.wait(settings.TASKS_SWEEP_SECONDS):
            _sweep()
            connections.close_all()  # this thread's own connections

    def shutdown(self, signum, frame) -> None:
        if not self.running and self.running_task:
            logger.warning("Second stop signal: exiting now; the interrupted task will be run again.")
            os._exit(1)
        super().shutdown(signum, frame)


class Command(upstream.Command):
    help = upstream.Command.help + " (requeues tasks left RUNNING by a worker that died)"

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(worker_id=new_worker_id())

    def handle(self, *args, **options) -> None:
        original = upstream.Worker
        upstream.Worker = RecoveringWorker
        try:
            super().handle(*args, **options)
        finally:
            upstream.Worker = original
