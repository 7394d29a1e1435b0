"""Settings for newsroom.

Everything that differs between a laptop and production comes from the environment:
DJANGO_DEBUG, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL, NEWSROOM_*.
Without DATABASE_URL the app uses an SQLite file at the project root.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Off unless asked for: scripts/demo and the test configuration (pyproject.toml) set it to 1.
DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (the default); "
            "for local development set DJANGO_DEBUG=1, as scripts/demo does."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "bootstrap",
    "simple_history",
    "axes",
    "ninja",  # the REST API's Swagger UI, served from its static files (no CDN)
    "newsroom",
    "annotations",
]

MIDDLEWARE = [
    # First, so that its duration covers every other middleware (README, "Production setup").
    "newsroom.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "newsroom.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# The page of an article is the annotations app's: the project wires it here, so that
# newsroom (which annotations builds on) never names annotations (Article.get_absolute_url).
ABSOLUTE_URL_OVERRIDES = {
    "newsroom.article": lambda article: reverse("annotations:article-detail", args=[article.pk]),
}
ROOT_URLCONF = "newsroom.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "newsroom.wsgi.application"

SQLITE_PATH = Path(os.environ.get("NEWSROOM_SQLITE_PATH", BASE_DIR / "db.sqlite3"))
# Persistent connections (seconds; 0 closes after each request) with a health check before
# reuse, so a connection broken by a PostgreSQL restart fails one request, not a worker's
# every request. SQLite keeps 0: opening its file costs nothing.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{SQLITE_PATH}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", 60)),
        conn_health_checks=env_bool("DJANGO_CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DJANGO_CONN_MAX_AGE", 0))
    DATABASES["default"]["OPTIONS"] = {
        # Writers queue for the lock instead of failing with "database is locked".
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# The shared cache: Redis when NEWSROOM_CACHE_URL is set (redis://host:port/db, Django's
# own backend on redis-py), which every gunicorn worker and host sees alike; without it a
# per-process local-memory cache, so the SQLite demo runs with nothing else installed.
# Sessions are read from the cache only when it is shared ("cached_db": written through to
# the database, so a Redis restart logs nobody out); with the per-process cache they stay
# in the database, since a logout in one worker must end the session in all of them.
NEWSROOM_CACHE_URL = os.environ.get("NEWSROOM_CACHE_URL", "").strip()
if NEWSROOM_CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": NEWSROOM_CACHE_URL,
            # Deployments sharing one Redis database keep apart.
            "KEY_PREFIX": os.environ.get("NEWSROOM_CACHE_PREFIX", "newsroom"),
            "TIMEOUT": 60 * 60,
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "newsroom",
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes first: it refuses a locked-out username and address before any password check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login throttling (django-axes) for the site's and the admin's login pages: after
# NEWSROOM_LOGIN_FAILURE_LIMIT wrong passwords for one username from one address, that
# pair is locked out for NEWSROOM_LOGIN_COOLOFF_MINUTES; each refused attempt restarts the
# wait. A success resets the count. `manage.py axes_reset` (and _username, _ip) lifts it.
AXES_FAILURE_LIMIT = int(os.environ.get("NEWSROOM_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("NEWSROOM_LOGIN_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "newsroom.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "newsroom.lockout.client_ip"
# Behind N reverse proxies that each append to X-Forwarded-For, the client is the Nth
# address from the right; 0 (the default) takes REMOTE_ADDR.
NEWSROOM_TRUSTED_PROXY_COUNT = int(os.environ.get("NEWSROOM_TRUSTED_PROXY_COUNT", 0))

# Content-Security-Policy: scripts and styles from this site only (plus a per-response nonce,
# which Django's admin uses for a few inline tags), no style attributes, no framing.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    # The one style attribute left, in simple_history's admin history page.
    "style-src-attr": [CSP.UNSAFE_HASHES, "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='"],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Browser features no page here uses, refused for the site and anything it embeds.
NEWSROOM_PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
# The newsroom's time zone (an IANA name such as Europe/Istanbul): pages and the admin show
# every time in it, with the zone's name (newsroom/formats), and the importer reads a
# published date without an offset in it. Django refuses an unknown name at startup.
TIME_ZONE = os.environ.get("NEWSROOM_TIME_ZONE", "UTC")
# Date formats that name the zone, for the pages and the admin alike.
FORMAT_MODULE_PATH = ["newsroom.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Largest article text accepted by the importer, in characters (after decoding).
NEWSROOM_MAX_ARTICLE_CHARS = int(os.environ.get("NEWSROOM_MAX_ARTICLE_CHARS", 2_000_000))
# Largest uploaded or imported file, in bytes.
NEWSROOM_MAX_FILE_BYTES = int(os.environ.get("NEWSROOM_MAX_FILE_BYTES", 50 * 1024 * 1024))
# Most sentences and layout blocks the importer accepts in one article.
NEWSROOM_MAX_SENTENCES_PER_ARTICLE = int(
    os.environ.get("NEWSROOM_MAX_SENTENCES_PER_ARTICLE", 5_000)
)
NEWSROOM_MAX_BLOCKS_PER_ARTICLE = int(os.environ.get("NEWSROOM_MAX_BLOCKS_PER_ARTICLE", 2_000))
# Published dates the importer accepts: from 1 January of this year (UTC) ...
NEWSROOM_MIN_PUBLISHED_YEAR = int(os.environ.get("NEWSROOM_MIN_PUBLISHED_YEAR", 1900))
# ... to this many years after the day of the import.
NEWSROOM_MAX_PUBLISHED_YEARS_AHEAD = int(os.environ.get("NEWSROOM_MAX_PUBLISHED_YEARS_AHEAD", 10))
# Sentences the article page shows at once; a longer article is shown in parts of this many.
NEWSROOM_ARTICLE_PAGE_SENTENCES = int(os.environ.get("NEWSROOM_ARTICLE_PAGE_SENTENCES", 1_000))
# The artifact detector's learned layer: a model file that `train_detector --with-decisions`
# installs here (outside the package); while it does not exist, the shipped model is used.
# "off" turns the learned layer off (rules only).
NEWSROOM_DETECTOR_MODEL = os.environ.get(
    "NEWSROOM_DETECTOR_MODEL", str(BASE_DIR / "var" / "detector.joblib")
)
# Suggested flags below this calibrated confidence are shown as unsure, can be filtered in
# the admin, and are left out of "confirm all of this kind (confident only)".
NEWSROOM_CONFIDENT_FLAG = float(os.environ.get("NEWSROOM_CONFIDENT_FLAG", 0.8))
# Exports (annotations/exports): the newsroom as the author of its ClaimReview, and the
# public address its review links are built on ("" = the address of the request, or
# http://localhost:8000 for `manage.py export`). NEWSROOM_CLAIMREVIEW_PUBLIC=0 puts even
# approved articles' /articles/<id>/claimreview.json behind the login.
NEWSROOM_PUBLISHER_NAME = os.environ.get("NEWSROOM_PUBLISHER_NAME", "Newsroom")
NEWSROOM_PUBLISHER_URL = os.environ.get("NEWSROOM_PUBLISHER_URL", "")
NEWSROOM_PUBLIC_BASE_URL = os.environ.get("NEWSROOM_PUBLIC_BASE_URL", "")
NEWSROOM_CLAIMREVIEW_PUBLIC = env_bool("NEWSROOM_CLAIMREVIEW_PUBLIC", True)
# Flash messages live in the session (the database), not in a cookie: a message can carry a
# secret shown once (a new API token), which must not travel in a signed-only cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # Probes ask gunicorn directly over plain http: answer them, do not redirect to https.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 30))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Everything to stderr (gunicorn's error log, the terminal of runserver). DJANGO_LOG_LEVEL is
# the root logger's level (every logger without its own); NEWSROOM_REQUEST_LOG_LEVEL that of
# the one-line-per-request log (newsroom.middleware.RequestLogMiddleware: INFO logs every
# request, WARNING only 4xx and 5xx, ERROR only 5xx). runserver prints its own line per
# request, so with DEBUG on the request log starts at WARNING.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {
        "newsroom.request": {
            "level": os.environ.get(
                "NEWSROOM_REQUEST_LOG_LEVEL", "WARNING" if DEBUG else "INFO"
            ).upper()
        }
    },
}

# Background jobs (newsroom/jobs, README "Background jobs"): Django's Tasks framework on the
# ORM backend of django-tasks-db (no extra server; `manage.py run_jobs` is the worker), or
# with NEWSROOM_TASKS_BACKEND=rq on Redis (REDIS_URL) through django-tasks-rq (the `rq`
# extra), the same `manage.py run_jobs` running RQ's worker.
NEWSROOM_TASKS_BACKEND = os.environ.get("NEWSROOM_TASKS_BACKEND", "database").strip().lower()
# The queue the jobs go to (one per deployment sharing a Redis or a database).
NEWSROOM_JOB_QUEUE = os.environ.get("NEWSROOM_JOB_QUEUE", "default")
if NEWSROOM_TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [NEWSROOM_JOB_QUEUE]}}
    RQ_QUEUES = {
        NEWSROOM_JOB_QUEUE: {
            "URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
            # A job runs as long as it needs: the page shows its progress, cancel stops it.
            "DEFAULT_TIMEOUT": int(os.environ.get("NEWSROOM_JOB_TIMEOUT", 6 * 60 * 60)),
        }
    }
elif NEWSROOM_TASKS_BACKEND == "database":
    INSTALLED_APPS += ["django_tasks_db"]
    TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": [NEWSROOM_JOB_QUEUE]}
    }
else:
    raise ImproperlyConfigured(
        f"NEWSROOM_TASKS_BACKEND={NEWSROOM_TASKS_BACKEND!r}: use 'database' (the default) or 'rq'."
    )
# Uploads larger than this many bytes in all are imported by a job (the page shows its
# progress); smaller ones at once, in the request.
NEWSROOM_JOB_UPLOAD_BYTES = int(os.environ.get("NEWSROOM_JOB_UPLOAD_BYTES", 1024 * 1024))
# Where a job keeps the files it imports until it has finished.
NEWSROOM_JOB_DIR = Path(os.environ.get("NEWSROOM_JOB_DIR", BASE_DIR / "var" / "jobs"))
# A running job whose worker process is gone (same host), or whose heartbeat is older than
# this (any host), is enqueued again by the next worker loop, at most this many times.
NEWSROOM_JOB_STALE_SECONDS = int(os.environ.get("NEWSROOM_JOB_STALE_SECONDS", 600))
NEWSROOM_JOB_MAX_ATTEMPTS = int(os.environ.get("NEWSROOM_JOB_MAX_ATTEMPTS", 3))
# Import from a URL (newsroom/fetch.py): whole-fetch timeout in seconds, largest page in
# bytes, redirects followed. Internal addresses are always refused; the allowed networks
# (CIDR list) exist for the tests' local server only: never set them in production.
NEWSROOM_FETCH_TIMEOUT = float(os.environ.get("NEWSROOM_FETCH_TIMEOUT", 15))
NEWSROOM_FETCH_MAX_BYTES = int(os.environ.get("NEWSROOM_FETCH_MAX_BYTES", 5 * 1024 * 1024))
NEWSROOM_FETCH_MAX_REDIRECTS = int(os.environ.get("NEWSROOM_FETCH_MAX_REDIRECTS", 5))
NEWSROOM_FETCH_ALLOWED_NETWORKS: list[str] = []
