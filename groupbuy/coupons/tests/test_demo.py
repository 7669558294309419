"""The coupons demo: key files, and a group buy that already succeeded so the
first shopper has a coupon to show and the till has redeemed the second's."""

import io

import pytest

from groupbuy.coupons.demo import load_demo_data
from groupbuy.coupons.models import Coupon, MerchantKey, PlatformKey, Redemption
from groupbuy.coupons.tests.factories import make_merchant, make_user
from groupbuy.deals.models import Deal

# one_database: the demo runs on SQLite (`make demo`), and the services it
# calls run on PostgreSQL in their own tests (as core's test_demo_alive.py).
pytestmark = [pytest.mark.django_db, pytest.mark.one_database]


def test_demo_data_gives_every_merchant_a_key_file_once(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    make_user(is_staff=True, is_superuser=True)
    merchant = make_merchant()
    load_demo_data(stdout=io.StringIO())
    load_demo_data(stdout=io.StringIO())
    assert MerchantKey.objects.filter(merchant=merchant).count() == 1
    assert PlatformKey.objects.count() == 1
    assert (tmp_path / "station-keys" / f"{merchant.public_id}.json").exists()


def test_the_plugin_declaration_names_modules_that_exist():
    from django.utils.module_loading import import_string

    from groupbuy.coupons.groupbuy_app import app

    targets = [
        *app.api_routers.values(),
        app.demo_data,
        *app.cli_commands.values(),
        *app.standalone_cli_commands.values(),
    ]
    for target in targets:
        import_string(target.replace(":", "."))


def test_the_demo_shoppers_hold_coupons_and_one_was_redeemed_at_the_till(
    client, settings, tmp_path
):
    settings.DATA_DIR = tmp_path  # the key files
    from groupbuy.coupons.demo import SUCCEEDED_DEAL
    from groupbuy.demo_data import CASHIER, SHOPPER, SHOPPER_2, load_demo

    load_demo()
    for _ in range(2):  # make demo runs again: nothing is added twice
        load_demo_data(stdout=io.StringIO())
    deal = Deal.objects.get(title=SUCCEEDED_DEAL)
    assert deal.state == Deal.State.SETTLED
    assert deal.settlement_mode == Deal.SettlementMode.ON_REDEMPTION
    coupons = {c.shopper.phone: c for c in Coupon.objects.filter(order__deal=deal)}
    assert set(coupons) == {SHOPPER.phone, SHOPPER_2.phone}
    waiting, used = coupons[SHOPPER.phone], coupons[SHOPPER_2.phone]
    assert (waiting.status, waiting.quantity) == (Coupon.Status.VALID, 2)
    assert used.status == Coupon.Status.REDEEMED
    (redemption,) = Redemption.objects.all()
    assert redemption.cashier.phone == CASHIER.phone
    # the first shopper sees their coupon's code on "My coupons"
    client.force_login(waiting.shopper)
    assert (
        waiting.serial.encode() in client.get(f"/coupons/{waiting.public_id}/").content
    )
