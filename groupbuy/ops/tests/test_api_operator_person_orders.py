"""A person's orders as the operator's page of that person lists them, over the
API (until 2026-12-07 the page only)."""

import pytest

from groupbuy.catalog.tests.factories import make_merchant_member
from groupbuy.core.models import AuditEntry
from groupbuy.deals.services import deal_join, deal_order_cancel
from groupbuy.deals.tests.factories import join_and_pay, make_deal
from groupbuy.ops.services import erasure_perform, erasure_request
from groupbuy.ops.tests.factories import make_operator, make_person

pytestmark = pytest.mark.django_db


def _orders(client, person_id, **params):
    return client.get(
        f"/api/operator/people/{person_id}/orders",
        params,
        headers={"Accept-Language": "en"},
    )


def test_an_operator_reads_a_persons_orders_newest_first(
    client, django_assert_max_num_queries
):
    # given a person's paid order, one they cancelled after paying, and one
    # not paid yet; and someone else's order
    person = make_person()
    paid = join_and_pay(make_deal(title="Tea"), shopper=person)
    cancelled = join_and_pay(make_deal(title="Rice"), shopper=person)
    deal_order_cancel(actor=person, order=cancelled)
    unpaid = deal_join(actor=person, deal=make_deal(title="Oil"), quantity=1)
    join_and_pay(paid.deal)
    operator = make_operator()
    client.force_login(operator)
    # when an operator reads the first page of two (its queries: the session,
    # the person, the audit row, the count and the page, however many orders)
    with django_assert_max_num_queries(8):
        response = _orders(client, person.public_id, page_size=2)
    # then
    body = response.json()
    assert response.status_code == 200
    assert (body["total"], body["pages"], body["page"]) == (3, 2, 1)
    assert [
        (row["id"], row["shown_status"], row["paid_fen"], row["kept_fen"])
        for row in body["items"]
    ] == [
        (unpaid.public_id, "pending_payment", 0, 0),
        (cancelled.public_id, "cancelled", 9_900, 0),
    ]
    rest = _orders(client, person.public_id, page_size=2, page=2).json()
    assert [(row["id"], row["paid_fen"]) for row in rest["items"]] == [
        (paid.public_id, 9_900)
    ]
    # and the read is recorded as opening the person's page is
    assert AuditEntry.objects.filter(
        action="ops.lookup.user_viewed", actor=operator, object_id=person.public_id
    ).exists()


@pytest.mark.parametrize("who", ["the_person", "shopper", "owner", "cashier"])
def test_anyone_but_an_operator_is_refused_with_403(client, who):
    # given a person with an order at a shop
    person = make_person()
    join_and_pay(make_deal(), shopper=person)
    user = {
        "the_person": person,
        "shopper": make_person(),
        "owner": make_merchant_member(user=make_person(), role="owner").user,
        "cashier": make_merchant_member(user=make_person(), role="cashier").user,
    }[who]
    client.force_login(user)
    # when
    response = _orders(client, person.public_id)
    # then
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert "items" not in response.json()
    assert not AuditEntry.objects.filter(action__startswith="ops.lookup").exists()


def test_an_unknown_person_is_404_and_no_sign_in_401(client):
    client.force_login(make_operator())
    assert _orders(client, "usr_nosuchperson").status_code == 404
    client.logout()
    assert client.get("/api/operator/people/usr_nosuch/orders").status_code == 401


def test_an_erased_shoppers_orders_give_no_number(client):
    # given an order whose shopper was erased since (the look-up's list of
    # orders and the pages say "Deleted user"; the number is a pseudonym)
    person = make_person()
    order = deal_join(actor=person, deal=make_deal(), quantity=1)
    deal_order_cancel(actor=person, order=order)
    erasure_perform(actor=None, request=erasure_request(actor=person))
    client.force_login(make_operator())
    # when
    body = _orders(client, person.public_id).json()
    # then
    assert [row["shopper_phone_masked"] for row in body["items"]] == [""]
