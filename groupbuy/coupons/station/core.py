"""What the station does, apart from talking to people: pure Python + SQLite."""

from __future__ import annotations

import base64
import dataclasses
import secrets
import time
from pathlib import Path

from nacl.public import PrivateKey
from nacl.signing import SigningKey

from groupbuy.coupons import batchfile, codec
from groupbuy.coupons.station import texts
from groupbuy.coupons.station.ledger import Ledger
from groupbuy.coupons.station.texts import gettext, ngettext


@dataclasses.dataclass
class Outcome:
    accepted: bool
    code: str
    message: str
    serial: str = ""
    quantity: int = 0


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def generate_keys(ledger: Ledger) -> None:
    sealing, signing = PrivateKey.generate(), SigningKey.generate()
    ledger.set(
        sealing_private_key=b64(bytes(sealing)),
        signing_private_key=b64(bytes(signing)),
    )


def import_key_file(ledger: Ledger, key_file: dict, merchant_id: str) -> None:
    if key_file.get("kind") != "groupbuy-merchant-coupon-key":
        raise ValueError("not a groupbuy key file")
    if key_file.get("merchant_id") != merchant_id:
        raise ValueError("this key file belongs to another merchant")
    ledger.set(
        sealing_private_key=key_file["sealing_private_key"],
        signing_private_key=key_file["signing_private_key"],
        merchant_key_id=key_file.get("key_id", ""),
        key_replaced_by="",
    )


def public_keys(ledger: Ledger) -> tuple[str, str]:
    sealing = PrivateKey(base64.b64decode(ledger.get("sealing_private_key")))
    signing = SigningKey(base64.b64decode(ledger.get("signing_private_key")))
    return b64(bytes(sealing.public_key)), b64(bytes(signing.verify_key))


def apply_sync(ledger: Ledger, data: dict) -> int:
    """Store a sync answer; return how many revocations were new to us."""
    keys = []
    for key in data["platform_keys"]:
        valid_until = key.get("valid_until")
        if valid_until:
            from datetime import datetime

            valid_until = int(datetime.fromisoformat(valid_until).timestamp())
        keys.append(
            (
                key["platform_id"],
                key["key_id"],
                base64.b64decode(key["public_key"]),
                valid_until,
            )
        )
    ledger.replace_platform_keys(keys)
    ledger.add_revocations([(r["serial"], r["reason"]) for r in data["revocations"]])
    ledger.set(
        revocations_cursor=data["revocations_cursor"], synced_at=int(time.time())
    )
    if "unit_refunds" in data:  # an older platform's answer has none
        ledger.add_refunded_units(
            [(r["serial"], r["units"]) for r in data["unit_refunds"]]
        )
        ledger.set(unit_refunds_cursor=data["unit_refunds_cursor"])
    if data.get("time_zone"):  # an older platform's answer has none
        ledger.set(time_zone=data["time_zone"])
    _apply_branch(ledger, data.get("branches", []))
    _apply_merchant_key(ledger, data)
    return len(data["revocations"])


def _apply_branch(ledger: Ledger, branches: list[dict]) -> None:
    """Take this station's branch's switches from the sync; a branch the shop
    no longer lists (closed on an older platform, or gone) counts as closed."""
    own = ledger.get("branch")
    if not own:
        return
    mine = next((b for b in branches if b["branch_id"] == own), None)
    if mine is None:
        ledger.set(branch_active=0)
        return
    ledger.set(
        branch_active=int(mine.get("is_active", True)),
        branch_offline_enabled=int(mine["offline_enabled"]),
    )


def _apply_merchant_key(ledger: Ledger, data: dict) -> None:
    """Note whether the shop's coupon key is still this station's.

    New coupons are sealed to the shop's active key only: a station whose key
    was replaced (another station registered, or a key file was generated)
    can open none of them, so it stops redeeming until it is set up again.
    """
    if ledger.get("registered") != "1":
        return  # its status already says it is not registered
    if key_is_current(ledger, data):
        ledger.set(key_replaced_by="")
    else:
        ledger.set(key_replaced_by=data.get("merchant_key_id") or "none")


def key_is_current(ledger: Ledger, data: dict) -> bool:
    """Return whether the sync answer ``data`` names this station's key as the
    shop's active one (by its id, or by its public key for a station set up
    before it kept its key's id)."""
    own_id, active_id = ledger.get("merchant_key_id"), data.get("merchant_key_id")
    if own_id and active_id:
        return own_id == active_id
    if "merchant_public_key" in data:
        return public_keys(ledger)[0] == data["merchant_public_key"]
    return True  # an older platform's answer: nothing to tell by


def key_replaced(ledger: Ledger) -> bool:
    return bool(ledger.get("key_replaced_by"))


def redeem(
    ledger: Ledger,
    text: str,
    *,
    cashier: str = "",
    quantity: int | None = None,
    now=None,
) -> Outcome:
    """Verify a code offline and take ``quantity`` units (default: one, as at
    the platform's till and over its API: taking more is a number the cashier
    says).

    Never raises for bad input. The ledger refuses more units than the coupon
    holds, counting what this station redeemed before (it cannot know about
    other tills: the platform sorts that out when batches arrive).
    """
    now = int(now if now is not None else time.time())
    refusal = station_refusal(ledger)
    if refusal is not None:
        return refusal
    try:
        coupon = codec.open_coupon(
            text,
            merchant_id=ledger.get("merchant_id"),
            merchant_private_key=base64.b64decode(ledger.get("sealing_private_key")),
            platform_keys=_platform_keys(ledger),
            now=now,
        )
    except codec.CodeError as error:
        return Outcome(False, error.code, _code_refusal(ledger, error))
    reason = ledger.revocation_reason(coupon.serial)
    if reason:
        return Outcome(
            False,
            "revoked",
            gettext("This coupon was cancelled: %(reason)s.")
            % {"reason": _revocation_reason(reason)},
            coupon.serial,
        )
    wanted = 1 if quantity is None else quantity
    if not 1 <= wanted <= coupon.quantity:
        return Outcome(
            False,
            "bad_quantity",
            ngettext(
                "This coupon holds %(count)s unit: redeem 1.",
                "Redeem between 1 and %(count)s units.",
                coupon.quantity,
            )
            % {"count": coupon.quantity},
            coupon.serial,
        )
    left = ledger.record(
        nonce=secrets.token_hex(16),
        serial=coupon.serial,
        code=codec.normalise(text),
        quantity=wanted,
        # Units refunded (as of the last sync) are no longer the coupon's.
        of_units=coupon.quantity - ledger.refunded_units(coupon.serial),
        branch=ledger.get("branch"),
        cashier=cashier,
        now=now,
    )
    if left < wanted:
        return _refused_for_units(ledger, coupon.serial, left)
    return Outcome(
        True,
        "redeemed",
        ngettext(
            "Redeemed %(wanted)s of %(count)s unit; %(left)s left.",
            "Redeemed %(wanted)s of %(count)s units; %(left)s left.",
            coupon.quantity,
        )
        % {"wanted": wanted, "count": coupon.quantity, "left": left - wanted},
        coupon.serial,
        wanted,
    )


def station_refusal(ledger: Ledger) -> Outcome | None:
    """Why this station may not redeem at all now, as its last sync left it."""
    if key_replaced(ledger):
        return Outcome(
            False,
            "key_replaced",
            gettext(
                "The shop's coupon key was replaced, so this station cannot check "
                "coupons any more: ask the shop's owner to set it up again with "
                "the current key."
            ),
        )
    if not ledger.get("branch"):
        return None
    if branch_closed(ledger):
        return Outcome(
            False,
            "branch_closed",
            gettext(
                "This station's branch has closed, so it cannot redeem coupons: "
                "ask the shop's owner to set it up for the branch it is at."
            ),
        )
    if ledger.get("branch_offline_enabled", "1") != "1":
        return Outcome(
            False,
            "offline_disabled",
            gettext("Offline redemption is switched off for this branch."),
        )
    return None


def _code_refusal(ledger: Ledger, error: codec.CodeError) -> str:
    if error.code == codec.CodeError.EXPIRED and error.expires is not None:
        # The code carries its expiry: name the day, as the online till does.
        day = texts.format_day(error.expires, ledger.get("time_zone"))
        return gettext("This coupon expired on %(date)s.") % {"date": day}
    return codec.refusal_message(error, gettext)


def branch_closed(ledger: Ledger) -> bool:
    """Return whether this station's branch had closed at its last sync."""
    return bool(ledger.get("branch")) and ledger.get("branch_active", "1") != "1"


def _revocation_reason(reason: str) -> str:
    # The reasons coupons.services and the admin give (Revocation.Reason); one
    # a later release adds is shown as sent until the station is updated.
    return {
        "order_refunded": gettext("the order was refunded"),
        "order_cancelled": gettext("the order was cancelled"),
        "operator": gettext("cancelled by the platform"),
        "refunded_unused": gettext("its buyer was refunded the units left"),
        "refunded_by_merchant": gettext("the shop refunded it"),
    }.get(reason, reason)


def _platform_keys(ledger: Ledger) -> dict:
    return {
        (platform_id, key_id): codec.PlatformKey(bytes(public_key), valid_until)
        for platform_id, key_id, public_key, valid_until in ledger.platform_keys()
    }


def _refused_for_units(ledger: Ledger, serial: str, left: int) -> Outcome:
    if left > 0:
        message = ngettext(
            "Only %(left)s unit is left here.",
            "Only %(left)s units are left here.",
            left,
        ) % {"left": left}
        return Outcome(False, "not_enough_left", message, serial)
    if ledger.redemption_of(serial) is None:  # none taken here: refunded
        message = gettext("This coupon's units left were refunded to the shopper.")
        return Outcome(False, "refunded", message, serial)
    when, _branch = ledger.redemption_of(serial)
    # In the site's display zone, as the expired refusal names its day: the
    # machine's own zone may be another (or UTC, as many tills are set up).
    stamp = texts.format_moment(when, ledger.get("time_zone"))
    return Outcome(
        False,
        "already_redeemed",
        gettext("Already redeemed here on %(moment)s.") % {"moment": stamp},
        serial,
    )


def export(ledger: Ledger, out_dir: Path | None = None) -> Path | None:
    """Write the unexported redemptions as a signed batch file; None if none."""
    rows = ledger.unexported()
    if not rows:
        return None
    name = time.strftime("batch-%Y%m%dT%H%M%S-") + secrets.token_hex(3)
    body = {
        "merchant_id": ledger.get("merchant_id"),
        "device": ledger.get("device"),
        "exported_at": int(time.time()),
        "redemptions": [
            {
                "nonce": nonce,
                "serial": serial,
                "code": code,
                "quantity": quantity,
                "redeemed_at": redeemed_at,
                "branch": branch,
                "cashier": cashier,
            }
            for nonce, serial, code, quantity, redeemed_at, branch, cashier in rows
        ],
    }
    signing_key = base64.b64decode(ledger.get("signing_private_key"))
    out_dir = Path(out_dir or ledger.directory / "outbox")
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.json"
    path.write_bytes(batchfile.write(body, signing_key))
    ledger.mark_exported([row[0] for row in rows], name, path)
    return path
