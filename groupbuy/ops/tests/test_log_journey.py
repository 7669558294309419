"""The log of a whole journey on a real server: JSON lines, ids carried, no secrets."""

import json
import re
import time

import httpx
import pytest

from tests.e2e.sms import code_from_outbox
from tests.support.servers import Deployment, free_port
from tests.support.waits import HANG_SECONDS

pytestmark = pytest.mark.slow

PHONE = "+8613912345678"
PASSWORD = "correct-horse-battery"


@pytest.fixture
def deployment(tmp_path):
    deployment = Deployment(tmp_path / "data", extra_env={"LOG_LEVEL": "INFO"})
    deployment.data_dir.mkdir()
    deployment.migrate()
    yield deployment
    deployment.stop()


def journey(base: str, deployment: Deployment, deal_id: str) -> dict:
    """Sign up with the texted code, log in, join, pay; return what must not leak."""
    client = httpx.Client(base_url=base, timeout=30)
    sent = client.post(
        "/api/auth/signup",
        json={"phone": "13912345678", "password": PASSWORD, "display_name": "Lan"},
    ).json()
    code = code_from_outbox(deployment.data_dir, sent["verification_id"])
    signed_up = client.post(
        "/api/auth/signup/verify",
        json={"verification_id": sent["verification_id"], "code": code},
    )
    assert signed_up.status_code == 201, signed_up.text
    login = client.post(
        "/api/auth/token", json={"phone": "13912345678", "password": PASSWORD}
    )
    assert login.status_code == 200, login.text
    token = login.json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    joined = client.post(
        f"/api/deals/{deal_id}/join", json={"quantity": 1}, headers=auth
    )
    assert joined.status_code == 201, joined.text
    intent_id = joined.json()["payment"]["intent_id"]
    paid = client.post(
        f"/api/escrow/intents/{intent_id}/sandbox-pay",
        json={"outcome": "succeeded"},
        headers={**auth, "X-Request-ID": "journey-pay-1"},
    )
    assert paid.status_code == 202, paid.text
    deadline = time.monotonic() + HANG_SECONDS  # the worker runs the payment
    while time.monotonic() < deadline:
        status = client.get(f"/api/escrow/intents/{intent_id}", headers=auth).json()
        if status["status"] == "succeeded":
            break
        time.sleep(0.3)
    assert status["status"] == "succeeded", status
    return {
        "code": code,
        "tokens": [token, signed_up.json()["token"]],
        "password": PASSWORD,
    }


def test_a_journeys_log_is_json_carries_request_ids_and_leaks_nothing(deployment):
    # given: a server with an open deal
    deal = deployment.seed(
        'seed_open_deal(gtin="6901234567892", tiers=[(1, 900)], stock=10)'
    )
    port = free_port()
    base = deployment.serve(port)

    # when: a person signs up, logs in, joins and pays
    secrets = journey(base, deployment, deal["deal"])
    time.sleep(1.5)  # the job lines of the payment's notifications
    deployment.stop()

    # then: every line is one JSON object
    text = (deployment.data_dir / f"serve-{port}.log").read_text()
    lines = [line for line in text.splitlines() if line.startswith("{")]
    records = [json.loads(line) for line in lines]
    assert len(lines) == len(text.strip().splitlines()) - 1, text  # but the banner
    requests = [record for record in records if record["event"] == "request"]
    assert {"/api/auth/signup", "/api/auth/token"} <= {r["route"] for r in requests}
    assert all(re.fullmatch(r"[\w.-]+", r["request_id"]) for r in requests)
    # and: the payment request's id reaches the jobs it queued
    pay_jobs = [
        record
        for record in records
        if record["event"] == "job" and record.get("request_id") == "journey-pay-1"
    ]
    assert pay_jobs, [record for record in records if record["event"] == "job"]
    # and: no phone number, code, token or password anywhere in it
    for forbidden in [
        "13912345678",
        secrets["code"],
        secrets["password"],
        *secrets["tokens"],
    ]:
        assert forbidden not in text, forbidden
