"""The operator API's actions on a person's account: switch it off (with a
reason) and on again, list and revoke their API tokens. Operators only."""

import pytest

from groupbuy.accounts import switching_off
from groupbuy.accounts.models import ApiToken
from groupbuy.accounts.services import api_token_authenticate, api_token_create
from groupbuy.catalog.tests.factories import make_merchant_member
from groupbuy.core.models import AuditEntry
from groupbuy.ops.tests.factories import make_operator, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_sockets(monkeypatch):
    monkeypatch.setattr(switching_off, "sockets_end", lambda **kwargs: None)


def _post(client, user, path, body=None):
    client.force_login(user)
    return client.post(
        f"/api/operator/people/{path}",
        body or {},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )


def _get(client, user, path):
    client.force_login(user)
    return client.get(f"/api/operator/people/{path}", headers={"Accept-Language": "en"})


def test_an_operator_switches_an_account_off_and_on_again(client):
    # given a person with an API token, and an operator
    person = make_person()
    _token, secret = api_token_create(actor=person, name="app")
    operator = make_operator()
    # when the operator switches the account off, with a reason, twice
    off = _post(client, operator, f"{person.public_id}/switch-off", {"reason": "Fraud"})
    again = _post(client, operator, f"{person.public_id}/switch-off", {"reason": "x"})
    # then it is off once, audited with the reason; the token is refused
    assert off.status_code == 200
    assert off.json() == {
        "person_id": person.public_id,
        "is_active": False,
        "changed": True,
    }
    assert again.json()["changed"] is False
    entry = AuditEntry.objects.get(action="accounts.user.deactivated")
    assert (entry.actor_id, entry.data) == (operator.pk, {"reason": "Fraud"})
    assert api_token_authenticate(secret) is None
    # when switched on again
    on = _post(client, operator, f"{person.public_id}/switch-on")
    # then they may sign in and use the token again
    assert on.json() == {
        "person_id": person.public_id,
        "is_active": True,
        "changed": True,
    }
    assert api_token_authenticate(secret) == person


@pytest.mark.parametrize(
    ("body", "status"), [({}, 422), ({"reason": ""}, 400), ({"reason": "  "}, 400)]
)
def test_switching_off_without_a_reason_is_refused_and_changes_nothing(
    client, body, status
):
    person = make_person()
    response = _post(client, make_operator(), f"{person.public_id}/switch-off", body)
    assert response.status_code == status
    assert "reason" in response.json()["fields"]
    person.refresh_from_db()
    assert person.is_active


def test_an_operator_switching_themselves_or_another_operator_off_is_refused(client):
    operator = make_operator()
    other = make_operator()
    for target in (operator, other):
        response = _post(
            client, operator, f"{target.public_id}/switch-off", {"reason": "Left"}
        )
        assert response.status_code == 403
        assert response.json()["message"] in (
            "You cannot switch your own account off or on.",
            "Only a superuser can switch another operator's account.",
        )
        target.refresh_from_db()
        assert target.is_active


@pytest.mark.parametrize("path", ["switch-off", "switch-on", "tokens", "tokens/revoke"])
def test_an_unknown_person_is_a_404_saying_so(client, path):
    operator = make_operator()
    if path == "tokens":
        response = _get(client, operator, f"usr_nobody/{path}")
    else:
        response = _post(client, operator, f"usr_nobody/{path}", {"reason": "Spam"})
    assert response.status_code == 404
    assert response.json()["message"] == "There is no such person."


def test_an_operator_lists_a_persons_tokens_without_secrets_then_revokes_them(
    client,
):
    # given a person with a used token and an unused one
    person = make_person()
    used, secret = api_token_create(actor=person, name="phone")
    api_token_authenticate(secret)
    api_token_create(actor=person, name="tablet")
    operator = make_operator()
    # when the operator lists them
    listed = _get(client, operator, f"{person.public_id}/tokens")
    # then both, newest first, with when made and last used, never a secret
    body = listed.json()
    assert listed.status_code == 200
    assert [token["name"] for token in body["tokens"]] == ["tablet", "phone"]
    assert (body["total"], body["live"]) == (2, 2)
    used.refresh_from_db()
    assert body["tokens"][1]["token_id"] == used.public_id
    assert body["tokens"][1]["last_used_at"] is not None
    assert body["tokens"][0]["last_used_at"] is None
    assert secret not in listed.content.decode()
    assert used.key_hash not in listed.content.decode()
    # when they revoke them, twice
    revoked = _post(client, operator, f"{person.public_id}/tokens/revoke")
    again = _post(client, operator, f"{person.public_id}/tokens/revoke")
    # then both are revoked once; the list says so
    assert revoked.json() == {"person_id": person.public_id, "revoked": 2}
    assert again.json() == {"person_id": person.public_id, "revoked": 0}
    assert api_token_authenticate(secret) is None
    after = _get(client, operator, f"{person.public_id}/tokens").json()
    assert after["live"] == 0
    assert all(token["revoked_at"] for token in after["tokens"])
    assert AuditEntry.objects.filter(action="accounts.token.revoked_all").count() == 1


@pytest.mark.parametrize("who", ["self", "shopper", "owner", "cashier"])
@pytest.mark.parametrize("path", ["switch-off", "switch-on", "tokens", "tokens/revoke"])
def test_only_an_operator_switches_accounts_and_sees_or_revokes_tokens(
    client, who, path
):
    # given a person with a token, and someone else who is not an operator
    person = make_person()
    api_token_create(actor=person, name="app")
    user = {
        "self": person,
        "shopper": make_person(),
        "owner": make_merchant_member(user=make_person()).user,
        "cashier": make_merchant_member(user=make_person(), role="cashier").user,
    }[who]
    # when they try
    if path == "tokens":
        response = _get(client, user, f"{person.public_id}/{path}")
    else:
        response = _post(client, user, f"{person.public_id}/{path}", {"reason": "x"})
    # then it is refused and nothing changed
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    person.refresh_from_db()
    assert person.is_active
    assert ApiToken.objects.get(user=person).revoked_at is None
    assert not AuditEntry.objects.filter(object_id=person.public_id).exists()
