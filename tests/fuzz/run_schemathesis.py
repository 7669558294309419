"""Fuzz the JSON API from its own OpenAPI document against a live demo server.

    python -m tests.fuzz.run_schemathesis [--seconds-per-role 55] [--seed 20261202]

Loads the demo data into a fresh data dir, starts the real `groupbuy serve` on a
free port, signs in as a demo shopper and as a demo merchant owner, and runs
schemathesis once per role for a bounded time with a fixed seed. Checks: no
server error (5xx) and every response matches the schema the document declares
for it. Exits non-zero on any failure (.ci/run relies on it).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.support.servers import Deployment, free_port

ROLES = {
    # role: (phone, password) of the demo accounts (groupbuy/demo_data.py)
    "shopper": ("13800000001", "demo-shopper-1"),
    "merchant-owner": ("13800000003", "demo-owner-1"),
}
CHECKS = "not_a_server_error,response_schema_conformance"
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
    url: str, token: str, *, seconds: int, seed: int, report_dir: Path
) -> list[str]:
    executable = shutil.which("st", path=str(Path(sys.executable).parent)) or "st"
    return [
        executable,
        "run",
        f"{url}/api/openapi.json",
        "--checks",
        CHECKS,
        "--seed",
        str(seed),
        "--max-time",
        str(seconds),
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--header",
        f"Authorization: Bearer {token}",
        "--exclude-path-regex",
        NEVER_FUZZED_PATHS,
        "--report",
        "junit",
        "--report-dir",
        str(report_dir),
        "--warnings",
        "off",
    ]


def run(seconds_per_role: int, seed: int) -> int:
    with tempfile.TemporaryDirectory(prefix="groupbuy-fuzz-") as data_dir:
        deployment = Deployment(Path(data_dir))
        try:
            print(deployment.groupbuy("demo", "--no-serve"), flush=True)
            url = deployment.serve(free_port())
            # Every token is taken before any fuzzing: the fuzzer's own failed
            # sign-ins from this address trip the login limit (429) for a while.
            tokens = {
                role: bearer_token(url, phone, password)
                for role, (phone, password) in ROLES.items()
            }
            failures = 0
            for role, token in tokens.items():
                print(f"\n=== schemathesis as {role} ({seconds_per_role}s) ===")
                started = time.monotonic()
                result = subprocess.run(
                    schemathesis_command(
                        url,
                        token,
                        seconds=seconds_per_role,
                        seed=seed,
                        report_dir=Path(data_dir) / f"report-{role}",
                    ),
                    # Its example database goes to the throw-away data dir.
                    cwd=data_dir,
                    timeout=seconds_per_role + 120,
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
    args = parser.parse_args()
    sys.exit(run(args.seconds_per_role, args.seed))


if __name__ == "__main__":
    main()
