"""Support's actions over the operator API: refund what a payment still
holds, clear a person's sign-in lockout. Operators only."""

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from groupbuy.catalog.tests.factories import make_merchant_member
from groupbuy.core.models import AuditEntry
from groupbuy.deals.tests.factories import join_and_pay, make_deal
from groupbuy.escrow.models import PaymentIntent, Refund
from groupbuy.ops.tests.factories import make_operator, make_person

pytestmark = pytest.mark.django_db


def _post(client, user, path):
    client.force_login(user)
    return client.post(f"/api/operator/{path}", headers={"Accept-Language": "en"})


@pytest.fixture
def paid_order():
    return join_and_pay(make_deal(), shopper=make_person())


def _refund_held(client, user, order):
    return _post(client, user, f"payments/{order.payment_intent.public_id}/refund-held")


def test_an_operator_refunds_what_a_payment_holds_then_is_told_nothing_is(
    client, paid_order
):
    # when
    response = _refund_held(client, make_operator(), paid_order)
    # then the held 99.00 goes back, and the answer says so
    assert response.status_code == 200
    refund = Refund.objects.get()
    assert response.json() == {
        "payment_id": paid_order.payment_intent.public_id,
        "refund_id": refund.public_id,
        "refunded_fen": 9_900,
        "status": refund.status,
        "remaining_held_fen": 0,
    }
    # and again: a 409 saying nothing is held, no second refund
    again = _refund_held(client, make_operator(), paid_order)
    assert again.status_code == 409
    assert again.json()["code"] == "nothing_held"
    assert again.json()["message"] == "This payment holds no money to refund."
    assert Refund.objects.count() == 1


def test_refunding_a_payment_that_does_not_exist_is_a_404(client):
    response = _post(client, make_operator(), "payments/pi_nothing/refund-held")
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["payer", "shopper", "owner", "other_owner"])
def test_only_an_operator_refunds_what_is_held(client, paid_order, who):
    user = {
        "payer": paid_order.shopper,
        "shopper": make_person(),
        "owner": make_merchant_member(
            user=make_person(), merchant=paid_order.deal.merchant
        ).user,
        "other_owner": make_merchant_member(user=make_person()).user,
    }[who]
    response = _refund_held(client, user, paid_order)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not Refund.objects.exists()
    assert PaymentIntent.objects.get(pk=paid_order.payment_intent_id).refunded_fen == 0


def _fail_sign_ins(person, failures):
    AccessAttempt.objects.create(
        username=person.phone,
        ip_address="203.0.113.9",
        user_agent="test",
        failures_since_start=failures,
        attempt_time=timezone.now(),
        get_data="",
        post_data="",
        http_accept="",
        path_info="/api/auth/token",
    )


def test_an_operator_reads_and_clears_a_persons_lockout(client, settings):
    # given a person whose number is locked out of signing in
    settings.AXES_FAILURE_LIMIT = 3
    person = make_person()
    _fail_sign_ins(person, 3)
    operator = make_operator()
    # when the operator reads them, then clears the lockout
    client.force_login(operator)
    read = client.get(f"/api/operator/people/{person.public_id}").json()
    response = _post(client, operator, f"people/{person.public_id}/clear-lockout")
    # then
    assert (read["sign_in_failures"], read["password_confirm_failures"]) == (3, 0)
    assert (
        read["sign_in_locked_until"] and read["password_confirm_locked_until"] is None
    )
    assert response.status_code == 200
    assert response.json() == {
        "person_id": person.public_id,
        "sign_in_failures_cleared": 3,
        "password_confirmations_cleared": 0,
    }
    assert not AccessAttempt.objects.filter(username=person.phone).exists()
    # and again: nothing to clear, nothing audited twice
    again = _post(client, operator, f"people/{person.public_id}/clear-lockout")
    assert again.status_code == 200
    assert again.json()["sign_in_failures_cleared"] == 0
    assert AuditEntry.objects.filter(action="accounts.lockout.cleared").count() == 1


@pytest.mark.parametrize("who", ["self", "shopper", "owner"])
def test_only_an_operator_clears_a_lockout(client, who):
    person = make_person()
    user = {
        "self": person,
        "shopper": make_person(),
        "owner": make_merchant_member(user=make_person()).user,
    }[who]
    client.force_login(user)  # (signing in forgets one's own failures)
    _fail_sign_ins(person, 3)
    response = client.post(f"/api/operator/people/{person.public_id}/clear-lockout")
    assert response.status_code == 403
    assert AccessAttempt.objects.filter(username=person.phone).exists()
    assert not AuditEntry.objects.filter(action="accounts.lockout.cleared").exists()
