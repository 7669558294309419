"""What a station learns at sync and how its till then answers: its branch
closed, or the shop's coupon key replaced. In process (the station's core and
ledger, the platform's sync over the API); the command itself is run in
test_station."""

import json

import pytest

from groupbuy.accounts.services import api_token_create
from groupbuy.catalog.services import branch_update
from groupbuy.coupons.services import branch_offline_set, merchant_key_generate
from groupbuy.coupons.station import core, texts
from groupbuy.coupons.station.ledger import Ledger
from groupbuy.coupons.tests.factories import (
    confirmed_orders,
    coupon_for,
    make_branch,
    make_merchant,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    texts.use_language("en")
    yield
    texts.use_language("en")


def _station_at(tmp_path, merchant, owner, branch) -> Ledger:
    """A station set up from a key file for ``branch`` (as `init --key-file`)."""
    _key, key_file = merchant_key_generate(actor=owner, merchant=merchant)
    ledger = Ledger(tmp_path / "station")
    ledger.set(merchant_id=merchant.public_id, branch=branch.public_id, registered=1)
    core.import_key_file(ledger, json.loads(key_file), merchant.public_id)
    return ledger


def _sync(client, ledger, owner, merchant) -> dict:
    _token, secret = api_token_create(actor=owner)
    answer = client.get(
        f"/api/coupons/merchants/{merchant.public_id}/sync",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert answer.status_code == 200
    core.apply_sync(ledger, answer.json())
    return answer.json()


def _shop(tmp_path):
    owner = make_user()
    merchant = make_merchant(owner=owner)
    east = make_branch(merchant, name="East gate")
    make_branch(merchant, name="West gate")
    branch_offline_set(actor=owner, branch=east, enabled=True)
    ledger = _station_at(tmp_path, merchant, owner, east)
    return owner, merchant, east, ledger


def test_a_station_at_a_branch_that_closed_refuses_after_sync(client, tmp_path):
    # given a station at East gate, synced while it was open, and a 2-unit
    # coupon collected at neither branch
    owner, merchant, east, ledger = _shop(tmp_path)
    (order,) = confirmed_orders(merchant, quantities=(2,))
    _sync(client, ledger, owner, merchant)
    # when the owner closes East gate and the station syncs, then scans
    branch_update(actor=owner, branch=east, is_active=False)
    answer = _sync(client, ledger, owner, merchant)
    outcome = core.redeem(ledger, coupon_for(order).code, quantity=1)
    # then the sync listed the branch as closed and the till refuses, saying
    # why (until 2026-12-06 it answered "Redeemed 1 of 2 units; 1 left.")
    assert next((b["branch_id"], b["is_active"]) for b in answer["branches"]) == (
        east.public_id,
        False,
    )
    assert (outcome.accepted, outcome.code) == (False, "branch_closed")
    assert outcome.message == (
        "This station's branch has closed, so it cannot redeem coupons: ask the "
        "shop's owner to set it up for the branch it is at."
    )
    assert ledger.units_redeemed(coupon_for(order).serial) == 0
    assert ledger.unexported() == []


def test_a_branch_missing_from_the_sync_counts_as_closed(tmp_path):
    # given a station at a branch an (older) platform no longer lists
    _owner, merchant, _east, ledger = _shop(tmp_path)
    (order,) = confirmed_orders(merchant, quantities=(1,))
    sync = {
        "platform_keys": [],
        "revocations": [],
        "revocations_cursor": 0,
        "branches": [{"branch_id": "brn_other", "offline_enabled": True}],
    }
    # when it syncs and scans
    core.apply_sync(ledger, sync)
    outcome = core.redeem(ledger, coupon_for(order).code)
    # then it refuses as for a closed branch
    assert outcome.code == "branch_closed"


def test_a_station_at_an_open_branch_still_redeems(client, tmp_path):
    owner, merchant, _east, ledger = _shop(tmp_path)
    (order,) = confirmed_orders(merchant, quantities=(2,))
    _sync(client, ledger, owner, merchant)
    outcome = core.redeem(ledger, coupon_for(order).code, quantity=1)
    assert (outcome.accepted, outcome.message) == (
        True,
        "Redeemed 1 of 2 units; 1 left.",
    )


def test_a_station_scan_naming_no_units_takes_one(client, tmp_path):
    # given a station at an open branch and a 3-unit coupon
    owner, merchant, _east, ledger = _shop(tmp_path)
    (order,) = confirmed_orders(merchant, quantities=(3,))
    _sync(client, ledger, owner, merchant)
    # when it is scanned with no units named
    outcome = core.redeem(ledger, coupon_for(order).code)
    # then one unit is taken, as at the platform's till and over its API
    # (until 2026-12-06: all three)
    assert (outcome.accepted, outcome.quantity, outcome.message) == (
        True,
        1,
        "Redeemed 1 of 3 units; 2 left.",
    )
    assert ledger.units_redeemed(coupon_for(order).serial) == 1
