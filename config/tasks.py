"""Recovering tasks that a dead worker left behind.

django-tasks-db (0.13) marks a task RUNNING when a worker claims it, in its own committed transaction,
and only later SUCCESSFUL or FAILED. A worker killed in between (SIGKILL, out of memory, a host that
dies) leaves the row RUNNING for ever: the library has no lease or heartbeat, so nothing would run the
task again. Our `db_worker` (config/management/commands/db_worker.py) calls `requeue_orphaned_tasks`
when it starts and every TASKS_SWEEP_SECONDS while it runs.

A RUNNING task is put back to READY when
- its worker ran on this host and that process is gone (checked at once, by process id), or
- it started more than TASKS_LEASE_SECONDS ago (any host; the lease must exceed the longest task).

Delivery is therefore at least once: a task may run again after a crash, so every task must be safe to
run twice (renditions skip what exists; the outbox sends only messages not yet marked sent).
"""

import logging
import os
import socket
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("masthead.tasks")


def this_host() -> str:
    return socket.gethostname()[:24]


def new_worker_id() -> str:
    """`host:pid:random`, so another worker on the same host can tell whether this one is still alive."""
    return f"{this_host()}:{os.getpid()}:{get_random_string(12)}"


def _process_is_worker(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists():
        # A recycled pid now used by another program does not keep a dead worker's task.
        try:
            return b"db_worker" in cmdline.read_bytes()
        except OSError:
            return True
    return True


def _worker_is_gone(worker_id: str) -> bool:
    host, _, rest = worker_id.partition(":")
    pid, _, _ = rest.partition(":")
    if host != this_host() or not pid.isdigit():
        return False  # another host, or an id we did not make: only the lease can tell
    return not _process_is_worker(int(pid))


def requeue_orphaned_tasks(*, lease: timedelta | None = None) -> list[str]:
    """Put RUNNING tasks whose worker is gone back to READY; return their ids."""
    lease = lease if lease is not None else timedelta(seconds=settings.TASKS_LEASE_SECONDS)
    expired_before = timezone.now() - lease
    requeued = []
    with transaction.atomic():
        running = (
            DBTaskResult.objects.running().select_for_update(skip_locked=True).only("id", "worker_ids", "started_at")
        )
        for result in running:
            last_worker = result.worker_ids[-1] if result.worker_ids else ""
            expired = result.started_at is None or result.started_at < expired_before
            if expired or _worker_is_gone(last_worker):
                requeued.append(result.id)
                logger.warning(
                    "Requeuing task %s: worker %s %s.",
                    result.id,
                    last_worker or "(unknown)",
                    "exceeded the lease" if expired else "is gone",
                )
        if requeued:
            DBTaskResult.objects.filter(id__in=requeued, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY, started_at=None
            )
    return [str(pk) for pk in requeued]
