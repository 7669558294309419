"""Shared test fixtures and the rules for which suites run where.

Tests marked ``postgres`` need DATABASE_URL pointing at PostgreSQL and tests
marked ``redis`` need REDIS_URL; `make test` skips them (with a message) and
`.ci/run` runs them against the local servers. Browser tests need Debian's
Chromium at /usr/bin/chromium.
"""

import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"


def pytest_collection_modifyitems(config, items):
    on_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    on_redis = bool(os.environ.get("REDIS_URL"))
    has_chromium = shutil.which(CHROMIUM) is not None
    skip_pg = pytest.mark.skip(
        reason="needs PostgreSQL: run `make test-postgres` (DATABASE_URL)"
    )
    skip_redis = pytest.mark.skip(
        reason="needs Redis: run `make test-redis` (REDIS_URL)"
    )
    skip_browser = pytest.mark.skip(
        reason=f"browser test: Chromium not found at {CHROMIUM} "
        "(apt-get install chromium fonts-noto-cjk)"
    )
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not on_redis:
            item.add_marker(skip_redis)
        if "browser" in item.keywords and not has_chromium:
            item.add_marker(skip_browser)
