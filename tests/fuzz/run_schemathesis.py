"""Fuzz the JSON API from its own OpenAPI document against a live demo server.

    python -m tests.fuzz.run_schemathesis [--seconds-per-role 55] [--seed 20261202]
        [--roles shopper,merchant-owner,cashier:20] [--port 8106]
        [--data-dir /tmp/fuzz-data] [--language en] [--checks all]

Loads the demo data into a fresh data dir (a temporary one unless --data-dir
names one; a new database is a copy of one migrated once), starts the real
`groupbuy serve` on a port (a free one unless --port), signs in as each demo
role asked for (an anonymous visitor sends no token), and runs schemathesis
once per role for a bounded time with a fixed seed. Checks: no server error
(5xx), every response matches the schema the document declares for it, and
every refusal (4xx) is a clear message in the reader's language
(tests/fuzz/hooks.py). Exits non-zero on any failure (.ci/run relies on it).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.support.servers import REPO, Deployment, free_port

ROLES = {
    # role: (phone, password) of the demo accounts (groupbuy/demo_data.py);
    # None for a visitor who is not signed in.
    "anonymous": None,
    "shopper": ("13800000001", "demo-shopper-1"),
    "merchant-owner": ("13800000003", "demo-owner-1"),
    "cashier": ("13800000004", "demo-cashier-1"),
    "operator": ("13800000005", "demo-operator-1"),
}
DEFAULT_ROLES = "shopper,merchant-owner"
CHECKS = "not_a_server_error,response_schema_conformance,clear_refusal"
# Where schemathesis finds clear_refusal.
HOOKS = "tests.fuzz.hooks"
# The fuzzer must not sign itself out halfway (it would only see 401s): it
# authenticates with one bearer token, which DELETE /api/me/tokens/{token_id}
# revokes (accounts/api.py), the only operation of that path. Matched as
# schemathesis matches it, with re.search on the document's path key.
NEVER_FUZZED_PATHS = r"^/api/me/tokens/\{[^/]+\}$"


def bearer_token(url: str, phone: str, password: str) -> str:
    response = httpx.post(
        f"{url}/api/auth/token",
        json={"phone": phone, "password": password, "name": "schemathesis"},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()["token"]


def schemathesis_command(
    url: str,
    token: str | None,
    *,
    seconds: int,
    seed: int,
    report_dir: Path,
    language: str = "",
    checks: str = CHECKS,
) -> list[str]:
    executable = shutil.which("st", path=str(Path(sys.executable).parent)) or "st"
    signed_in = ["--header", f"Authorization: Bearer {token}"] if token else []
    if language:
        signed_in += ["--header", f"Accept-Language: {language}"]
    return [
        executable,
        "run",
        f"{url}/api/openapi.json",
        "--checks",
        checks,
        "--seed",
        str(seed),
        "--max-time",
        str(seconds),
        "--workers",
        "1",
        "--request-timeout",
        "30",
        *signed_in,
        "--exclude-path-regex",
        NEVER_FUZZED_PATHS,
        "--report",
        "junit",
        "--report-dir",
        str(report_dir),
        "--warnings",
        "off",
    ]


def parse_roles(text: str) -> dict[str, int | None]:
    """Read ``shopper,cashier:20`` as {role: its own seconds, or None}."""
    roles: dict[str, int | None] = {}
    for item in text.split(","):
        role, _, seconds = item.partition(":")
        if role not in ROLES:
            raise ValueError(f"unknown role: {role}")
        if seconds and not seconds.isdigit():
            raise ValueError(f"not a number of seconds: {item}")
        roles[role] = int(seconds) if seconds else None
    return roles


def run(
    seconds_per_role: int,
    seed: int,
    *,
    roles: dict[str, int | None],
    port: int | None = None,
    data_dir: Path | None = None,
    language: str = "",
    checks: str = CHECKS,
) -> int:
    with tempfile.TemporaryDirectory(prefix="groupbuy-fuzz-") as temporary:
        data_dir = data_dir or Path(temporary)
        data_dir.mkdir(parents=True, exist_ok=True)
        deployment = Deployment(data_dir)
        try:
            # A migrated copy (the SQLite suite's, made once a run): the demo's
            # own migrate then has nothing to do. Fresh migrations run in
            # tests/deploy; here they took ~17 s of CPU alone, ~47 s at load 18.
            if not (data_dir / "groupbuy.sqlite3").exists():
                deployment.migrate()
            print(deployment.groupbuy("demo", "--no-serve"), flush=True)
            url = deployment.serve(port or free_port())
            # Every token is taken before any fuzzing: the fuzzer's own failed
            # sign-ins from this address trip the login limit (429) for a while.
            tokens = {
                role: bearer_token(url, *ROLES[role]) if ROLES[role] else None
                for role in roles
            }
            failures = 0
            for role, token in tokens.items():
                seconds = roles[role] or seconds_per_role
                print(f"\n=== schemathesis as {role} ({seconds}s) ===")
                started = time.monotonic()
                result = subprocess.run(
                    schemathesis_command(
                        url,
                        token,
                        seconds=seconds,
                        seed=seed,
                        report_dir=data_dir / f"report-{role}-{seed}",
                        language=language,
                        checks=checks,
                    ),
                    # Its example database goes to the data dir.
                    cwd=data_dir,
                    env={
                        **os.environ,
                        "SCHEMATHESIS_HOOKS": HOOKS,
                        "PYTHONPATH": str(REPO),
                    },
                    timeout=seconds + 120,
                )
                took = time.monotonic() - started
                print(f"=== {role}: exit {result.returncode} in {took:.0f}s ===")
                failures += result.returncode != 0
            return 1 if failures else 0
        finally:
            deployment.stop()
            if "failures" not in locals() or failures:
                print(deployment.logs())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds-per-role", type=int, default=55)
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument(
        "--roles",
        default=DEFAULT_ROLES,
        help=f"comma-separated, of: {', '.join(ROLES)}; role:seconds gives "
        "that role its own time",
    )
    parser.add_argument("--port", type=int, help="a free one if not given")
    parser.add_argument(
        "--data-dir", type=Path, help="kept after the run; a temporary one if not given"
    )
    parser.add_argument(
        "--language",
        default="",
        help="sent as Accept-Language (en); the server's default (Chinese) if not",
    )
    parser.add_argument(
        "--checks",
        default=CHECKS,
        help="schemathesis's --checks (all: every one it has, and ours)",
    )
    args = parser.parse_args()
    try:
        roles = parse_roles(args.roles)
    except ValueError as problem:
        parser.error(str(problem))
    sys.exit(
        run(
            args.seconds_per_role,
            args.seed,
            roles=roles,
            port=args.port,
            data_dir=args.data_dir,
            language=args.language,
            checks=args.checks,
        )
    )


if __name__ == "__main__":
    main()
