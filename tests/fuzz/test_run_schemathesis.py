"""The fuzzer's exclusions, checked against the API's own document (no server)."""

import re
from pathlib import Path

import pytest

from tests.fuzz.hooks import refusal_problem
from tests.fuzz.run_schemathesis import (
    NEVER_FUZZED_PATHS,
    ROLES,
    parse_roles,
    schemathesis_command,
)


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


def test_an_anonymous_visitor_is_fuzzed_without_a_token():
    command = schemathesis_command(
        "http://127.0.0.1:1", None, seconds=1, seed=1, report_dir=Path("r")
    )
    assert not any(part.startswith("Authorization") for part in command)
    assert "clear_refusal" in command[command.index("--checks") + 1].split(",")


def test_every_fuzzed_role_signs_in_as_a_demo_account_or_not_at_all():
    from groupbuy.demo_data import LOGINS

    demo = {(login.phone.removeprefix("+86"), login.password) for login in LOGINS}
    assert ROLES["anonymous"] is None
    assert {login for login in ROLES.values() if login} <= demo
    assert {"cashier", "operator"} <= ROLES.keys()


def test_a_clear_refusal_is_a_sentence_in_the_readers_language():
    chinese = "请先登录。"
    assert refusal_problem(message=chinese, code="x", asked_for_english=False) is None
    assert (
        refusal_problem(
            message="Please sign in first.", code="x", asked_for_english=True
        )
        is None
    )
    refused = [
        ("", False),
        ("unauthenticated", True),
        ("Please sign in first.", False),
        ("quantity: Input should be a valid integer", True),
        ("{'loc': ('body', 'quantity')}", True),
        ("Deal matching query does not exist.", True),
    ]
    for message, english in refused:
        assert refusal_problem(
            message=message, code="unauthenticated", asked_for_english=english
        ), message


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_apis_refusals_pass_the_fuzzers_check(client, language):
    # given refusals of each kind: not signed in, malformed, invalid, not found
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    answers = [
        client.get("/api/me", **headers),
        client.post("/api/auth/token", "{", content_type="application/json", **headers),
        client.get("/api/deals", {"page_size": "many"}, **headers),
        client.get("/api/deals/deal_nope", **headers),
    ]
    # then each is a clear message in the language asked for
    for answer in answers:
        body = answer.json()
        assert 400 <= answer.status_code < 500, body
        problem = refusal_problem(
            message=body["message"],
            code=body["code"],
            asked_for_english=language == "en",
        )
        assert problem is None, body


def test_roles_may_each_have_their_own_time():
    assert parse_roles("shopper,cashier:20") == {"shopper": None, "cashier": 20}
    with pytest.raises(ValueError):
        parse_roles("shopper,manager")
    with pytest.raises(ValueError):
        parse_roles("cashier:soon")
