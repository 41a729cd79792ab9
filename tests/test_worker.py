"""The background worker: Django's tasks run by django-tasks-db's `db_worker` in a separate process, and a
worker killed mid-task loses nothing (issue 8, point 5).

What the library does by itself (django-tasks-db 0.13, read in its source): a worker marks a task RUNNING
in a committed transaction before running it and only then SUCCESSFUL or FAILED; killed in between, the
row stays RUNNING for ever and no worker looks at it again. A second SIGTERM/Ctrl+C records the task as
FAILED (SystemExit). Our `db_worker` (config/management/commands/db_worker.py) adds the recovery; these
tests kill real worker processes and watch the task run again.

The worker and the enqueuing code run as subprocesses against a database they share: the PostgreSQL
test database when the suite runs on PostgreSQL, otherwise a migrated SQLite file.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from config.tasks import requeue_orphaned_tasks, this_host

ROOT = Path(__file__).resolve().parent.parent


@task()
def note_attempt(marker: str, first_attempt_seconds: float = 0) -> int:
    """A test task: appends a line per attempt; the first attempt can be made slow enough to kill."""
    path = Path(marker)
    with path.open("a") as handle:
        handle.write("attempt\n")
    attempts = len(path.read_text().splitlines())
    if attempts == 1 and first_attempt_seconds:
        time.sleep(first_attempt_seconds)
    Path(f"{marker}.done").write_text(str(attempts))
    return attempts


# -- a database the worker subprocess can share ---------------------------------------------------------


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory):
    if connection.vendor != "sqlite":
        return None
    path = tmp_path_factory.mktemp("worker-db") / "migrated.sqlite3"
    env = _base_env(tmp_path_factory.mktemp("worker-media"), f"sqlite:///{path}")
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return path


def _base_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CACHE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(
        {
            "DEBUG": "1",
            "TASKS_BACKEND": "database",
            "DATABASE_URL": database_url,
            "DATABASE_CONN_MAX_AGE": "0",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "PRIVATE_MEDIA_ROOT": str(tmp_path / "private-media"),
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
    )
    return env


@pytest.fixture
def worker_env(transactional_db, tmp_path, migrated_sqlite) -> dict[str, str]:
    """Environment for subprocesses sharing a database with the worker.

    `transactional_db` is asked for by name (not looked up at run time) so that pytest-django creates the
    test database and commits rows: without it the subprocesses would be pointed at the real database.
    """
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        assert db["NAME"].startswith("test_"), f"refusing to run workers against {db['NAME']}"
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    else:
        path = tmp_path / "worker.sqlite3"
        shutil.copy(migrated_sqlite, path)
        url = f"sqlite:///{path}"
    return _base_env(tmp_path, url)


def django(env: dict[str, str], code: str):
    """Run `code` in a fresh Django process on the shared database; it prints one JSON value."""
    result = subprocess.run(
        [sys.executable, "-c", f"import django, json\ndjango.setup()\n{code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def enqueue_note(env, marker: Path, first_attempt_seconds: float = 0) -> str:
    return django(
        env,
        "from tests.test_worker import note_attempt\n"
        f"print(json.dumps(str(note_attempt.enqueue({str(marker)!r}, {first_attempt_seconds}).id)))",
    )


def task_state(env, task_id: str) -> dict:
    return django(
        env,
        "from django_tasks_db.models import DBTaskResult\n"
        f"r = DBTaskResult.objects.get(id={task_id!r})\n"
        "print(json.dumps({'status': r.status, 'return_value': r.return_value, 'workers': r.worker_ids}))",
    )


def run_worker_batch(env) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def start_worker(env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay", "--no-reload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for(condition, timeout: float = 60, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def attempts(marker: Path) -> int:
    return len(marker.read_text().splitlines()) if marker.exists() else 0


# -- the worker runs tasks -------------------------------------------------------------------------------


def test_make_worker_runs_the_database_worker():
    # Under `make test` this runs inside another make: no "Entering/Leaving directory" lines, please.
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "worker"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].endswith("manage.py db_worker")


def test_tasks_backend_database_selects_django_tasks_db(tmp_path):
    env = _base_env(tmp_path, f"sqlite:///{tmp_path / 'x.sqlite3'}")
    backend = django(env, "from django.conf import settings\nprint(json.dumps(settings.TASKS['default']['BACKEND']))")
    assert backend == "django_tasks_db.DatabaseBackend"


def test_a_rendition_task_runs_in_a_real_worker_process(worker_env, tmp_path):
    image_id = django(
        worker_env,
        "from tests.factories import ImageFactory\n"
        "image = ImageFactory()\n"
        "from articles.tasks import make_renditions\n"
        "make_renditions.enqueue(image.pk)\n"
        "print(json.dumps(image.pk))",
    )
    pending = django(
        worker_env,
        "from articles.models import Rendition\n"
        f"print(json.dumps(Rendition.objects.filter(image_id={image_id}).count()))",
    )
    assert pending == 0  # enqueued, not run: the database backend defers to the worker

    run_worker_batch(worker_env)

    made = django(
        worker_env,
        "from articles.models import Rendition\n"
        "from django_tasks_db.models import DBTaskResult\n"
        f"files = [r.file.path for r in Rendition.objects.filter(image_id={image_id})]\n"
        "statuses = list(DBTaskResult.objects.values_list('status', flat=True))\n"
        "print(json.dumps({'files': files, 'statuses': statuses}))",
    )
    assert made["statuses"] == ["SUCCESSFUL"]
    assert len(made["files"]) >= 2
    assert all(Path(f).is_file() and Path(f).stat().st_size > 0 for f in made["files"])


def test_stored_emails_and_expiries_are_sent_and_run_by_the_worker(worker_env):
    django(
        worker_env,
        "from editorial.models import OutboundMessage\n"
        "from editorial.tasks import expire_unverified_complaints, send_outbound_message\n"
        "m = OutboundMessage.objects.create(to='notifier@lens.test', subject='Your complaint CN-2026-000042',"
        " body='We received it.', kind='acknowledgement')\n"
        "send_outbound_message.enqueue(m.pk)\n"
        "expire_unverified_complaints.enqueue()\n"
        "print(json.dumps(m.status))",
    )

    result = run_worker_batch(worker_env)

    assert "Your complaint CN-2026-000042" in result.stdout  # the console mail backend printed it
    state = django(
        worker_env,
        "from editorial.models import OutboundMessage\n"
        "from django_tasks_db.models import DBTaskResult\n"
        "m = OutboundMessage.objects.get()\n"
        "tasks = sorted((r.task_path.rsplit('.', 1)[1], r.status) for r in DBTaskResult.objects.all())\n"
        "print(json.dumps({'status': m.status, 'sent_at': bool(m.sent_at), 'tasks': tasks}))",
    )
    assert state["status"] == "sent" and state["sent_at"]
    assert state["tasks"] == [["expire_unverified_complaints", "SUCCESSFUL"], ["send_outbound_message", "SUCCESSFUL"]]


def test_killing_the_worker_mid_task_loses_nothing(worker_env, tmp_path):
    marker = tmp_path / "kill.txt"
    task_id = enqueue_note(worker_env, marker, first_attempt_seconds=120)
    worker = start_worker(worker_env)
    try:
        wait_for(lambda: attempts(marker) == 1, what="the worker to start the task")
        assert task_state(worker_env, task_id)["status"] == "RUNNING"
        worker.kill()  # SIGKILL: no handler runs, no status is written
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    # What django-tasks-db leaves behind: a task that says RUNNING with nobody running it.
    assert task_state(worker_env, task_id)["status"] == "RUNNING"

    result = run_worker_batch(worker_env)

    state = task_state(worker_env, task_id)
    assert state["status"] == "SUCCESSFUL", result.stdout
    assert state["return_value"] == 2  # run again, to the end
    assert len(state["workers"]) == 2
    assert (tmp_path / "kill.txt.done").read_text() == "2"


def test_a_forced_stop_leaves_the_task_to_be_run_again(worker_env, tmp_path):
    """Two SIGTERMs (systemd's stop, then an impatient operator): the library would mark it FAILED."""
    marker = tmp_path / "forced.txt"
    task_id = enqueue_note(worker_env, marker, first_attempt_seconds=120)
    worker = start_worker(worker_env)
    try:
        wait_for(lambda: attempts(marker) == 1, what="the worker to start the task")
        worker.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 1
    finally:
        if worker.poll() is None:
            worker.kill()
    assert task_state(worker_env, task_id)["status"] == "RUNNING"

    run_worker_batch(worker_env)

    assert task_state(worker_env, task_id) | {"workers": None} == {
        "status": "SUCCESSFUL",
        "return_value": 2,
        "workers": None,
    }


def test_a_graceful_stop_finishes_the_running_task_first(worker_env, tmp_path):
    marker = tmp_path / "graceful.txt"
    task_id = enqueue_note(worker_env, marker, first_attempt_seconds=3)
    worker = start_worker(worker_env)
    try:
        wait_for(lambda: attempts(marker) == 1, what="the worker to start the task")
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
    state = task_state(worker_env, task_id)
    assert state["status"] == "SUCCESSFUL"
    assert state["return_value"] == 1  # finished on its first attempt, not cut short


# -- which orphaned tasks are taken back -----------------------------------------------------------------


def running_task(*, worker_id: str, started: timedelta) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": ["/nonexistent"], "kwargs": {}},
        task_path="tests.test_worker.note_attempt",
        backend_name="default",
        run_after=get_date_max(),
        started_at=timezone.now() - started,
        worker_ids=[worker_id],
    )


@pytest.fixture
def live_worker_pid():
    """A process whose command line names db_worker, standing in for a worker that is still alive."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "db_worker"])
    yield process.pid
    process.kill()
    process.wait()


@pytest.fixture
def dead_pid():
    process = subprocess.Popen([sys.executable, "-c", "pass", "db_worker"])
    process.wait()
    return process.pid


@pytest.mark.django_db
def test_requeue_takes_back_only_what_nobody_is_running(live_worker_pid, dead_pid):
    host = this_host()
    dead_here = running_task(worker_id=f"{host}:{dead_pid}:abc", started=timedelta(seconds=5))
    alive_here = running_task(worker_id=f"{host}:{live_worker_pid}:def", started=timedelta(seconds=5))
    elsewhere_recent = running_task(worker_id="another-host:4242:ghi", started=timedelta(minutes=5))
    elsewhere_expired = running_task(worker_id="another-host:4243:jkl", started=timedelta(hours=2))
    upstream_id_expired = running_task(worker_id="k3J9aQ0xLm2Z", started=timedelta(hours=2))

    requeued = set(requeue_orphaned_tasks(lease=timedelta(hours=1)))

    assert requeued == {str(dead_here.pk), str(elsewhere_expired.pk), str(upstream_id_expired.pk)}
    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses[dead_here.pk] == statuses[elsewhere_expired.pk] == TaskResultStatus.READY
    assert statuses[alive_here.pk] == statuses[elsewhere_recent.pk] == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_finished_tasks_are_never_requeued():
    done = running_task(worker_id="another-host:1:x", started=timedelta(hours=5))
    DBTaskResult.objects.filter(pk=done.pk).update(status=TaskResultStatus.SUCCESSFUL)
    assert requeue_orphaned_tasks(lease=timedelta(minutes=1)) == []
    assert DBTaskResult.objects.get(pk=done.pk).status == TaskResultStatus.SUCCESSFUL
