"""The browser journeys' server and its kept shell: what `make demo` serves, with
the test suite's password hasher.

Django's PBKDF2 takes ~0.4 s of CPU per password on a loaded 2-core machine,
and the journeys hash one for every account they seed, every sign-in and every
phone code sent or checked. The SQLite and PostgreSQL suites test the same
sign-ins with MD5 (groupbuy/settings_test.py); the real hasher still runs in
the API client journey and tests/deploy, which serve groupbuy.settings.
"""

from groupbuy.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The site's URLs and the journeys' sign-in without the page (tests/e2e/urls.py).
ROOT_URLCONF = "tests.e2e.urls"
