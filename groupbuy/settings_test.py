"""Settings for the test suite: a throw-away data dir, jobs run inline, fast hashing."""

import os
import tempfile

# Under pytest-xdist every worker inherits the controller's environment, so an
# inherited data dir would be shared (media, outboxes, the Huey file): each
# worker takes its own.
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["GROUPBUY_DATA_DIR"] = tempfile.mkdtemp(
        prefix=f"groupbuy-test-{os.environ['PYTEST_XDIST_WORKER']}-"
    )
os.environ.setdefault("GROUPBUY_DATA_DIR", tempfile.mkdtemp(prefix="groupbuy-test-"))

from groupbuy.settings import *  # noqa: F403
from groupbuy.settings import HUEY

HUEY = {**HUEY, "immediate": True}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
GROUPBUY_SMS_BACKEND = "groupbuy.notify.sms.MemorySmsBackend"
# Production-shaped (DEBUG off, so error pages are the friendly ones), but served
# over plain HTTP by the test client and with the sandbox as payment provider.
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
CSRF_TRUSTED_ORIGINS = []
GROUPBUY_HTTPS = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = False
SECURE_PROXY_SSL_HEADER = None
GROUPBUY_PAYMENT_PROVIDERS = ["sandbox"]
WHITENOISE_AUTOREFRESH = True
LANGUAGE_CODE = "en"
# Progress pushes go out at once: a trailing push runs on a timer thread with
# its own connection, which on the shared in-memory SQLite test database locks
# tables under the test thread ("database table is locked"). The coalescing is
# tested with its rate set explicitly (deals/tests/test_progress.py).
GROUPBUY_PROGRESS_PUSHES_PER_SECOND = 0
