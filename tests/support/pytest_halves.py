"""Run one pytest selection as two processes at once, one half of the apps each.

    python -m tests.support.pytest_halves -m "not slow and not browser" [pytest args]

The suite's longest lanes were one pytest process each (on PostgreSQL 1,291 s
of a 1,361 s CI run on 2026-12-06, the SQLite suite's "everything else" 1,147 s)
while the machine's second core sat partly idle, most of all in the last
minutes, when only the PostgreSQL lane was left. Two processes over disjoint
halves of the tests finish sooner on the same work.

``FIRST_HALF`` names the apps of the first half, chosen by their measured time
on PostgreSQL (coupons alone was a quarter of it), and
``FIRST_HALF_ON_POSTGRESQL`` those of the PostgreSQL suite's first half, since
it runs fewer modules (``GROUPBUY_ONLY_DATABASE_TESTS=1``); the second half is
every other test, by ``--ignore``, so a new app's tests can never fall between
the two. Arguments that name tests (a path) run as one process, as asked.

On PostgreSQL the second half uses its own database (``<name>_b``, so its test
database is ``test_<name>_b``): pytest-django creates and drops its test
database by name, and two processes must not share one.

Exit status: a failure's status if either half failed, 5 ("no tests
collected") only if both collected nothing, else 0. Each half's output is
printed whole once both are done.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
from urllib.parse import urlsplit, urlunsplit

FIRST_HALF = [
    "groupbuy/coupons",
    "groupbuy/deals",
    "groupbuy/web",
    "groupbuy/sharing",
    "groupbuy/escrow",
    "groupbuy/notify",
    "groupbuy/clock",
    "groupbuy/realtime",
]

# The PostgreSQL suite runs only the modules the engine can change the answer
# of (tests/support/engine_modules.py), two fifths of them coupons' by their
# time in the CI run of 2026-12-07: halves of ~980 and ~940 s (wall, that run's
# durations) with these, where FIRST_HALF would have made ~1,210 and ~710 s.
FIRST_HALF_ON_POSTGRESQL = [
    "groupbuy/coupons",
    "groupbuy/demands",
    "groupbuy/web",
    "groupbuy/sharing",
    "groupbuy/notify",
    "groupbuy/clock",
    "groupbuy/realtime",
]

NO_TESTS_COLLECTED = 5


def first_half() -> list[str]:
    if os.environ.get("GROUPBUY_ONLY_DATABASE_TESTS") == "1":
        return FIRST_HALF_ON_POSTGRESQL
    return FIRST_HALF


def names_tests(arguments: list[str]) -> bool:
    return any(
        not argument.startswith("-") and os.path.exists(argument.split("::")[0])
        for argument in arguments
    )


def second_database_url(url: str) -> str:
    """``url`` with its PostgreSQL database name suffixed ``_b``; other URLs
    (SQLite's in-memory test databases are per process) unchanged."""
    if not url.startswith("postgres"):
        return url
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_b"))


def combined_status(statuses: list[int]) -> int:
    failed = [status for status in statuses if status not in (0, NO_TESTS_COLLECTED)]
    if failed:
        return failed[0]
    if all(status == NO_TESTS_COLLECTED for status in statuses):
        return NO_TESTS_COLLECTED
    return 0


def main(arguments: list[str]) -> int:
    pytest = [sys.executable, "-m", "pytest", *arguments]
    if names_tests(arguments):
        return subprocess.call(pytest)
    second_environment = {
        **os.environ,
        "DATABASE_URL": second_database_url(os.environ.get("DATABASE_URL", "")),
    }
    if not second_environment["DATABASE_URL"]:
        del second_environment["DATABASE_URL"]
    first = first_half()
    halves = [
        (pytest + first, os.environ),
        (pytest + [f"--ignore={path}" for path in first], second_environment),
    ]
    statuses = []
    with contextlib.ExitStack() as outputs:
        running = []
        for command, environment in halves:
            output = outputs.enter_context(tempfile.TemporaryFile())
            process = subprocess.Popen(
                command, env=environment, stdout=output, stderr=subprocess.STDOUT
            )
            running.append((process, output))
        for number, (process, output) in enumerate(running, start=1):
            statuses.append(process.wait())
            output.seek(0)
            sys.stdout.write(f"--- half {number} of 2 ---\n")
            sys.stdout.flush()
            sys.stdout.buffer.write(output.read())
            sys.stdout.flush()
    return combined_status(statuses)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
