"""The PostgreSQL suite runs only the modules tests/support/engine_modules.py
keeps: a new module that races, locks or runs SQL of its own must be kept there
(or say in ``LEFT_TO_SQLITE`` why not), or it would silently never meet
PostgreSQL."""

import re
from fnmatch import fnmatchcase
from pathlib import Path

from tests.support.engine_modules import KEPT, LEFT_TO_SQLITE, is_kept

ROOT = Path(__file__).resolve().parents[3]

# What makes a module's answer the engine's: threads racing, row locks,
# transactional tests (real commits, other connections), unique keys raced past
# a check, SQL of its own, a test for PostgreSQL.
ENGINE_SENSITIVE = re.compile(
    r"select_for_update|\bimport threading\b|\bThread\(|ThreadPoolExecutor"
    r"|\brac(e\(|ing\b)|file_database|connection\.cursor|transaction=True"
    r"|\btransactional_db\b|mark\.postgres\b|IntegrityError"
)
# The browser journeys and the deploy tests run their servers on SQLite only.
NOT_ON_POSTGRESQL = ("tests/e2e/", "tests/deploy/")
# A module marked one_database as a whole is the SQLite suite's by its mark.
WHOLE_MODULE_ONE_DATABASE = re.compile(
    r"^pytestmark\s*=\s*(?:\[[^\]]*|[^\n]*)one_database", re.MULTILINE
)


def _test_modules() -> list[str]:
    paths = [*ROOT.glob("groupbuy/**/test_*.py"), *ROOT.glob("tests/**/test_*.py")]
    return sorted(
        str(path.relative_to(ROOT))
        for path in paths
        if not str(path.relative_to(ROOT)).startswith(NOT_ON_POSTGRESQL)
        and path != Path(__file__).resolve()
    )


def test_every_module_that_races_locks_or_runs_sql_runs_on_postgresql():
    # given every test module that uses what the engine answers
    sensitive = [
        module
        for module in _test_modules()
        if ENGINE_SENSITIVE.search(text := (ROOT / module).read_text("utf-8"))
        and not WHOLE_MODULE_ONE_DATABASE.search(text)
    ]

    # when those neither kept nor left with a reason are listed
    unjudged = [
        module
        for module in sensitive
        if not is_kept(module) and module not in LEFT_TO_SQLITE
    ]

    # then there are none
    assert sensitive
    assert unjudged == [], (
        "these modules race, lock or run SQL of their own but the PostgreSQL "
        "suite would not run them: keep them in tests/support/engine_modules.py "
        "(KEPT) or say why not (LEFT_TO_SQLITE)"
    )


def test_every_pattern_and_reason_names_a_module_that_exists():
    modules = _test_modules()
    patterns = [pattern for group in KEPT.values() for pattern in group]

    matching_nothing = [
        pattern
        for pattern in patterns
        if not any(fnmatchcase(module, pattern) for module in modules)
    ]

    assert matching_nothing == []
    assert sorted(set(LEFT_TO_SQLITE) - set(modules)) == []
    assert [module for module in LEFT_TO_SQLITE if is_kept(module)] == []
