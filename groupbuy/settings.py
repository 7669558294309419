"""Settings for groupbuy.

Everything a deployment changes comes from the environment:
- GROUPBUY_DATA_DIR: SQLite files, the job queue and uploaded media (default ./var)
- DATABASE_URL: e.g. postgres://user@host:5432/groupbuy (default: SQLite in
  the data dir)
- REDIS_URL: e.g. redis://127.0.0.1:6379/0; switches the channel layer and the job
  queue to Redis so several processes or machines share them
- SECRET_KEY, DEBUG, ALLOWED_HOSTS (comma separated)
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("GROUPBUY_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = os.environ.get(
    "SECRET_KEY", "dev-only-insecure-key-change-me-in-production"
)
DEBUG = os.environ.get("DEBUG", "1") == "1"
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(
    ","
)
CSRF_TRUSTED_ORIGINS = [
    origin for origin in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if origin
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_htmx",
    "huey.contrib.djhuey",
    "groupbuy.core",
    "groupbuy.accounts",
    "groupbuy.catalog",
    "groupbuy.escrow",
    "groupbuy.deals",
    "groupbuy.notify",
    "groupbuy.realtime",
    "groupbuy.snap",
    "groupbuy.clock",
    "groupbuy.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "groupbuy.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "groupbuy.urls"
ASGI_APPLICATION = "groupbuy.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "groupbuy.web.context_processors.site",
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
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
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
# Refuse big uploads before they are read into memory (photos are resized client-side).
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

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
# A hung SMTP server must not outlast a notification worker's claim on a delivery.
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "groupbuy <noreply@groupbuy.localhost>"
)
GROUPBUY_SMS_BACKEND = os.environ.get(
    "GROUPBUY_SMS_BACKEND", "groupbuy.notify.sms.FileOutboxSmsBackend"
)
GROUPBUY_SMS_OUTBOX_DIR = DATA_DIR / "outbox" / "sms"

# --- Business settings ----------------------------------------------------------
GROUPBUY_SITE_NAME = "groupbuy"
# Keyed hashes of phone numbers and emails of people invited before they signed
# up (default: SECRET_KEY); and how long an unclaimed invitation is kept.
GROUPBUY_CONTACT_HASH_KEY = os.environ.get("GROUPBUY_CONTACT_HASH_KEY", "")
GROUPBUY_INVITATION_RETENTION_DAYS = int(
    os.environ.get("GROUPBUY_INVITATION_RETENTION_DAYS", "90")
)
# The API's default authentication (a Ninja auth callable or list of them).
GROUPBUY_API_AUTH = "groupbuy.accounts.auth.api_auth"
GROUPBUY_PUBLIC_URL = os.environ.get("GROUPBUY_PUBLIC_URL", "http://127.0.0.1:8000")
# Unpaid orders release their stock after this many minutes.
GROUPBUY_PAYMENT_WINDOW_MINUTES = int(
    os.environ.get("GROUPBUY_PAYMENT_WINDOW_MINUTES", "15")
)
# Platform fee taken from a successful deal, in basis points (100 = 1%).
GROUPBUY_PLATFORM_FEE_BPS = int(os.environ.get("GROUPBUY_PLATFORM_FEE_BPS", "300"))
# Shared secret of the built-in sandbox payment provider's signed callbacks.
GROUPBUY_SANDBOX_PAYMENT_SECRET = os.environ.get(
    "GROUPBUY_SANDBOX_PAYMENT_SECRET", "sandbox-secret-change-me"
)
# When set (e.g. the public …/api/escrow/callbacks/sandbox), the sandbox gateway
# sends its signed callbacks as real HTTP POSTs; otherwise the same signed bytes go
# straight to the handler in the worker, so the embedded server works on any port.
GROUPBUY_SANDBOX_CALLBACK_URL = os.environ.get("GROUPBUY_SANDBOX_CALLBACK_URL", "")
# Delay every sandbox callback by this many seconds (to try out late callbacks).
GROUPBUY_SANDBOX_CALLBACK_DELAY_SECONDS = float(
    os.environ.get("GROUPBUY_SANDBOX_CALLBACK_DELAY_SECONDS", "0")
)
# Snap to deal: distinct requesters before operators are prompted (per-category
# overrides live on Category.demand_threshold).
GROUPBUY_DEMAND_THRESHOLD = int(os.environ.get("GROUPBUY_DEMAND_THRESHOLD", "5"))
# Uploaded snap photos are deleted after this many days.
GROUPBUY_SNAP_PHOTO_RETENTION_DAYS = int(
    os.environ.get("GROUPBUY_SNAP_PHOTO_RETENTION_DAYS", "30")
)
# Snaps a minute before 429: per signed-in person, and per anonymous address.
GROUPBUY_SNAP_SNAPS_PER_MINUTE = int(
    os.environ.get("GROUPBUY_SNAP_SNAPS_PER_MINUTE", "30")
)
GROUPBUY_SNAP_ANONYMOUS_SNAPS_PER_MINUTE = int(
    os.environ.get("GROUPBUY_SNAP_ANONYMOUS_SNAPS_PER_MINUTE", "10")
)
GROUPBUY_SNAP_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
GROUPBUY_SNAP_MAX_PIXELS = 40_000_000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "huey": {"level": "WARNING"},
        "django.channels.server": {"level": "WARNING"},
    },
}
