"""The suite's lanes run as two halves (tests/support/pytest_halves.py): no test
may fall between them, the second half on PostgreSQL has a database of its own,
and a failure in either half fails the lane."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.pytest_halves import (
    FIRST_HALF,
    FIRST_HALF_ON_POSTGRESQL,
    combined_status,
    names_tests,
    second_database_url,
)

REPO = Path(__file__).resolve().parents[2]


# Collect with each argument list in turn, in one process, and print each
# collection's test ids as a JSON list, one a line. The second collection finds
# the modules the first imported already imported: a process of its own for
# each collection cost ~38 s of CPU, this ~15 s. What each collection holds is
# decided by its arguments (--ignore), as in a lane's own process.
_COLLECT_EACH = """
import json, sys
import pytest

class Collected:
    def pytest_collection_finish(self, session):
        self.test_ids = [item.nodeid for item in session.items]

for arguments in json.loads(sys.argv[1]):
    collected = Collected()
    status = pytest.main(["--collect-only", "-q", *arguments], plugins=[collected])
    if status != 0:
        sys.exit(f"collecting with {arguments} ended with {status}")
    sys.__stdout__.write("COLLECTED " + json.dumps(collected.test_ids) + "\\n")
"""


def _collected_each(*argument_lists: list[str]) -> list[set[str]]:
    """The test ids pytest collects with each of ``argument_lists``."""
    listing = subprocess.run(
        [sys.executable, "-c", _COLLECT_EACH, json.dumps(argument_lists)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    collections = [
        set(json.loads(line.removeprefix("COLLECTED ")))
        for line in listing.splitlines()
        if line.startswith("COLLECTED ")
    ]
    assert len(collections) == len(argument_lists), listing
    return collections


@pytest.mark.slow
def test_the_two_halves_hold_every_test_once():
    # (--ignore does not apply to a path named on the command line, so the
    # second half names none and collects the testpaths, as the lanes do)
    everything, second = _collected_each(
        [], [f"--ignore={path}" for path in FIRST_HALF]
    )
    first = {test for test in everything if test.startswith(tuple(FIRST_HALF))}
    assert first and second and not first & second
    assert first | second == everything


def test_every_first_half_path_is_an_app_with_tests():
    for path in FIRST_HALF + FIRST_HALF_ON_POSTGRESQL:
        assert (REPO / path / "tests").is_dir(), path


def test_the_second_half_has_its_own_postgresql_database():
    assert (
        second_database_url("postgres://postgres@127.0.0.1:5432/groupbuy")
        == "postgres://postgres@127.0.0.1:5432/groupbuy_b"
    )
    assert (
        second_database_url("postgresql://u:p@db/shop?sslmode=require")
        == "postgresql://u:p@db/shop_b?sslmode=require"
    )
    assert second_database_url("sqlite:///var/db.sqlite3") == "sqlite:///var/db.sqlite3"
    assert second_database_url("") == ""


def test_a_failure_in_either_half_fails_the_lane():
    assert combined_status([0, 0]) == 0
    assert combined_status([1, 0]) == 1
    assert combined_status([0, 2]) == 2
    assert combined_status([5, 0]) == 0
    assert combined_status([5, 5]) == 5
    assert combined_status([5, 1]) == 1


def test_arguments_naming_tests_run_as_one_process():
    assert names_tests(["groupbuy/pooling", "-x"])
    assert names_tests(["groupbuy/pooling/tests/test_api.py::test_x"])
    assert not names_tests(["--durations=20", "-x"])
    assert not names_tests(["-k", "refund"])
