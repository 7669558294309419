"""The station's set-up commands tell a script how they went: ``init`` exits 1
when the platform refuses its registration, and ``status`` says when the
station's branch has closed."""

import json

import pytest

from groupbuy.coupons.station import cli, core, texts
from groupbuy.coupons.station.ledger import Ledger

MERCHANT = "mer_0123456789abcdef"


def _init(tmp_path, monkeypatch, error: Exception) -> int:
    def call(ledger, method, path, **kwargs):
        raise error

    monkeypatch.setattr(cli, "_call", call)
    init = ["init", "--merchant", MERCHANT, "--server", "http://platform.invalid"]
    return cli.main(["--dir", str(tmp_path / "till"), *init, "--language", "en"])


def test_init_exits_1_when_its_registration_is_refused(tmp_path, monkeypatch, capsys):
    # given a platform that refuses the station's key (the shop has one already)
    refused = cli.Refused(409, {"code": "key_exists", "message": "has a key"})
    # when the station is initialised
    status = _init(tmp_path, monkeypatch, refused)
    # then it exits 1 (until 2026-12-06: 0), still saying why
    assert status == 1
    assert cli.KEY_EXISTS in capsys.readouterr().out


def test_init_offline_exits_0_to_register_later(tmp_path, monkeypatch, capsys):
    # given no network
    offline = cli.Offline("platform unreachable: no route")
    # when the station is initialised
    status = _init(tmp_path, monkeypatch, offline)
    # then it is set up, to register later
    assert status == 0
    assert "run `groupbuy station register`" in capsys.readouterr().out


def _status(ledger, capsys) -> dict:
    assert cli.cmd_status(ledger, None) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def branch_ledger(tmp_path):
    texts.use_language("en")
    ledger = Ledger(tmp_path / "till")
    ledger.set(merchant_id=MERCHANT, branch="br_0123456789abcdef", registered=1)
    yield ledger
    ledger.close()


def _sync_branches(ledger, branches):
    core._apply_branch(ledger, branches)


def test_status_says_the_branch_has_closed(branch_ledger, capsys):
    # given a station whose last sync said its branch closed
    _sync_branches(
        branch_ledger,
        [
            {
                "branch_id": "br_0123456789abcdef",
                "is_active": False,
                "offline_enabled": True,
            }
        ],
    )
    # when its status is asked
    status = _status(branch_ledger, capsys)
    # then it says so, and why it redeems nothing (until 2026-12-06 only a
    # redemption's refusal told)
    assert status["branch_closed"] is True
    assert status["message"] == (
        "This station's branch has closed, so it cannot redeem coupons: "
        "ask the shop's owner to set it up for the branch it is at."
    )


def test_status_of_a_station_at_an_open_branch(branch_ledger, capsys):
    # given a station whose branch is open
    _sync_branches(
        branch_ledger,
        [
            {
                "branch_id": "br_0123456789abcdef",
                "is_active": True,
                "offline_enabled": True,
            }
        ],
    )
    # when its status is asked, then its branch is not closed
    status = _status(branch_ledger, capsys)
    assert (status["branch_closed"], status["message"]) == (False, None)


@pytest.mark.parametrize(
    ("setting", "seconds"), [(None, 10), ("45", 45), ("0", 10), ("soon", 10)]
)
def test_a_slow_link_may_give_the_platform_longer_to_answer(
    monkeypatch, setting, seconds
):
    # given a till whose environment may set how long the platform may take
    if setting is None:
        monkeypatch.delenv("GROUPBUY_STATION_TIMEOUT_SECONDS", raising=False)
    else:
        monkeypatch.setenv("GROUPBUY_STATION_TIMEOUT_SECONDS", setting)
    # then a number above 0 is its timeout, anything else the default 10 s
    assert cli.timeout_seconds() == seconds
