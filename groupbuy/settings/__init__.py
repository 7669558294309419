"""Settings for groupbuy.

Everything a deployment changes comes from the environment:
- GROUPBUY_DATA_DIR: SQLite files, the job queue and uploaded media (default ./var)
- DATABASE_URL: e.g. postgres://user@host:5432/groupbuy (default: SQLite in
  the data dir)
- REDIS_URL: e.g. redis://127.0.0.1:6379/0; switches the channel layer and the job
  queue to Redis so several processes or machines share them
- SECRET_KEY, DEBUG (default off), ALLOWED_HOSTS (comma separated)
- GROUPBUY_DEMO_MODE: the demo (``groupbuy demo`` sets it): generated secrets,
  the sandbox payment provider, local hosts
- GROUPBUY_PUBLIC_URL, GROUPBUY_HTTPS, GROUPBUY_HSTS_*: the production site
- GROUPBUY_PAYMENT_PROVIDERS, GROUPBUY_PAYMENTS_TEST_MODE: who takes payments
docs/deployment.md lists them all. Outside DEBUG and demo mode, the checks in
groupbuy/core/checks.py refuse to serve on built-in secrets or without hosts.

This module holds the project's wiring; the mode and secrets are read in
``environment``, money's settings in ``payments``, the capabilities' own
(snap, accounts' codes, request limits, hot paths) in ``features``, and the
settings apps read with their own defaults, when the environment sets them, in
``from_apps``.
"""

import os
from datetime import timedelta

import dj_database_url
from django.utils.translation import gettext_lazy as _

from groupbuy.ops.logs import logging_config as _ops_logging_config

# The parts that only add settings of their own; this module builds the lists
# (apps, middleware, storages) that several parts extend.
from groupbuy.settings.environment import *  # noqa: F403
from groupbuy.settings.environment import (
    BASE_DIR,
    DATA_DIR,
    DEBUG,
    GROUPBUY_DEMO_MODE,
    env_bool,
    env_list,
    secret,
)
from groupbuy.settings.features import *  # noqa: F403
from groupbuy.settings.from_apps import *  # noqa: F403
from groupbuy.settings.payments import *  # noqa: F403

# The parts imported above only add settings of their own; this module builds
# the lists that several parts extend (apps, middleware, storages, backends).

# --- Mode, secrets and production safety ----------------------------------------
# DEBUG, the demo mode and the built-in secrets: groupbuy.settings.environment.
SECRET_KEY = secret("SECRET_KEY")
# Earlier SECRET_KEYs (comma separated), still accepted while a rotation rolls
# out: sessions, signed links and the coupon platform key's seal keep working
# (docs/deployment.md, "Rotating secrets").
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
# System checks to keep quiet, e.g. groupbuy.W001 where another process sends
# the SMS outbox's files on (docs/deployment.md).
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS")
_IS_LOCAL = DEBUG or GROUPBUY_DEMO_MODE
# Empty in production until set: the checks stop the server rather than guess.
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if _IS_LOCAL else "")
# The address people reach the site at: links in e-mails and SMS, CSRF origin.
GROUPBUY_PUBLIC_URL_DEFAULT = "http://127.0.0.1:8000"
GROUPBUY_PUBLIC_URL = os.environ.get("GROUPBUY_PUBLIC_URL", GROUPBUY_PUBLIC_URL_DEFAULT)
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS", "" if _IS_LOCAL else GROUPBUY_PUBLIC_URL.rstrip("/")
)
# Behind a TLS-terminating proxy (docs/deployment.md): secure cookies, redirect
# plain HTTP to HTTPS (but the load balancer's health check), trust the proxy's
# X-Forwarded-Proto, and HSTS when its lifetime is set.
GROUPBUY_HTTPS = env_bool("GROUPBUY_HTTPS", default=not _IS_LOCAL)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = GROUPBUY_HTTPS
SECURE_SSL_REDIRECT = GROUPBUY_HTTPS
SECURE_REDIRECT_EXEMPT = [r"^api/health$"]
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if GROUPBUY_HTTPS else None
)
SECURE_HSTS_SECONDS = int(os.environ.get("GROUPBUY_HSTS_SECONDS", "0"))
# Channels' own groups (a channel per socket) instead of realtime's one
# subscription per group per process: only deadline_fanout.py's baseline.
GROUPBUY_FANOUT_PER_SOCKET = env_bool("GROUPBUY_FANOUT_PER_SOCKET")
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("GROUPBUY_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("GROUPBUY_HSTS_PRELOAD")

# --- Payment providers ----------------------------------------------------------
# Which providers take payments (groupbuy.escrow.providers). The sandbox moves no
# real money: it is on in DEBUG and demo mode, and refused in production unless
# GROUPBUY_PAYMENTS_TEST_MODE is set, which puts a "test payments" banner on
# every page.
GROUPBUY_PAYMENTS_TEST_MODE = env_bool("GROUPBUY_PAYMENTS_TEST_MODE")
GROUPBUY_PAYMENT_PROVIDERS = env_list(
    "GROUPBUY_PAYMENT_PROVIDERS",
    "sandbox" if _IS_LOCAL or GROUPBUY_PAYMENTS_TEST_MODE else "",
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Only for its Swagger UI files: /api/docs works with no internet.
    "ninja",
    "channels",
    "django_htmx",
    "huey.contrib.djhuey",
    "groupbuy.core",
    "groupbuy.accounts",
    "groupbuy.catalog",
    "groupbuy.escrow",
    "groupbuy.payments",
    "groupbuy.deals",
    "groupbuy.notify",
    "groupbuy.realtime",
    "groupbuy.snap",
    "groupbuy.pooling",
    "groupbuy.coupons",
    "groupbuy.clock",
    "groupbuy.sharing",
    "groupbuy.teams",
    "groupbuy.demands",
    "groupbuy.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Outermost but security: every error under /api/ leaves as JSON.
    "groupbuy.core.middleware.ApiErrorJsonMiddleware",
    # Just above whitenoise: its scripts and stylesheets go out gzipped.
    "groupbuy.core.static_gzip.StaticGzipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the session: it reads the "Vary: Cookie" the session adds.
    "groupbuy.core.private_cache.PrivateCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "groupbuy.core.request_memo.RequestMemoMiddleware",
    "groupbuy.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Inside the session, language and user: the 405 page is a site page.
    "groupbuy.web.middleware.MethodNotAllowedPageMiddleware",
    # A full disk is a 503 "try again later" with the site's page or JSON.
    "groupbuy.core.storage_full.StorageFullMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "groupbuy.urls"
ASGI_APPLICATION = "groupbuy.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Only admin/base_site.html (the site's icon in the admin): it must be
        # found before django.contrib.admin's own, which app directories can't do.
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "groupbuy.web.context_processors.site",
                "groupbuy.escrow.context_processors.payments",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------
SQLITE_PATH = DATA_DIR / "groupbuy.sqlite3"
if os.environ.get("DATABASE_URL"):
    # Under ASGI every request may run on another thread, so persistent
    # per-thread connections pile up until PostgreSQL refuses more; a small
    # psycopg pool per process keeps the count bounded instead.
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": int(os.environ.get("GROUPBUY_DB_POOL_SIZE", "8")),
            "timeout": 20,
        }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                # BEGIN IMMEDIATE takes the write lock up front, so concurrent writers
                # queue on the busy timeout instead of failing with "database is locked"
                # when a read transaction tries to upgrade to a write.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {
        # Django's own says "too short" in English under zh-hans (see the module).
        "NAME": "groupbuy.accounts.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:deal_list"
LOGOUT_REDIRECT_URL = "web:deal_list"
PHONE_DEFAULT_REGION = "CN"

# --- Internationalisation -------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"  # display zone; everything is stored in UTC
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Files are served from the apps (WHITENOISE_USE_FINDERS): nothing is collected
# here, but whitenoise warned "No directory at: …/static/" at every start of
# every process, which sent operators looking for a collectstatic step.
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Many machines: media on S3-compatible storage (pip install 'groupbuy[s3]').
if os.environ.get("GROUPBUY_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["GROUPBUY_S3_BUCKET"],
            "endpoint_url": os.environ.get("GROUPBUY_S3_ENDPOINT_URL") or None,
            "querystring_auth": True,
        },
    }
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Content Security Policy ----------------------------------------------------
# Scripts only from our own static files (the barcode reader compiles its
# WebAssembly); styles may be inline (progress bars' widths, htmx's indicator).
# Images and media also from blob: (the camera's snapshot, a recorded voice note)
# and, with media on S3, from https:. The admin and the API's Swagger page run
# inline scripts of their own and are left out. No form-action: a payment form
# is redirected to the provider's pay page.
_WEBSOCKET_ORIGIN = GROUPBUY_PUBLIC_URL.rstrip("/").replace("http", "ws", 1)
_REMOTE_MEDIA = ["https:"] if os.environ.get("GROUPBUY_S3_BUCKET") else []
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/api/docs"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'wasm-unsafe-eval'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *_REMOTE_MEDIA],
        "media-src": ["'self'", "blob:", *_REMOTE_MEDIA],
        "connect-src": ["'self'", _WEBSOCKET_ORIGIN],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Realtime and jobs ----------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# The cache holds short-lived counters (snap rate limits); on several processes
# they must be shared, so with REDIS_URL it lives in Redis.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "groupbuy",
        }
    }

HUEY_IMMEDIATE = os.environ.get("GROUPBUY_HUEY_IMMEDIATE", "0") == "1"
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": os.environ.get("GROUPBUY_HUEY_NAME", "groupbuy"),
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": 4, "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "groupbuy",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

# --- Email and SMS --------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = DATA_DIR / "outbox" / "email"
# The SMTP server of EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend
# (until 2026-12-06 only localhost:25 without a login could be used).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
# A hung SMTP server must not outlast a notification worker's claim on a delivery.
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "groupbuy <noreply@groupbuy.localhost>"
)
GROUPBUY_SMS_BACKEND = os.environ.get(
    "GROUPBUY_SMS_BACKEND", "groupbuy.notify.sms.FileOutboxSmsBackend"
)
GROUPBUY_SMS_OUTBOX_DIR = DATA_DIR / "outbox" / "sms"

# --- Failed logins ---------------------------------------------------------------
# Failed logins (django-axes): after AXES_FAILURE_LIMIT failures for one phone
# number or from one client address, further logins are refused, right password
# included, until the cool-off has passed. A browser that signed in to the
# number before counts only the failures from its own address
# (groupbuy.accounts.lockout.lockout_parameters).
INSTALLED_APPS = [*INSTALLED_APPS, "axes"]
AUTHENTICATION_BACKENDS = [
    "groupbuy.accounts.lockout.LoginLimitBackend",
    *AUTHENTICATION_BACKENDS,
]
MIDDLEWARE = [*MIDDLEWARE, "axes.middleware.AxesMiddleware"]  # axes wants it last
AXES_FAILURE_LIMIT = int(os.environ.get("GROUPBUY_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(
    minutes=int(os.environ.get("GROUPBUY_LOGIN_COOLOFF_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = "groupbuy.accounts.lockout.lockout_parameters"
AXES_CLIENT_IP_CALLABLE = "groupbuy.accounts.lockout.axes_client_ip"
AXES_USERNAME_CALLABLE = "groupbuy.accounts.lockout.axes_username"
AXES_LOCKOUT_CALLABLE = "groupbuy.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# A refused attempt during the cool-off does not extend it, so the time we tell
# people to come back holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_SENSITIVE_PARAMETERS = ["password"]
AXES_VERBOSE = False
# --- Private media ---------------------------------------------------------------
# Private media (shoppers' snap photos): stored outside MEDIA_ROOT and served by
# groupbuy.core.private_media only to whom its permission check allows. With
# GROUPBUY_PRIVATE_MEDIA_ACCEL=x-accel-redirect (nginx) or x-sendfile (Apache,
# lighttpd), Django checks and the web server sends the file from
# GROUPBUY_PRIVATE_MEDIA_ACCEL_PREFIX (docs/deployment.md, "Private media").
GROUPBUY_PRIVATE_MEDIA_ROOT = DATA_DIR / "private"
GROUPBUY_PRIVATE_MEDIA_URL = "/private-media/"
GROUPBUY_PRIVATE_MEDIA_ACCEL = os.environ.get("GROUPBUY_PRIVATE_MEDIA_ACCEL", "")
GROUPBUY_PRIVATE_MEDIA_ACCEL_PREFIX = os.environ.get(
    "GROUPBUY_PRIVATE_MEDIA_ACCEL_PREFIX", "/_private_media/"
)
STORAGES["private"] = {"BACKEND": "groupbuy.core.private_media.PrivateMediaStorage"}
if os.environ.get("GROUPBUY_S3_BUCKET"):
    # Signed, short-lived URLs, handed out by the same permission-checking view.
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**STORAGES["default"]["OPTIONS"], "location": "private"},
    }

# --- Operations: probes, metrics, structured logs, backups (groupbuy.ops) --------
# docs/operations.md. /healthz, /readyz and /metrics are answered by the first
# middleware, before host checks and the HTTPS redirect (probes ask by address).
INSTALLED_APPS = [*INSTALLED_APPS, "groupbuy.ops"]
MIDDLEWARE = [
    "groupbuy.ops.middleware.OpsEndpointsMiddleware",
    # Request id, per-route metrics, one JSON log line a request.
    "groupbuy.ops.middleware.RequestObservabilityMiddleware",
    *MIDDLEWARE,
]
# /metrics answers a request with "Authorization: Bearer <token>" when a token is
# set, or from an address in these networks (comma separated; default loopback).
GROUPBUY_METRICS_TOKEN = os.environ.get("GROUPBUY_METRICS_TOKEN", "")
GROUPBUY_METRICS_ALLOWED_NETWORKS = env_list(
    "GROUPBUY_METRICS_ALLOWED_NETWORKS", "127.0.0.1/32,::1/128"
)
# /readyz fails when no job worker has beaten for this long (they beat each minute).
GROUPBUY_OPS_HEARTBEAT_MAX_AGE_SECONDS = int(
    os.environ.get("GROUPBUY_OPS_HEARTBEAT_MAX_AGE_SECONDS", "180")
)
# /readyz answers within this many seconds: a check the database (or Redis) has
# not answered by then fails as "no answer" (docs/operations.md, "Probes").
GROUPBUY_OPS_READYZ_TIMEOUT_SECONDS = float(
    os.environ.get("GROUPBUY_OPS_READYZ_TIMEOUT_SECONDS", "2")
)
# On SIGTERM `groupbuy serve` stops accepting and waits this long for requests.
GROUPBUY_GRACEFUL_SHUTDOWN_SECONDS = int(
    os.environ.get("GROUPBUY_GRACEFUL_SHUTDOWN_SECONDS", "30")
)
# SIGTERM lets the worker finish its running jobs (Huey's default is SIGINT).
HUEY["consumer"]["graceful_signal"] = "TERM"
# A person's erasure request is performed this many days after it is made (they
# may cancel until then; operators may perform it sooner). docs/operations.md.
GROUPBUY_ERASURE_GRACE_DAYS = int(os.environ.get("GROUPBUY_ERASURE_GRACE_DAYS", "7"))
# Logs: one JSON object a line (GROUPBUY_LOG_FORMAT=console for people).
LOGGING = _ops_logging_config(
    level=os.environ.get("LOG_LEVEL", "INFO"),
    json=os.environ.get("GROUPBUY_LOG_FORMAT", "json") != "console",
)
