"""Masthead settings: one module, read from the environment.

Development defaults are safe (SQLite, local-memory cache, console mail). With DEBUG off, anything
production needs and lacks stops start-up with a message naming the variable (DESIGN.md section 7).
"""

import os
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false, yes/no, on/off), not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = env(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


# Off unless asked for: a production server that forgets the variable must not show debug pages.
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off: set the SECRET_KEY variable.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is required when DEBUG is off: set ALLOWED_HOSTS to a comma-separated list of hosts."
        )
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

SITE_URL = (env("SITE_URL") or ("http://127.0.0.1:8000" if DEBUG else "")).rstrip("/")  # in mail, feeds, sitemaps
if not urlparse(SITE_URL).scheme or not urlparse(SITE_URL).netloc:  # required when DEBUG is off
    raise ImproperlyConfigured(f"SITE_URL must be set to an absolute URL like https://news.example, not {SITE_URL!r}.")
SITE_NAME = env("SITE_NAME", "Masthead News")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS") or [SITE_URL]

INSTALLED_APPS = [
    # django.contrib.admin with our site class (optional second factor for staff: config/auth.py).
    "config.apps.MastheadAdminConfig",
    # Before django_tasks_db: its `db_worker` command is extended here to requeue a dead worker's tasks.
    "config",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "taggit",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    # The article body's editor (editorial/newsroom/rich_text.py): its static files, under our CSP (nonce'd importmap).
    "django_prose_editor",
    "articles",
    "editorial",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    # Before anything reads the form or touches the database (issue 12, point 4); after the two above, so
    # its 400 still carries their headers (it sets its own CSP: the CSP middleware comes later).
    "config.middleware.UnstorableCharactersMiddleware",
    "config.middleware.ReplicaRoutingMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After the session (they read whether it was touched), before what adds headers to a fresh page (a
    # page from the cache keeps the headers it was stored with). articles/cache.py, articles/edge.py.
    "articles.cache.PageCacheMiddleware",
    "articles.edge.EdgeHeadersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "articles.context_processors.site",
            ],
        },
    },
]

# Databases: SQLite by default so `make run` works on a bare laptop; DATABASE_URL (PostgreSQL) in CI, production.
_database_url = env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
try:
    _default_db = dj_database_url.parse(_database_url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60))
except Exception as error:  # dj-database-url raises several types for a bad URL
    raise ImproperlyConfigured(f"DATABASE_URL is malformed ({error}): {_database_url!r}") from None
if not _default_db.get("ENGINE") or not _default_db.get("NAME"):
    raise ImproperlyConfigured(f"DATABASE_URL is malformed (no engine or database name): {_database_url!r}")
if _default_db["ENGINE"] == "django.db.backends.sqlite3":
    _default_db["CONN_MAX_AGE"] = 0
    _default_db.setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    _default_db["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    _default_db["TEST"] = {"NAME": BASE_DIR / "test-db.sqlite3"} if env_bool("SQLITE_FILE_TESTS") else {}
else:
    _default_db["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _default_db}

# A read replica (DESIGN.md section 9): readers' pages read public content from it, everything else uses
# the primary (config/routers.py). In tests the alias may be a mirror of the primary.
_replica_url = env("DATABASE_REPLICA_URL")
if _replica_url:
    try:
        _replica_db = dj_database_url.parse(_replica_url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60))
    except Exception as error:
        raise ImproperlyConfigured(f"DATABASE_REPLICA_URL is malformed ({error}): {_replica_url!r}") from None
    if _replica_db.get("ENGINE") != _default_db["ENGINE"] or not _replica_db.get("NAME"):
        raise ImproperlyConfigured(
            f"DATABASE_REPLICA_URL must name a database of the same kind as DATABASE_URL, not {_replica_url!r}."
        )
    _replica_db["CONN_HEALTH_CHECKS"] = True
    _replica_db["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica_db
DATABASE_ROUTERS = ["config.routers.PrimaryReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL or CACHE_URL is set (shared by every app server), local memory otherwise.
_cache_url = env("REDIS_URL") or env("CACHE_URL")
if _cache_url:
    if urlparse(_cache_url).scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(f"REDIS_URL/CACHE_URL must be a redis:// URL, not {_cache_url!r}.")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "masthead"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "masthead"}}

# Back-office sign-in. django-axes counts failures per account and address and locks that pair out for a
# while; django-otp adds a one-time code from an authenticator app (config/auth.py).
AUTHENTICATION_BACKENDS = [
    "config.auth.LoginGuardBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
# Per account and address together: a guesser is stopped, but nobody can lock an editor out from afar.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.pages.login_locked_out"
AXES_CLIENT_IP_CALLABLE = "config.auth.client_ip"
# No start-up banner on every manage.py command; failures and lockouts are still logged as warnings.
AXES_VERBOSE = False
# How many reverse proxies (nginx, a load balancer) stand before gunicorn and append to X-Forwarded-For.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Staff must confirm sign-in with a TOTP code; on by default in production, off for `make run`.
OTP_REQUIRED_FOR_STAFF = env_bool("OTP_REQUIRED_FOR_STAFF", not DEBUG)
OTP_TOTP_ISSUER = SITE_NAME

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

CREDIT_LINE_MODEL, COPYRIGHT_COMPLAINT_URL_NAME = "editorial.Editor", "editorial:complaint_new"  # STYLE.md 16

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "Simplified Chinese"), ("fr", "French"), ("ru", "Russian")]
TIME_ZONE = env("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# Evidence files and withheld images live here: never under MEDIA_URL, never served by a public route.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private-media")))
if PRIVATE_MEDIA_ROOT.resolve().is_relative_to(MEDIA_ROOT.resolve()) or MEDIA_ROOT.resolve().is_relative_to(
    PRIVATE_MEDIA_ROOT.resolve()
):
    raise ImproperlyConfigured(
        f"PRIVATE_MEDIA_ROOT ({PRIVATE_MEDIA_ROOT}) must not be inside MEDIA_ROOT ({MEDIA_ROOT}) or contain it: "
        "files there would be served publicly."
    )
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        # Not Django's FileSystemStorage: with base_url=None that one falls back to MEDIA_URL.
        "BACKEND": "config.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Object storage (django-storages, S3 or any S3-compatible service) when AWS_STORAGE_BUCKET_NAME is set.
# Public media are plain object URLs (behind a CDN if AWS_S3_CUSTOM_DOMAIN is set); the bucket policy makes
# only the media prefix readable. Private files go to their own bucket (or prefix), owner-only, and never
# get a URL at all: config.storage.PrivateS3Storage.url() refuses, like the filesystem one.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    # Unset values are left out, so boto3 finds credentials and region its usual way (instance role, etc.).
    _s3 = {
        name: value
        for name, value in {
            "endpoint_url": env("AWS_S3_ENDPOINT_URL"),
            "region_name": env("AWS_S3_REGION_NAME"),
            "access_key": env("AWS_ACCESS_KEY_ID"),
            "secret_key": env("AWS_SECRET_ACCESS_KEY"),
        }.items()
        if value is not None
    }
    _s3["file_overwrite"] = False
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3,
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "location": env("AWS_MEDIA_LOCATION", "media"),
            "custom_domain": env("AWS_S3_CUSTOM_DOMAIN"),
            "querystring_auth": False,
            "default_acl": None,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    STORAGES["private"] = {
        "BACKEND": "config.storage.PrivateS3Storage",
        "OPTIONS": {
            **_s3,
            "bucket_name": env("AWS_PRIVATE_STORAGE_BUCKET_NAME", AWS_STORAGE_BUCKET_NAME),
            "location": env("AWS_PRIVATE_LOCATION", "private"),
            "custom_domain": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            # No ACL header: S3 objects are private to the owner by default, and buckets created since 2023
            # (ACLs disabled, "bucket owner enforced") refuse uploads that name an ACL.
            "default_acl": None,
            "object_parameters": {"CacheControl": "private, no-store"},
        },
    }

# Uploads: images over this size are refused before Pillow opens them (bytes).
IMAGE_MAX_UPLOAD_BYTES = env_int("IMAGE_MAX_UPLOAD_BYTES", 15 * 1024 * 1024)
# Pillow's decompression-bomb guard: images above this many pixels are refused outright.
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)
IMAGE_RENDITION_WIDTHS = (480, 960, 1600)
# Checks every decoded upload passes (articles.images.run_upload_checks); named here because `articles` never
# imports `editorial`. The copyright desk refuses pictures it took down (issue 12, point 7).
IMAGE_UPLOAD_CHECKS = ["editorial.copyright.takedowns.refuse_removed_picture"]
DATA_UPLOAD_MAX_MEMORY_SIZE = FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640
# First, the bound on the files of one public request (COMPLAINT_UPLOAD_MAX_REQUEST_BYTES), enforced while the
# body is read: a middleware reads every form before views run (issue 12, point 3). Then Django's two.
FILE_UPLOAD_HANDLERS = [
    "editorial.copyright.evidence.RequestUploadLimit",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Email: Django 6.1's MAILERS. Console in development; SMTP when EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Masthead News <newsroom@masthead.invalid>")
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
COPYRIGHT_CONTACT_EMAIL = env("COPYRIGHT_CONTACT_EMAIL", "copyright@masthead.invalid")

# Copyright complaints (DESIGN.md section 5). Business days skip weekends (not public holidays).
COMPLAINT_UNVERIFIED_EXPIRY_HOURS = env_int("COMPLAINT_UNVERIFIED_EXPIRY_HOURS", 72)
COMPLAINT_DECISION_BUSINESS_DAYS = env_int("COMPLAINT_DECISION_BUSINESS_DAYS", 1)


def _holidays(name: str) -> frozenset[date]:
    days = set()
    for item in env_list(name):
        try:
            days.add(date.fromisoformat(item))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must list dates as YYYY-MM-DD separated by commas; {item!r} is not one."
            ) from None
    return frozenset(days)


# Public holidays that complaint clocks do not count as business days (editorial/copyright/deadlines.py), e.g.
# "2026-12-25,2027-01-01". Weekends are never counted.
COMPLAINT_HOLIDAYS = _holidays("COMPLAINT_HOLIDAYS")
COMPLAINT_DECISION_BUSINESS_DAYS_BY_REGIME: dict[str, int] = {}
COMPLAINT_REPLY_WINDOW_BUSINESS_DAYS = env_int("COMPLAINT_REPLY_WINDOW_BUSINESS_DAYS", 5)
COMPLAINT_APPEAL_DECISION_BUSINESS_DAYS = env_int("COMPLAINT_APPEAL_DECISION_BUSINESS_DAYS", 5)
COMPLAINT_APPEAL_WINDOW_DAYS = env_int("COMPLAINT_APPEAL_WINDOW_DAYS", 183)
# 17 U.S.C. 512(g)(2)(C): restore "not less than 10, nor more than 14, business days" after a counter-notice.
COMPLAINT_US_RESTORE_BUSINESS_DAYS = env_int("COMPLAINT_US_RESTORE_BUSINESS_DAYS", 10)
COMPLAINT_RESTORE_BUSINESS_DAYS = env_int("COMPLAINT_RESTORE_BUSINESS_DAYS", 10)
COMPLAINT_MAX_URLS = env_int("COMPLAINT_MAX_URLS", 1000)
COMPLAINT_EVIDENCE_MAX_FILES = env_int("COMPLAINT_EVIDENCE_MAX_FILES", 10)
COMPLAINT_EVIDENCE_MAX_BYTES = env_int("COMPLAINT_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
# Bounds on evidence so anonymous visitors cannot fill the disk (issue 12, point 3), in bytes: all files of one
# public request (refused while it is read); one complaint until its email is confirmed; every unconfirmed
# complaint together; one complaint in all, including files added later on its tracking page.
COMPLAINT_UPLOAD_MAX_REQUEST_BYTES = env_int("COMPLAINT_UPLOAD_MAX_REQUEST_BYTES", 20 * 1024 * 1024)
COMPLAINT_EVIDENCE_UNCONFIRMED_MAX_BYTES = env_int("COMPLAINT_EVIDENCE_UNCONFIRMED_MAX_BYTES", 10 * 1024 * 1024)
COMPLAINT_EVIDENCE_UNCONFIRMED_SITE_MAX_BYTES = env_int(
    "COMPLAINT_EVIDENCE_UNCONFIRMED_SITE_MAX_BYTES", 2 * 1024 * 1024 * 1024
)
COMPLAINT_EVIDENCE_COMPLAINT_MAX_BYTES = env_int("COMPLAINT_EVIDENCE_COMPLAINT_MAX_BYTES", 50 * 1024 * 1024)
COMPLAINT_RATE_LIMIT_PER_IP = env_int("COMPLAINT_RATE_LIMIT_PER_IP", 20)
COMPLAINT_RATE_LIMIT_PER_EMAIL = env_int("COMPLAINT_RATE_LIMIT_PER_EMAIL", 5)
COMPLAINT_RATE_LIMIT_WINDOW_SECONDS = env_int("COMPLAINT_RATE_LIMIT_WINDOW_SECONDS", 3600)
CONTACT_RATE_LIMIT_PER_IP = env_int("CONTACT_RATE_LIMIT_PER_IP", 10)
COMPLAINT_MISUSE_WARNING_THRESHOLD = env_int("COMPLAINT_MISUSE_WARNING_THRESHOLD", 2)
COMPLAINT_MISUSE_SUSPENSION_THRESHOLD = env_int("COMPLAINT_MISUSE_SUSPENSION_THRESHOLD", 3)
COMPLAINT_MISUSE_WINDOW_DAYS = env_int("COMPLAINT_MISUSE_WINDOW_DAYS", 365)
COMPLAINT_SUSPENSION_DAYS = env_int("COMPLAINT_SUSPENSION_DAYS", 90)

# The edge cache (issue 13; articles/edge.py, config/varnish/default.vcl, docs/deploy.md). EDGE_PURGE_URLS:
# the address of each Varnish (or purge endpoint) that gets a PURGE with the changed keys after each commit,
# comma-separated; empty: no edge, no purge tasks. Shareable pages carry s-maxage=EDGE_CACHE_SECONDS
# (EDGE_ERROR_SECONDS for a tagged 404/451), never past the next scheduled publication.
EDGE_PURGE_URLS = env_list("EDGE_PURGE_URLS")
EDGE_CACHE_SECONDS = env_int("EDGE_CACHE_SECONDS", 3600)
EDGE_ERROR_SECONDS = env_int("EDGE_ERROR_SECONDS", 60)
# The fallback page cache for a site without an edge (articles/cache.py). 0 switches it off; off by default
# when an edge is configured (the edge keeps the pages).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 0 if EDGE_PURGE_URLS else 300)
READER_MEMO_SECONDS = env_int("READER_MEMO_SECONDS", 600)

# The outbox: a failed send is retried with doubling delays, then kept as "gave up" for an officer to resend.
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 5)
OUTBOX_RETRY_BASE_SECONDS = env_int("OUTBOX_RETRY_BASE_SECONDS", 60)
if env("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env("EMAIL_HOST"),
                "port": env_int("EMAIL_PORT", 587),
                "username": env("EMAIL_HOST_USER", ""),
                "password": env("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": env_int("EMAIL_TIMEOUT", 10),
            },
        }
    }
else:
    # In development, printed decoded so links can be opened from the console (config/mail.py). Without
    # DEBUG, Django's own console backend, which `check --deploy` refuses (mail.E001) as it should.
    MAILERS = {
        "default": {
            "BACKEND": "config.mail.ConsoleEmailBackend" if DEBUG else "django.core.mail.backends.console.EmailBackend"
        }
    }

# Background work: Django's tasks framework. The database backend (django-tasks-db, run by
# `manage.py db_worker`) in production; in development tasks run at once unless TASKS_BACKEND=database.
_tasks_backend = env("TASKS_BACKEND", "database" if not DEBUG else "immediate")
if _tasks_backend not in {"database", "immediate"}:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be 'database' or 'immediate', not {_tasks_backend!r}.")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if _tasks_backend == "database"
            else "django.tasks.backends.immediate.ImmediateBackend"
        )
    }
}
# A task left RUNNING longer than this by a worker on another host is run again (config/tasks.py); it
# must exceed the longest task. Workers on the same host notice a dead worker at once.
TASKS_LEASE_SECONDS = env_int("TASKS_LEASE_SECONDS", 3600)
TASKS_SWEEP_SECONDS = env_int("TASKS_SWEEP_SECONDS", 60)

# Security headers. CSP: no inline script (templates use the request's nonce); frames only articles/embeds.py's players.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com", "https://player.bilibili.com"],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
# Sent by config.middleware.PermissionsPolicyMiddleware: powerful browser features, all switched off.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "browsing-topics",
    )
}
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGIN_URL = "admin:login"
# Where a sign-in lands when `next` is missing or off the site; not the default /accounts/profile/ (absent).
LOGIN_REDIRECT_URL = "admin:index"
# handler500 (config/urls.py) and DatabaseUnavailableMiddleware answer a database outage with a 503 page.

# One handler, on the root logger. Django's own default configuration also gives the "django" logger a
# console handler (in DEBUG), so each of its lines printed twice (issue 12, point 9): naming the logger here
# replaces its handlers, and its records reach the root's. "django.server" (runserver's request lines) keeps
# Django's handler and does not propagate, so it prints once too.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django": {"level": env("LOG_LEVEL", "INFO")}, "django.db.backends": {"level": "INFO"}},
}

TAGGIT_CASE_INSENSITIVE = True

# In development, serve static files straight from the app folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
