"""Settings for `make bench` only: the site's own settings plus the bench URLconf with the bare-Django
reference views. Never used to serve readers.

The benchmark sets DEBUG off, SECRET_KEY and ALLOWED_HOSTS through the environment like production, the
cache key prefix of its run (CACHE_KEY_PREFIX), the edge's purge address in the Varnish tier
(EDGE_PURGE_URLS, read by the site's own settings), and BENCH_PAGE_CACHE_SECONDS to serve the same site
with and without the fallback page cache.
"""

from config.settings import *  # noqa: F403
from config.settings import env, env_int

ROOT_URLCONF = "tests.benchmarks.urls"
PAGE_CACHE_SECONDS = env_int("BENCH_PAGE_CACHE_SECONDS", 300)
# Plain HTTP on loopback: no proxy in front to terminate TLS.
SECURE_SSL_REDIRECT = False
if env("BENCH_CACHE") == "none":
    # The "nothing cached" tier: a cache that keeps nothing, so every request does all of its work.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
