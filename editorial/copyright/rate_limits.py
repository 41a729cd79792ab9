"""Limits on how often the public may use the complaint and contact forms, counted in the shared cache."""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)


def rate_window() -> int:
    return getattr(settings, "COMPLAINT_RATE_LIMIT_WINDOW_SECONDS", 3600)


def over_limit(scope: str, who: str, limit: int) -> bool:
    """Count one more action by `who` in `scope` in the current window; True once past `limit`.

    Kept in the shared cache (Redis in production), so every app server sees the same count. If the cache
    is down we let the request through rather than refuse everyone.
    """
    key = "ratelimit:" + scope + ":" + hashlib.sha256(who.encode("utf-8", "surrogatepass")).hexdigest()
    try:
        cache.add(key, 0, rate_window())
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, rate_window())
            count = 1
    except Exception:
        logger.exception("Rate-limit cache unavailable; letting the request through")
        return False
    return count > limit


def too_many(request: HttpRequest, what: str) -> HttpResponse:
    minutes = max(1, rate_window() // 60)
    response = render(request, "editorial/rate_limited.html", {"what": what, "minutes": minutes}, status=429)
    response["Retry-After"] = str(rate_window())
    return response
