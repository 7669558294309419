"""Erasing the platform's last active operator is refused: nobody would be
left to run it (perform erasures, onboard merchants)."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.accounts.models import User
from groupbuy.accounts.services import api_token_create
from groupbuy.deals.tests.conftest import file_database  # noqa: F401 (fixture)
from groupbuy.deals.tests.racing import race
from groupbuy.ops import services
from groupbuy.ops.models import ErasureRequest
from groupbuy.ops.services import (
    erasure_perform,
    erasure_request,
    erasures_perform_due,
)

pytestmark = pytest.mark.django_db

# Asking to be erased takes the account's password.
WITH_PASSWORD = {"password": "long-enough-pw"}

ONLY_OPERATOR = (
    "You are the platform's only operator: make someone else an operator "
    "before this account is deleted."
)


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {api_token_create(actor=user)[1]}"}


def make_operator(phone: str, **fields) -> User:
    return User.objects.create_user(
        phone, "long-enough-pw", is_staff=True, preferred_language="en", **fields
    )


def test_the_only_operator_cannot_ask_to_be_erased(client):
    # given
    operator = make_operator("+8613700000001")

    # when
    answer = client.post(
        "/api/me/data/erasure",
        WITH_PASSWORD,
        content_type="application/json",
        headers={**bearer(operator), "Accept-Language": "en"},
    )

    # then
    assert answer.status_code == 409
    assert answer.json() == {
        "code": "erasure_blocked",
        "message": ONLY_OPERATOR,
        "fields": {},
        "blockers": [ONLY_OPERATOR],
    }
    assert not ErasureRequest.objects.exists()


def test_an_inactive_operator_does_not_count(client):
    # given: the other operator's account is switched off
    operator = make_operator("+8613700000001")
    make_operator("+8613700000002", is_active=False)

    # when
    answer = client.post(
        "/api/me/data/erasure",
        WITH_PASSWORD,
        content_type="application/json",
        headers={**bearer(operator), "Accept-Language": "en"},
    )

    # then
    assert (answer.status_code, answer.json()["code"]) == (409, "erasure_blocked")


def test_performing_checks_again_when_the_other_operator_left(client):
    # given: asked while a second operator was there, who then left
    first = make_operator("+8613700000001")
    second = make_operator("+8613700000002")
    request = erasure_request(actor=first)
    User.objects.filter(pk=second.pk).update(is_staff=False)

    # when: the last operator performs their own erasure, then the job runs
    answer = client.post(
        f"/api/ops/erasures/{request.public_id}/perform",
        headers={**bearer(first), "Accept-Language": "en"},
    )
    performed = erasures_perform_due(now=timezone.now() + timedelta(days=8))

    # then
    assert answer.status_code == 409
    assert answer.json()["blockers"] == [ONLY_OPERATOR]
    assert performed == 0
    request.refresh_from_db()
    first.refresh_from_db()
    assert request.status == ErasureRequest.Status.PENDING
    assert first.is_active and first.phone == "+8613700000001"


def test_an_operator_with_another_operator_is_erased(client):
    # given
    leaving = make_operator("+8613700000001")
    staying = make_operator("+8613700000002")
    request = erasure_request(actor=leaving)

    # when
    answer = client.post(
        f"/api/ops/erasures/{request.public_id}/perform", headers=bearer(staying)
    )

    # then
    assert answer.status_code == 200
    leaving.refresh_from_db()
    assert not leaving.is_active
    assert answer.json()["status"] == "completed"


def test_the_queue_names_whose_account_each_request_is(client):
    # given
    shopper = User.objects.create_user("+8613955554444", "long-enough-pw")
    operator = make_operator("+8613700000001")
    request = erasure_request(actor=shopper)

    # when
    answer = client.get("/api/ops/erasures", headers=bearer(operator))
    own = client.get("/api/me/data/erasure", headers=bearer(shopper))

    # then
    assert answer.status_code == 200
    (item,) = answer.json()["items"]
    assert item["id"] == request.public_id
    assert item["person_id"] == shopper.public_id
    assert shopper.phone not in str(answer.json())
    assert own.json()["pending"]["person_id"] == shopper.public_id


def test_a_shopper_cannot_list_the_queue(client):
    # given
    shopper = User.objects.create_user("+8613955554444", "long-enough-pw")
    erasure_request(actor=shopper)

    # when
    answer = client.get("/api/ops/erasures", headers=bearer(shopper))

    # then
    assert answer.status_code == 403


def erase_the_only_two_operators_at_once(then=lambda: None) -> None:
    # given two operators, each with an erasure request due
    first = make_operator("+8613700000011")
    second = make_operator("+8613700000012")
    requests = [erasure_request(actor=first), erasure_request(actor=second)]
    then()

    # when the job performs both at the same moment
    outcomes = race(
        [
            lambda request=request: erasure_perform(actor=None, request=request)
            for request in requests
        ]
    )

    # then one is erased and the other refused as the last operator: never
    # both, and neither fails on a deadlock
    assert outcomes == Counter({"ok": 1, "erasure_blocked": 1})
    assert User.objects.filter(is_staff=True, is_active=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_operators_erased_at_once_leave_one(file_database):  # noqa: F811
    erase_the_only_two_operators_at_once()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_operators_erased_at_once_leave_one_on_postgres(monkeypatch):
    # Both erasures hold their own person's row before either counts the
    # operators (SQLite takes one writer at a time, so only here): counting by
    # locking the other operator's row deadlocked at this point.
    both_hold_their_person = threading.Barrier(2, timeout=10)
    check = services._refuse_while_blocked

    def check_once_both_hold_their_person(user):
        both_hold_their_person.wait()
        check(user)

    erase_the_only_two_operators_at_once(
        then=lambda: monkeypatch.setattr(
            services, "_refuse_while_blocked", check_once_both_hold_their_person
        )
    )
