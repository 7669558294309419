"""Shared test fixtures and the rules for which suites run where.

Tests marked ``postgres`` need DATABASE_URL pointing at PostgreSQL and tests
marked ``redis`` need REDIS_URL; `make test` skips them (with a message) and
`.ci/run` runs them against the local servers. Browser tests need Debian's
Chromium at /usr/bin/chromium.
"""

import os
import re
import shutil
import sys

import pytest

# pytest rewrites each test module's asserts (parse, rewrite, compile: ~9 s of
# CPU for the 481 modules) and keeps the result in __pycache__, unless Python
# may not write bytecode (PYTHONDONTWRITEBYTECODE, as on CI's machine): then
# every pytest process rewrote every module it imported, five to six times a
# run. Test modules are imported after this file, so from here on they are
# written once and read back; `make bytecode` writes the app's modules anyway.
sys.dont_write_bytecode = False

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


def pytest_configure(config):
    _flush_postgresql_by_delete()
    _flush_without_rebuilding_content_types()
    from tests.support.hypothesis_constants import ReadSourceConstantsOnce

    config.pluginmanager.register(
        ReadSourceConstantsOnce(), "groupbuy_hypothesis_constants"
    )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, and before it is dropped, an end to the
    PostgreSQL sessions that worker threads of the tests left open. Django gives
    each thread its own connection, and a pool thread (behind ``sync_to_async``
    or an executor) keeps it, idle, after its test has ended: 4–6 such sessions
    made the drop fail and left ``test_groupbuy`` behind."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix, django_db_use_migrations
):
    """Start the test database from one migrated once per machine, not by
    migrating it: a fresh migrate took ~30 s of CPU in each pytest process on
    a loaded 2-core machine (three on SQLite, three on PostgreSQL in CI).

    On SQLite the in-memory database becomes a copy of the file the browser
    journeys' servers start from (tests/support/servers.py's
    ``migrated_sqlite``); on PostgreSQL it is created from a migrated template
    (``migrated_postgresql``). Either is a real migrate's result, made by
    whichever process comes first while the others wait, and the migrate
    pytest-django then runs finds nothing to apply (~0.5 s) or applies what
    is missing. tests/deploy and the fuzzed demo still migrate from nothing."""
    if not django_db_use_migrations:
        yield
        return
    from django.core.management.commands import migrate
    from django.db import connection

    if connection.vendor == "postgresql":
        from tests.support.servers import migrated_postgresql

        connection.settings_dict["TEST"]["TEMPLATE"] = migrated_postgresql(
            os.environ["DATABASE_URL"]
        )

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            migrate.Command,
            "handle",
            _copy_migrated_sqlite_first(migrate.Command.handle),
        )
        yield


def _copy_migrated_sqlite_first(handle):
    def handle_from_a_migrated_copy(self, *args, **options):
        import sqlite3

        from django.db import connections

        from tests.support.servers import migrated_sqlite

        connection = connections[options["database"]]
        if (
            connection.vendor == "sqlite"
            and connection.is_in_memory_db()
            and not connection.introspection.table_names()
        ):
            connection.ensure_connection()
            migrated = sqlite3.connect(migrated_sqlite())
            try:
                migrated.backup(connection.connection)
            finally:
                migrated.close()
        return handle(self, *args, **options)

    return handle_from_a_migrated_copy


def _flush_postgresql_by_delete():
    """Empty PostgreSQL's tables after a transactional test with DELETE, not
    TRUNCATE: on these nearly empty tables TRUNCATE takes ~0.25 s (a new file
    per table) where DELETE takes ~10 ms, and ~200 tests in the PostgreSQL
    suite flush. Every foreign key Django makes is deferrable, so the rows go
    in any order and the keys are checked, against empty tables, at commit.
    A flush that resets sequences or cascades keeps Django's TRUNCATE."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables or reset_sequences or allow_cascade:
            return truncate(
                self,
                style,
                tables,
                reset_sequences=reset_sequences,
                allow_cascade=allow_cascade,
            )
        return ["SET CONSTRAINTS ALL DEFERRED"] + [
            f"DELETE FROM {self.quote_name(table)}" for table in tables
        ]

    DatabaseOperations.sql_flush = sql_flush


# What Django's post_migrate signal (its only receivers: contenttypes' and
# auth's) fills from the models, which do not change while pytest runs.
_REBUILT_AFTER_A_FLUSH = frozenset({"django_content_type", "auth_permission"})


def _flush_without_rebuilding_content_types():
    """After a transactional test, empty every table but the content types and
    permissions, and skip post_migrate. Django's flush emptied those too and
    post_migrate then rebuilt them (~470 rows, ~70 ms of CPU on SQLite, more
    with PostgreSQL's round trips), the same rows after each of the ~250
    transactional tests. A test that asks for serialized rollback or names
    ``available_apps`` keeps Django's flush."""
    from django.core.management.color import no_style
    from django.db import connections
    from django.test import testcases

    flush = testcases.TransactionTestCase._fixture_teardown

    def _fixture_teardown(self):
        if self.available_apps is not None or self.serialized_rollback:
            return flush(self)
        for name in self._databases_names(include_mirrors=False):
            connection = connections[name]
            tables = [
                table
                for table in connection.introspection.django_table_names(
                    only_existing=True, include_views=False
                )
                if table not in _REBUILT_AFTER_A_FLUSH
            ]
            connection.ops.execute_sql_flush(
                connection.ops.sql_flush(no_style(), tables)
            )

    testcases.TransactionTestCase._fixture_teardown = _fixture_teardown


_JOURNEYS = "tests/e2e/"


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
    astray = [
        item.nodeid
        for item in items
        if "browser" in item.keywords and not item.nodeid.startswith(_JOURNEYS)
    ]
    if astray:
        # `make test` runs the journeys from tests/e2e alone (Makefile): one
        # anywhere else would never run there.
        raise pytest.UsageError(
            f"browser tests belong in {_JOURNEYS}: " + ", ".join(astray)
        )
    unsaid = _marks_their_files_do_not_say(items)
    if unsaid:
        # `make test` and `make test-redis` collect only the files whose text
        # says mark.slow / mark.redis (Makefile): a mark given another way
        # would never run there.
        raise pytest.UsageError(
            "marked slow or redis in a file that does not say "
            "pytest.mark.slow / pytest.mark.redis: " + ", ".join(unsaid)
        )
    if os.environ.get("GROUPBUY_ONLY_DATABASE_TESTS") == "1":
        items[:] = _deselect_what_sqlite_answers(config, items)
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not on_redis:
            item.add_marker(skip_redis)
        if "browser" in item.keywords and not has_chromium:
            item.add_marker(skip_browser)


def _marks_their_files_do_not_say(items) -> list[str]:
    texts: dict[str, str] = {}
    unsaid = []
    for item in items:
        for mark in ("slow", "redis"):
            if item.get_closest_marker(mark) is None:
                continue
            path = str(item.path)
            if path not in texts:
                texts[path] = item.path.read_text(encoding="utf-8")
            if not re.search(rf"mark\.{mark}\b", texts[path]):
                unsaid.append(f"{item.nodeid} ({mark})")
    return unsaid


# Fixtures through which a test reaches the database; pytest-django refuses any
# other access, so a test with none of them (and no django_db mark) cannot.
_DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}
# These start processes of their own that use DATABASE_URL. (tests/deploy's
# servers always run embedded, on SQLite: `make test` has their answer.)
_SUBPROCESS_SUITES = ("tests/multi/",)


# Modules about what a page or an API answer shows: the HTML views, the admin's
# pages, page layout, the whole web app (groupbuy/web: pages only) and the API
# modules (test_api*.py, groupbuy/api). Their rows come through the services and
# selectors whose own tests run on PostgreSQL, and the routers and views are
# thin calls to them (STYLE.md), so the engine does not change their answer.
# Until 2026-12-07 the PostgreSQL suite ran the page modules again (18 % of its
# time, in the lane that made CI pass 20 minutes); on that day's 24-minute run
# (a slower machine) the API modules and the rest of groupbuy/web were 24 % of
# its time (1,049 of its 3,629 tests) and left it too. A test marked
# ``postgres`` or ``redis`` stays wherever it is.
_PAGE_MODULE = re.compile(
    r"/test_(views?|admin|templates?|layout|page_head|navigation)(_[a-z_]+)?\.py$"
    r"|_pages?\.py$"
    r"|/test_api[a-z_]*\.py$"
    r"|^groupbuy/(web|api)/tests/"
)


def _deselect_what_sqlite_answers(config, items):
    """Drop tests that cannot touch the database, those marked
    ``one_database`` whose answer does not depend on which one it is (the
    PostgreSQL suite's rerun of them would give the SQLite suite's answer, only
    later), the modules about what a page or an API answer shows
    (``_PAGE_MODULE``) and every module the engine cannot change the answer of
    (all but tests/support/engine_modules.py's ``KEPT``), keeping any test
    marked for PostgreSQL or Redis."""
    from tests.support.engine_modules import is_kept

    keep, drop = [], []
    for item in items:
        needs_a_server = "postgres" in item.keywords or "redis" in item.keywords
        module = item.nodeid.split("::")[0]
        if not needs_a_server and (
            "one_database" in item.keywords
            or _PAGE_MODULE.search(module)
            or not is_kept(module)
        ):
            drop.append(item)
            continue
        reaches_database = (
            item.get_closest_marker("django_db") is not None
            or _DATABASE_FIXTURES & set(item.fixturenames)
            or needs_a_server
            or item.nodeid.startswith(_SUBPROCESS_SUITES)
        )
        (keep if reaches_database else drop).append(item)
    config.hook.pytest_deselected(items=drop)
    return keep


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
