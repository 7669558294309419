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

This module holds the project's wiring: the apps, middleware, templates,
authentication and languages. The mode and secrets are read in
``environment``; production safety (hosts, HTTPS, the content security policy)
in ``security``; the database in ``database``; static, media and private files
in ``files``; the channel layer, cache and job queue in ``realtime``; e-mail and
SMS in ``mail``; failed logins in ``logins``; probes, metrics and logs in
``operations``; money's settings in ``payments``; the capabilities' own (snap,
accounts' codes, request limits, hot paths) in ``features``; and the settings
apps read with their own defaults, when the environment sets them, in
``from_apps``.
"""

from django.utils.translation import gettext_lazy as _

# The parts only add settings of their own, no two the same (so their order does
# not matter); this module builds the lists (apps, middleware, authentication
# backends) that several parts extend.
from groupbuy.settings.database import *  # noqa: F403
from groupbuy.settings.environment import *  # noqa: F403
from groupbuy.settings.environment import BASE_DIR
from groupbuy.settings.features import *  # noqa: F403
from groupbuy.settings.files import *  # noqa: F403
from groupbuy.settings.from_apps import *  # noqa: F403
from groupbuy.settings.logins import *  # noqa: F403
from groupbuy.settings.mail import *  # noqa: F403
from groupbuy.settings.operations import *  # noqa: F403
from groupbuy.settings.payments import *  # noqa: F403
from groupbuy.settings.realtime import *  # noqa: F403
from groupbuy.settings.security import *  # noqa: F403

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
    "groupbuy.moderation",
    "groupbuy.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Outermost but security: every error under /api/ leaves as JSON.
    "groupbuy.core.middleware.ApiErrorJsonMiddleware",
    # Just above whitenoise, outside every middleware that writes a body: static
    # files, scripts, pages and JSON go out gzipped (core/static_gzip.py).
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

# --- Failed logins ---------------------------------------------------------------
# django-axes refuses logins after too many failures (its settings: ``logins``).
INSTALLED_APPS = [*INSTALLED_APPS, "axes"]
AUTHENTICATION_BACKENDS = [
    "groupbuy.accounts.lockout.LoginLimitBackend",
    *AUTHENTICATION_BACKENDS,
]
MIDDLEWARE = [*MIDDLEWARE, "axes.middleware.AxesMiddleware"]  # axes wants it last

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
