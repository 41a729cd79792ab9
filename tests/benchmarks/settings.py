"""Settings for `make bench` only: the site's own settings plus the bench URLconf with the bare-Django
reference views. Never used to serve readers.

The benchmark sets DEBUG off, SECRET_KEY and ALLOWED_HOSTS through the environment like production, and
BENCH_PAGE_CACHE_SECONDS to serve the same site with and without the page cache.
"""

from config.settings import *  # noqa: F403
from config.settings import env, env_int

ROOT_URLCONF = "tests.benchmarks.urls"
PAGE_CACHE_SECONDS = env_int("BENCH_PAGE_CACHE_SECONDS", 300)
PAGE_CACHE_CHANGE_FEED = env("BENCH_PAGE_CACHE_CHANGE_FEED", "1") == "1"
# Plain HTTP on loopback: no proxy in front to terminate TLS.
SECURE_SSL_REDIRECT = False
