"""The offline station: the real `groupbuy station` command in a subprocess."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from groupbuy.accounts.services import api_token_create
from groupbuy.coupons.models import Redemption, RedemptionConflict
from groupbuy.coupons.services import (
    branch_offline_set,
    coupon_redeem_online,
    coupon_revoke_for_order,
)
from groupbuy.coupons.station.ledger import Ledger
from groupbuy.coupons.tests.factories import (
    confirmed_orders,
    coupon_for,
    make_branch,
    make_station,
    make_user,
)
from groupbuy.coupons.tests.factories import make_merchant as make_plain_merchant
from tests.support.servers import free_port

REPO = Path(__file__).resolve().parents[3]
# one_database: what is tested is the station process and its files; the
# platform side of sync and upload runs on PostgreSQL in test_api and test_batches.
# (a registration once took the loaded CI machine's server 13 s: the station
# would have counted itself offline at its default 10)
STATION_ENVIRONMENT = {
    **os.environ,
    "PYTHONPATH": str(REPO),
    "GROUPBUY_STATION_TIMEOUT_SECONDS": "50",
}

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
    pytest.mark.one_database,
]


def station(directory: Path, *argv: str, stdin: str = "") -> tuple[int, str]:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "groupbuy.cli",
            "station",
            "--dir",
            str(directory),
            *argv,
        ],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        env=STATION_ENVIRONMENT,
    )
    return result.returncode, result.stdout + result.stderr


def unplug(directory: Path) -> str:
    """Point the station at a port nobody listens on; return the real server."""
    ledger = Ledger(directory)
    server = ledger.get("server")
    ledger.set(server=f"http://127.0.0.1:{free_port()}")
    ledger.close()
    return server


def plug_in(directory: Path, server: str) -> None:
    ledger = Ledger(directory)
    ledger.set(server=server)
    ledger.close()


def test_init_sync_redeem_offline_export_and_upload(live_server, tmp_path):
    # given a merchant owner with an API token and a station set up online
    owner = make_user()
    merchant = make_plain_merchant(owner=owner)
    branch = make_branch(merchant)
    branch_offline_set(actor=owner, branch=branch, enabled=True)
    _token, secret = api_token_create(actor=owner, name="station")
    directory = tmp_path / "station"
    status, output = station(
        directory,
        "init",
        "--merchant",
        merchant.public_id,
        "--server",
        live_server.url,
        "--token",
        secret,
        "--branch",
        branch.public_id,
    )
    assert status == 0, output
    assert "registered key mkey_" in output
    # and a deal that succeeds: three coupons sealed to the station's key
    first, second, revoked = confirmed_orders(merchant, quantities=(1, 2, 1))
    coupon_revoke_for_order(actor=None, order=revoked, reason="order_refunded")
    assert station(directory, "sync")[0] == 0
    # when the network is unplugged and the till scans
    server = unplug(directory)
    codes = [coupon_for(o).code for o in (first, first, revoked)]
    status, output = station(directory, "redeem", "--stdin", stdin="\n".join(codes))
    # then the first is redeemed once, the repeat and the revoked one refused
    lines = output.strip().splitlines()
    assert lines[0].startswith(f"OK redeemed {coupon_for(first).serial}")
    assert lines[1].startswith("REFUSED already_redeemed")
    assert lines[2].startswith("REFUSED revoked")
    assert status == 1
    # and the second coupon, used up online, is accepted offline too
    coupon_redeem_online(
        actor=owner, merchant=merchant, code=coupon_for(second).code, quantity=2
    )
    assert station(directory, "redeem", coupon_for(second).code)[0] == 0
    assert station(directory, "upload")[1].strip() == "nothing to upload"
    status, output = station(directory, "export")
    batch_path = Path(output.strip())
    assert status == 0 and batch_path.exists()
    # when it is plugged in again and uploads
    assert station(directory, "upload")[0] == 1  # still unplugged: kept for later
    plug_in(directory, server)
    status, output = station(directory, "upload")
    # then one redemption is recorded and the double spend kept as a conflict
    assert status == 0, output
    assert "1 redeemed, 1 conflicts, 0 refused" in output
    offline = Redemption.objects.get(channel="offline")
    assert (offline.coupon, offline.branch) == (coupon_for(first), branch)
    conflict = RedemptionConflict.objects.get()
    assert (conflict.coupon, conflict.reason) == (
        coupon_for(second),
        "already_redeemed",
    )
    # and uploading the same file again changes nothing
    status, output = station(directory, "upload", str(batch_path))
    assert status == 0
    assert Redemption.objects.count() == 2 and RedemptionConflict.objects.count() == 1


def test_a_station_refuses_another_merchants_coupon_and_junk(live_server, tmp_path):
    owner = make_user()
    merchant = make_plain_merchant(owner=owner)
    _token, secret = api_token_create(actor=owner)
    directory = tmp_path / "station"
    station(
        directory,
        "init",
        "--merchant",
        merchant.public_id,
        "--server",
        live_server.url,
        "--token",
        secret,
    )
    assert station(directory, "sync")[0] == 0
    other = make_station(name="Other shop")
    (order,) = confirmed_orders(other.merchant, quantities=(1,))
    unplug(directory)
    status, output = station(
        directory, "redeem", "--stdin", stdin=f"{coupon_for(order).code}\nGB1:NOPE\n"
    )
    assert status == 1
    lines = output.strip().splitlines()
    assert lines[0].startswith("REFUSED not_for_this_merchant")
    assert lines[1].startswith("REFUSED malformed")
    assert json.loads(station(directory, "status")[1])["unexported"] == 0


def test_a_platform_key_file_can_be_imported_instead(live_server, tmp_path):
    from groupbuy.coupons.services import merchant_key_generate

    owner = make_user()
    merchant = make_plain_merchant(owner=owner)
    _key, key_file = merchant_key_generate(actor=owner, merchant=merchant)
    path = tmp_path / "key.json"
    path.write_bytes(key_file)
    _token, secret = api_token_create(actor=owner)
    directory = tmp_path / "station"
    assert (
        station(
            directory,
            "init",
            "--merchant",
            merchant.public_id,
            "--server",
            live_server.url,
            "--token",
            secret,
            "--key-file",
            str(path),
        )[0]
        == 0
    )
    (order,) = confirmed_orders(merchant, quantities=(1,))
    station(directory, "sync")
    unplug(directory)
    status, output = station(directory, "redeem", coupon_for(order).code)
    assert status == 0, output


def test_the_till_page_redeems_with_the_network_unplugged(client, tmp_path):
    import time

    import httpx

    from groupbuy.coupons.services import merchant_key_generate
    from groupbuy.coupons.station import core

    # given a station set up from a key file, synced once, then unplugged
    owner = make_user()
    merchant = make_plain_merchant(owner=owner)
    _key, key_file = merchant_key_generate(actor=owner, merchant=merchant)
    (tmp_path / "key.json").write_bytes(key_file)
    directory = tmp_path / "station"
    dead = f"http://127.0.0.1:{free_port()}"
    assert (
        station(
            directory,
            "init",
            "--merchant",
            merchant.public_id,
            "--server",
            dead,
            "--key-file",
            str(tmp_path / "key.json"),
        )[0]
        == 0
    )
    (order,) = confirmed_orders(merchant, quantities=(1,))
    _token, secret = api_token_create(actor=owner)
    sync = client.get(
        f"/api/coupons/merchants/{merchant.public_id}/sync",
        headers={"Authorization": f"Bearer {secret}"},
    ).json()
    ledger = Ledger(directory)
    core.apply_sync(ledger, sync)
    ledger.close()
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "groupbuy.cli",
            "station",
            "--dir",
            str(directory),
            "serve",
            "--port",
            str(port),
        ],
        cwd=REPO,
        env=STATION_ENVIRONMENT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        code = coupon_for(order).code
        form_key = re.search(r'name="form_key" value="([^"]+)"', httpx.get(url).text)[1]
        # when the scanner types the code and Enter (a form post)
        sent = {"code": code, "form_key": form_key}
        first = httpx.post(f"{url}/redeem", data=sent, timeout=10)
        # then the answer is the page of its result, which a reload does not
        # redeem again, nor the same form sent again (back, then send)
        assert first.status_code == 303
        result_url = url + first.headers["Location"]
        shown = httpx.get(result_url, timeout=10)
        again = httpx.post(f"{url}/redeem", data=sent, timeout=10)
        assert again.headers["Location"] == first.headers["Location"]
        assert httpx.get(result_url, timeout=10).text.count('id="result"') == 1
        # it is redeemed once and listed for the day, in the station's
        # language: a new station speaks the site's default, Chinese
        assert 'data-code="redeemed"' in shown.text
        assert "已核销 1 件（共 1 件），还剩 0 件。" in shown.text
        # a new form for the same coupon is refused
        second = httpx.post(f"{url}/redeem", data={"code": code}, timeout=10)
        assert second.status_code == 422
        assert 'data-code="already_redeemed"' in second.text
        assert "已于" in second.text and "在本机核销" in second.text
        page = httpx.get(url, timeout=10).text
        assert coupon_for(order).serial in page
        assert '<html lang="zh-Hans">' in page and "今日核销：1 笔" in page
        assert Ledger(directory).units_redeemed(coupon_for(order).serial) == 1
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_partial_units_offline_then_upload(live_server, tmp_path):
    # given a station synced for a merchant with a 3-unit coupon
    owner = make_user()
    merchant = make_plain_merchant(owner=owner)
    _token, secret = api_token_create(actor=owner)
    directory = tmp_path / "station"
    station(
        directory,
        "init",
        "--merchant",
        merchant.public_id,
        "--server",
        live_server.url,
        "--token",
        secret,
        "--language",
        "en",
    )
    (order,) = confirmed_orders(merchant, quantities=(3,))
    assert station(directory, "sync")[0] == 0
    server = unplug(directory)
    code = coupon_for(order).code
    serial = coupon_for(order).serial
    # when the till takes 1 unit, then asks for 3, then names none (one unit:
    # until 2026-12-06 all that were left), then takes what is left
    one = station(directory, "redeem", code, "--quantity", "1")
    too_many = station(directory, "redeem", code, "--quantity", "3")
    unnamed = station(directory, "redeem", code)
    rest = station(directory, "redeem", code, "--quantity", "1")
    again = station(directory, "redeem", code, "--quantity", "1")
    # then 1, 1 and 1 units are taken, the others refused with the reason
    assert one == (0, f"OK redeemed {serial} Redeemed 1 of 3 units; 2 left.\n")
    assert too_many[0] == 1
    assert too_many[1] == (
        f"REFUSED not_enough_left {serial} Only 2 units are left here.\n"
    )
    assert unnamed == (0, f"OK redeemed {serial} Redeemed 1 of 3 units; 1 left.\n")
    assert rest == (0, f"OK redeemed {serial} Redeemed 1 of 3 units; 0 left.\n")
    assert again[1].startswith("REFUSED already_redeemed")
    # and, uploaded later, both count on the platform
    station(directory, "export")
    plug_in(directory, server)
    status, output = station(directory, "upload")
    assert status == 0 and "3 redeemed, 0 conflicts, 0 refused" in output, output
    assert sorted(
        Redemption.objects.filter(channel="offline").values_list("quantity", flat=True)
    ) == [1, 1, 1]
    assert coupon_for(order).status == "redeemed"


def test_a_version_1_ledger_is_upgraded_keeping_its_redemptions(tmp_path):
    import sqlite3

    # given a station ledger written before partial redemption (UNIQUE serial)
    directory = tmp_path / "station"
    directory.mkdir()
    old = sqlite3.connect(directory / "station.sqlite3")
    old.executescript(
        "CREATE TABLE redemptions (nonce TEXT PRIMARY KEY, serial TEXT NOT NULL "
        "UNIQUE, code TEXT NOT NULL, quantity INTEGER NOT NULL, redeemed_at INTEGER "
        "NOT NULL, branch TEXT NOT NULL, cashier TEXT NOT NULL, batch TEXT);"
        "INSERT INTO redemptions VALUES ('n1', 'S1', 'GB1:X', 1, 5, '', 'amy', NULL);"
    )
    old.commit()
    old.close()
    # when the new station opens it
    ledger = Ledger(directory)
    # then the redemption is kept and the serial can take more units
    assert ledger.units_redeemed("S1") == 1
    left = ledger.record(
        nonce="n2",
        serial="S1",
        code="GB1:X",
        quantity=1,
        of_units=2,
        branch="",
        cashier="amy",
    )
    assert (left, ledger.units_redeemed("S1")) == (1, 2)
    assert ledger.db.execute("PRAGMA user_version").fetchone()[0] == 2
    ledger.close()
