"""A till or station at a branch that has closed: online redemption there is
refused, saying so; an offline one counts only if the station made it before
the branch closed."""

from datetime import timedelta

import pytest
from django.utils import html, timezone

from groupbuy.accounts.services import api_token_create
from groupbuy.catalog.models import Branch
from groupbuy.catalog.services import branch_update
from groupbuy.core.models import AuditEntry
from groupbuy.coupons import batchfile, selectors
from groupbuy.coupons.errors import CouponError
from groupbuy.coupons.models import Coupon, Redemption, RedemptionConflict
from groupbuy.coupons.services import batch_import, coupon_redeem_online
from groupbuy.coupons.tests.factories import (
    assert_ledger_balanced,
    balance_of,
    confirmed_orders,
    coupon_for,
    make_branch,
    make_station,
    make_user,
)
from groupbuy.deals.tests.conftest import file_database  # noqa: F401 (fixture)
from groupbuy.deals.tests.racing import race

pytestmark = pytest.mark.django_db

CLOSED = (
    "The branch “East gate” chosen on this till has closed, so coupons cannot "
    "be redeemed there: choose the branch you are at and scan again."
)


def _shop_with_a_closed_branch():
    """A station's shop with a coupon and two branches, East gate closed by its
    owner (so the close is recorded); the coupon is collected at neither."""
    station = make_station()
    station.owner.preferred_language = "en"  # the tests read the English text
    station.owner.save(update_fields=["preferred_language"])
    east = make_branch(station.merchant, name="East gate")
    make_branch(station.merchant, name="West gate")
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    branch_update(actor=station.owner, branch=east, is_active=False)
    return station, east, coupon_for(order)


def _untouched(coupon) -> None:
    coupon.refresh_from_db()
    assert (coupon.status, coupon.redeemed_quantity) == (Coupon.Status.VALID, 0)
    assert not Redemption.objects.filter(coupon=coupon).exists()


def test_the_api_refuses_a_redemption_at_a_closed_branch(client):
    # given a coupon, and a till still set to the branch that closed
    station, east, coupon = _shop_with_a_closed_branch()
    _token, secret = api_token_create(actor=station.owner)
    # when it redeems there
    response = client.post(
        f"/api/coupons/merchants/{station.merchant.public_id}/redeem",
        {"code": coupon.code, "branch_id": east.public_id},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    # then it is refused, saying why and what to do; nothing is taken
    assert response.status_code == 409
    assert response.json() == {"code": "branch_closed", "message": CLOSED, "fields": {}}
    _untouched(coupon)


def test_the_console_says_its_branch_has_closed(client):
    # given the console page, opened while East gate was open
    station, east, coupon = _shop_with_a_closed_branch()
    client.force_login(station.owner)
    # when the cashier scans with East gate still chosen
    page = client.post(
        f"/coupons/merchant/{station.merchant.public_id}/redeem/",
        {"code": coupon.code, "branch": east.public_id},
    )
    # then the page says the branch has closed (until today: "Scan or type a
    # coupon code", the closed branch being no choice of the form)
    assert page.status_code == 422
    content = page.content.decode()
    assert 'data-code="branch_closed"' in content
    assert html.escape(CLOSED) in content
    _untouched(coupon)


def _batch(station, coupon, *claims) -> bytes:
    """A station's signed batch; each claim is (nonce, branch, redeemed_at)."""
    entries = [
        {
            "nonce": nonce,
            "serial": coupon.serial,
            "code": coupon.code,
            "quantity": 1,
            "redeemed_at": int(redeemed_at.timestamp()),
            "branch": branch.public_id,
            "cashier": "till 1",
        }
        for nonce, branch, redeemed_at in claims
    ]
    body = {
        "merchant_id": station.merchant.public_id,
        "device": "till 1",
        "exported_at": 0,
        "redemptions": entries,
    }
    return batchfile.write(body, bytes(station.signing))


def _closed_at(branch):
    from groupbuy.catalog.selectors import branch_closed_at

    return branch_closed_at(branch=Branch.objects.get(pk=branch.pk))


def test_an_offline_redemption_counts_if_made_before_its_branch_closed():
    # given a station at East gate that redeemed one unit a minute before the
    # branch closed (ten minutes after the coupon was issued) and one a minute
    # after, uploaded once it had closed
    station, east, coupon = _shop_with_a_closed_branch()
    closed_at = coupon.issued_at + timedelta(minutes=10)
    AuditEntry.objects.filter(
        action="catalog.branch.updated", object_id=east.public_id
    ).update(created_at=closed_at)
    assert _closed_at(east) == closed_at
    data = _batch(
        station,
        coupon,
        ("before", east, closed_at - timedelta(minutes=1)),
        ("after", east, closed_at + timedelta(minutes=1)),
    )
    # when the batch is imported
    batch = batch_import(actor=station.owner, merchant=station.merchant, data=data)
    # then the one before counts, the one after is a conflict saying why
    assert (batch.accepted, batch.conflicts, batch.rejected) == (1, 1, 0)
    redemption = Redemption.objects.get(coupon=coupon)
    assert (redemption.nonce.rsplit(":", 1)[-1], redemption.branch) == ("before", east)
    conflict = RedemptionConflict.objects.get(coupon=coupon)
    assert conflict.nonce.rsplit(":", 1)[-1] == "after"
    assert conflict.reason == RedemptionConflict.Reason.BRANCH_CLOSED
    assert conflict.get_reason_display() == "Redeemed after its branch closed"
    # and its unit, handed over at the till, is taken off the coupon too
    assert conflict.holds_units is True
    coupon.refresh_from_db()
    assert (coupon.redeemed_quantity, coupon.status) == (2, Coupon.Status.REDEEMED)


def test_an_offline_redemption_at_a_branch_closed_at_no_recorded_time_waits():
    # given a branch closed outside the services (no audit of when)
    station = make_station()
    east = make_branch(station.merchant, name="East gate")
    make_branch(station.merchant, name="West gate")
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon = coupon_for(order)
    Branch.objects.filter(pk=east.pk).update(is_active=False)
    data = _batch(station, coupon, ("early", east, coupon.issued_at))
    # when its station's batch arrives
    batch = batch_import(actor=station.owner, merchant=station.merchant, data=data)
    # then the claim is not paid on a guess: it waits as a conflict, its unit
    # taken off the coupon (the station handed it over) and nothing redeemed
    assert (batch.accepted, batch.conflicts) == (0, 1)
    conflict = RedemptionConflict.objects.get()
    assert (conflict.reason, conflict.holds_units) == ("branch_closed", True)
    coupon.refresh_from_db()
    assert (coupon.status, coupon.redeemed_quantity) == (Coupon.Status.REDEEMED, 1)
    assert not Redemption.objects.filter(coupon=coupon).exists()


def test_a_coupon_gives_no_more_units_than_it_holds_after_a_closed_branch_claim():
    # given a 2-unit coupon, one unit of which a station at the closed East
    # gate handed over after the close (its till said "1 left")
    station, east, coupon = _shop_with_a_closed_branch()
    after_close = _closed_at(east) + timedelta(minutes=1)
    pending_before = balance_of("merchant_pending", merchant=station.merchant)
    data = _batch(station, coupon, ("closed", east, after_close))
    batch = batch_import(actor=station.owner, merchant=station.merchant, data=data)
    # when the shopper then redeems what is left online, and tries again
    online = coupon_redeem_online(
        actor=station.owner, merchant=station.merchant, code=coupon.code
    )
    with pytest.raises(CouponError) as again:
        coupon_redeem_online(
            actor=station.owner, merchant=station.merchant, code=coupon.code
        )
    # then the coupon gave its 2 units, no more (until 2026-12-06 the closed
    # branch's unit stayed on it: 1 offline + 2 online); the shop is paid for
    # the online unit only, the other's money waiting in pending
    assert (batch.accepted, batch.conflicts) == (0, 1)
    assert online.quantity == 1
    assert again.value.code == "already_redeemed"
    coupon.refresh_from_db()
    held = RedemptionConflict.objects.get(coupon=coupon, holds_units=True)
    assert held.quantity + online.quantity == coupon.quantity == 2
    assert (coupon.redeemed_quantity, coupon.status) == (2, Coupon.Status.REDEEMED)
    pending_after = balance_of("merchant_pending", merchant=station.merchant)
    assert pending_before - pending_after == coupon.unit_price_fen
    assert_ledger_balanced()


def test_the_shopper_is_told_of_a_unit_held_by_a_closed_branch_claim(client):
    # given a 2-unit coupon, one unit of which a station at the closed East
    # gate handed over after the close
    station, east, coupon = _shop_with_a_closed_branch()
    after_close = _closed_at(east) + timedelta(minutes=1)
    data = _batch(station, coupon, ("closed", east, after_close))
    batch_import(actor=station.owner, merchant=station.merchant, data=data)
    shopper = coupon.shopper
    shopper.preferred_language = "en"
    shopper.save(update_fields=["preferred_language"])
    day = timezone.localtime(after_close).strftime("%Y-%m-%d")
    # when its shopper opens the coupon's page and asks the API for it
    client.force_login(shopper)
    page = client.get(f"/coupons/{coupon.public_id}/").content.decode()
    answer = client.get(f"/api/coupons/{coupon.public_id}").json()
    # then both say the unit was used there, awaiting the shop's review (until
    # 2026-12-06 the coupon just had a unit fewer left, no redemption saying
    # why)
    assert 'id="coupon-units-held"' in page
    assert f"1 unit used at East gate on {day}, awaiting the shop's review" in page
    assert answer["redemptions"] == []
    assert answer["redeemed_quantity"] == 1
    assert answer["units_held"] == [
        {
            # to the second, as the station signs it
            "redeemed_at": f"{after_close:%Y-%m-%dT%H:%M:%S}Z",
            "quantity": 1,
            "branch_id": east.public_id,
            "branch_name": "East gate",
        }
    ]


def test_units_held_are_told_to_the_coupons_shopper_and_the_shop_only():
    # given a unit of a coupon held by a closed branch's claim
    station, east, coupon = _shop_with_a_closed_branch()
    after_close = _closed_at(east) + timedelta(minutes=1)
    data = _batch(station, coupon, ("closed", east, after_close))
    batch_import(actor=station.owner, merchant=station.merchant, data=data)
    (held,) = RedemptionConflict.objects.filter(coupon=coupon, holds_units=True)
    other_shop = make_station(name="Other Mart")
    # when each asks for the coupon's held units
    seen = {
        who: selectors.coupon_units_held(user=user, coupon=coupon)
        for who, user in [
            ("shopper", coupon.shopper),
            ("shop", station.owner),
            ("other shopper", make_user()),
            ("other shop", other_shop.owner),
        ]
    }
    # then its shopper and its shop are told, no one else
    assert seen == {
        "shopper": [held],
        "shop": [held],
        "other shopper": [],
        "other shop": [],
    }


def test_another_shopper_or_shop_cannot_read_a_coupon_with_units_held(client):
    station, east, coupon = _shop_with_a_closed_branch()
    after_close = _closed_at(east) + timedelta(minutes=1)
    data = _batch(station, coupon, ("closed", east, after_close))
    batch_import(actor=station.owner, merchant=station.merchant, data=data)
    for user in (make_user(), make_station(name="Other Mart").owner):
        client.force_login(user)
        assert client.get(f"/coupons/{coupon.public_id}/").status_code == 404
        assert client.get(f"/api/coupons/{coupon.public_id}").status_code == 404


def test_a_closed_branch_claim_keeps_its_units_from_a_later_arriving_earlier_one():
    # given a 2-unit coupon: a closed branch's claim of both units (uploaded
    # first), then an open branch's claim of one unit made earlier
    station, east, coupon = _shop_with_a_closed_branch()
    west = Branch.objects.get(merchant=station.merchant, name="West gate")
    closed_at = _closed_at(east)
    body = {
        "merchant_id": station.merchant.public_id,
        "device": "till 1",
        "exported_at": 0,
        "redemptions": [
            {
                "nonce": "both",
                "serial": coupon.serial,
                "code": coupon.code,
                "quantity": 2,
                "redeemed_at": int((closed_at + timedelta(minutes=1)).timestamp()),
                "branch": east.public_id,
                "cashier": "",
            }
        ],
    }
    batch_import(
        actor=station.owner,
        merchant=station.merchant,
        data=batchfile.write(body, bytes(station.signing)),
    )
    earlier = _batch(station, coupon, ("west", west, closed_at))
    # when the earlier one arrives
    batch = batch_import(actor=station.owner, merchant=station.merchant, data=earlier)
    # then it finds no unit left: units handed over are never given again
    assert (batch.accepted, batch.conflicts) == (0, 1)
    coupon.refresh_from_db()
    assert coupon.redeemed_quantity == 2
    assert not Redemption.objects.filter(coupon=coupon).exists()
    reasons = set(
        RedemptionConflict.objects.filter(coupon=coupon).values_list(
            "reason", "holds_units"
        )
    )
    assert reasons == {("branch_closed", True), ("already_redeemed", False)}


def test_an_offline_redemption_at_an_open_branch_counts_as_before():
    station = make_station()
    east = make_branch(station.merchant, name="East gate")
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon = coupon_for(order)
    data = _batch(station, coupon, ("n1", east, coupon.issued_at))
    batch = batch_import(actor=station.owner, merchant=station.merchant, data=data)
    assert (batch.accepted, batch.conflicts) == (1, 0)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("run", range(3))
def test_a_branch_closing_while_its_till_redeems(file_database, run):  # noqa: F811
    # given coupons to redeem at East gate (collected at neither branch)
    station = make_station()
    east = make_branch(station.merchant, name="East gate")
    make_branch(station.merchant, name="West gate")
    orders = confirmed_orders(station.merchant, quantities=(1, 1, 1, 1))
    seen_open = Branch.objects.get(pk=east.pk)
    # when the owner closes it while its till redeems them
    outcomes = race(
        [lambda: branch_update(actor=station.owner, branch=east, is_active=False)]
        + [
            lambda order=order: coupon_redeem_online(
                actor=station.owner,
                merchant=station.merchant,
                code=coupon_for(order).code,
                branch=seen_open,
            )
            for order in orders
        ]
    )
    # then it closed, and no redemption there was recorded after it closed
    # (writes commit one at a time here: audit ids follow the commits)
    assert set(outcomes) <= {"ok", "branch_closed"}
    assert outcomes["ok"] == 1 + Redemption.objects.filter(branch=east).count()
    assert Branch.objects.get(pk=east.pk).is_active is False
    closing = AuditEntry.objects.get(
        action="catalog.branch.updated", object_id=east.public_id
    )
    redeemed_later = AuditEntry.objects.filter(
        action="coupons.coupon.redeemed", pk__gt=closing.pk
    )
    assert not redeemed_later.exists()
