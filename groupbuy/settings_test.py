"""Settings for the test suite: a throw-away data dir, jobs run inline, fast hashing."""

import os
import tempfile

os.environ.setdefault("GROUPBUY_DATA_DIR", tempfile.mkdtemp(prefix="groupbuy-test-"))

from groupbuy.settings import *  # noqa: F403
from groupbuy.settings import HUEY

HUEY = {**HUEY, "immediate": True}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
GROUPBUY_SMS_BACKEND = "groupbuy.notify.sms.MemorySmsBackend"
DEBUG = False
WHITENOISE_AUTOREFRESH = True
LANGUAGE_CODE = "en"
