"""The suite's lanes run as two halves (tests/support/pytest_halves.py): no test
may fall between them, the second half on PostgreSQL has a database of its own,
and a failure in either half fails the lane."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.pytest_halves import (
    FIRST_HALF,
    combined_status,
    names_tests,
    second_database_url,
)

REPO = Path(__file__).resolve().parents[2]


def _collected(*arguments: str) -> set[str]:
    listing = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", *arguments],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {line for line in listing.splitlines() if "::" in line}


@pytest.mark.slow
def test_the_two_halves_hold_every_test_once():
    # (--ignore does not apply to a path named on the command line, so the
    # second half names none and collects the testpaths, as the lanes do)
    everything = _collected()
    second = _collected(*(f"--ignore={path}" for path in FIRST_HALF))
    first = {test for test in everything if test.startswith(tuple(FIRST_HALF))}
    assert first and second and not first & second
    assert first | second == everything


def test_every_first_half_path_is_an_app_with_tests():
    for path in FIRST_HALF:
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
