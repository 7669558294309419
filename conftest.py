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
# .ci/run sets this: there a skipped browser test is a failure, not a shrug.
REQUIRE_BROWSER = os.environ.get("GROUPBUY_REQUIRE_BROWSER") == "1"
_skipped_browser_tests: list[str] = []


@pytest.fixture(autouse=True)
def english_unless_a_test_says_otherwise():
    """Start every test in English and never let one test's language leak."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


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


def pytest_runtest_logreport(report):
    if report.skipped and "browser" in report.keywords:
        _skipped_browser_tests.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if REQUIRE_BROWSER and _skipped_browser_tests:
        print(
            "\nGROUPBUY_REQUIRE_BROWSER=1 but these browser tests were skipped:\n  "
            + "\n  ".join(_skipped_browser_tests)
        )
        session.exitstatus = 1
