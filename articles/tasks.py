import logging
import time
from datetime import timedelta

from django.conf import settings
from django.tasks import task, task_backends
from django.utils import timezone

logger = logging.getLogger(__name__)

# A failed purge is tried again after 1, 2, 4... seconds, at most this far apart.
PURGE_RETRY_MAX_SECONDS = 60


@task()
def make_renditions(image_id: int) -> int:
    """Make the missing renditions of one image; returns how many were made. Safe to run twice."""
    from .models import Image

    image = Image.objects.filter(pk=image_id, removed_at__isnull=True).first()
    if image is None:
        return 0
    return len(image.make_renditions())


@task()
def purge_edge(keys: list[str], deadline: float, urls: list[str] | None = None, attempt: int = 1) -> list[str]:
    """Purge the pages tagged with `keys` from every edge (EDGE_PURGE_URLS, or `urls`); returns the edges
    that did not answer. Safe to run twice.

    An edge that does not answer gets the purge again later, as a new task of its own (`run_after`, with
    doubling delays), until `deadline`: by then every page it could hold that shows the old content has
    expired by its s-maxage, so the purge is no longer needed. A backend that cannot defer (the immediate
    one in development) can only log the failure.
    """
    from .edge import send_purge

    failed = []
    for url in urls if urls is not None else settings.EDGE_PURGE_URLS:
        try:
            send_purge(url, keys)
        except Exception as error:
            failed.append(url)
            logger.warning("edge purge of %s at %s failed (attempt %d): %s", " ".join(keys), url, attempt, error)
    if not failed:
        return []
    delay = min(2 ** (attempt - 1), PURGE_RETRY_MAX_SECONDS)
    if time.time() + delay > deadline:
        logger.error("edge purge of %s at %s given up: the pages have expired by now", " ".join(keys), failed)
    elif task_backends[purge_edge.backend].supports_defer:
        later = purge_edge.using(run_after=timezone.now() + timedelta(seconds=delay))
        later.enqueue(keys, deadline, urls=failed, attempt=attempt + 1)
    else:
        logger.error("edge purge of %s at %s lost: the task backend cannot retry later", " ".join(keys), failed)
    return failed
