"""The fuzzer's exclusions, checked against the API's own document (no server)."""

import re
from pathlib import Path

from tests.fuzz.run_schemathesis import NEVER_FUZZED_PATHS, schemathesis_command


def _operations(client) -> list[tuple[str, str]]:
    document = client.get("/api/openapi.json").json()
    return [
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
    ]


def test_the_fuzzer_never_revokes_a_token_and_skips_nothing_else(client):
    # given every operation the API documents
    operations = _operations(client)
    assert len(operations) > 100
    # when matched as schemathesis matches --exclude-path-regex (re.search)
    excluded = [
        (method, path)
        for method, path in operations
        if re.search(NEVER_FUZZED_PATHS, path)
    ]
    # then only the token-revoking operation is left out
    assert excluded == [("DELETE", "/api/me/tokens/{token_id}")]


def test_the_command_excludes_the_token_revoking_path():
    command = schemathesis_command(
        "http://127.0.0.1:1", "token", seconds=1, seed=1, report_dir=Path("r")
    )
    at = command.index("--exclude-path-regex")
    assert command[at + 1] == NEVER_FUZZED_PATHS
