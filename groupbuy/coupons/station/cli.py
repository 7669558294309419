"""``groupbuy station``: the merchant's offline redemption station.

groupbuy station init --merchant MER --server URL --token TOKEN [--key-file F]
    [--branch BR] [--device NAME]   make (or import) the keys; register when online
groupbuy station register [--replace-current]
                                      register the public keys (if init was
                                      offline); replacing the shop's key needs
                                      --replace-current
groupbuy station sync                 pull platform keys and new revocations
groupbuy station redeem [CODE] [--stdin] [--photo P] [--quantity K]
                                      redeem with no network (K units, default 1)
groupbuy station export [--out DIR]   write a signed batch file (removable media)
groupbuy station upload [FILE…]       send exported batches to the platform
groupbuy station serve [--port P]     the till page on 127.0.0.1
groupbuy station status               what the station holds
groupbuy station language [LANG]      the language the till speaks (zh-hans, en)

Every command takes ``--dir`` (default $GROUPBUY_STATION_DIR or
~/.groupbuy-station). What the till tells the cashier (redeemed,
refused and why; the till page) is in the station's language, chosen at init
(``--language``, default zh-hans) and changed with ``language``; the set-up
commands answer in English. Exit status: 0 done, 1 refused or failed, 2 usage.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from groupbuy.coupons.station import core, texts
from groupbuy.coupons.station.ledger import Ledger

# How long a call to the platform may take before the station counts itself
# offline: 10 s unless GROUPBUY_STATION_TIMEOUT_SECONDS says otherwise (a till
# on a slow mobile link; the tests, whose server shares a loaded machine with
# the rest of CI and once took 13 s to answer a registration).
TIMEOUT_SECONDS = 10


def timeout_seconds() -> float:
    try:
        seconds = float(os.environ.get("GROUPBUY_STATION_TIMEOUT_SECONDS", ""))
    except ValueError:
        return TIMEOUT_SECONDS
    return seconds if seconds > 0 else TIMEOUT_SECONDS


class Offline(Exception):
    """The platform could not be reached (or refused); the message says why."""


class Refused(Offline):
    """The platform answered with an error: its status and its JSON body."""

    def __init__(self, status: int, body: dict) -> None:
        self.status = status
        self.code = body.get("code", "") if isinstance(body, dict) else ""
        message = body.get("message", "") if isinstance(body, dict) else str(body)
        super().__init__(f"platform refused ({status}): {message}")


def _client(ledger: Ledger):
    import httpx

    return httpx.Client(
        base_url=ledger.get("server").rstrip("/"),
        headers={"Authorization": f"Bearer {ledger.get('token')}"},
        timeout=timeout_seconds(),
    )


def _call(ledger: Ledger, method: str, path: str, **kwargs) -> dict:
    import httpx

    prefix = f"/api/coupons/merchants/{ledger.get('merchant_id')}"
    try:
        with _client(ledger) as client:
            response = client.request(method, prefix + path, **kwargs)
    except httpx.HTTPError as error:
        raise Offline(f"platform unreachable: {error}") from error
    if response.status_code >= 400:
        try:
            body = response.json()
        except ValueError:
            body = {"message": response.text}
        raise Refused(response.status_code, body)
    return response.json()


def cmd_init(ledger: Ledger, args) -> int:
    if ledger.is_initialised and not args.force:
        print("station already initialised (use --force to start over)")
        return 1
    ledger.set(
        merchant_id=args.merchant,
        server=args.server,
        token=args.token,
        branch=args.branch or "",
        device=args.device,
        language=args.language,
    )
    ledger.set(key_replaced_by="", merchant_key_id="")
    if args.key_file:
        core.import_key_file(
            ledger, json.loads(Path(args.key_file).read_text()), args.merchant
        )
        ledger.set(registered=1)
        print("imported the platform's key file; delete the file now")
    else:
        core.generate_keys(ledger)
        ledger.set(registered=0)
        print("generated the merchant keys; the private keys stay on this station")
        # Offline, it registers later (`register`); refused, the script must know.
        if _register(ledger, args) == "refused":
            return 1
    return 0


KEY_EXISTS = (
    "the shop already has a coupon key, so this station's key was not registered. "
    "To check coupons here, set it up with the shop's current key file "
    "(`groupbuy station init --force --key-file FILE`). Or replace the shop's "
    "key with this station's (`groupbuy station register --replace-current`): "
    "every other station then refuses coupons until it is set up again."
)
KEY_WAS_REPLACED = (
    "Set this station up with new keys (`groupbuy station init --force`, then "
    "`groupbuy station register --replace-current`) or with the shop's current "
    "key file (`groupbuy station init --force --key-file FILE`)."
)


def cmd_register(ledger: Ledger, args) -> int:
    return 0 if _register(ledger, args) == "registered" else 1


def _register(ledger: Ledger, args) -> str:
    """Register the station's public keys; say how it went: "registered",
    "refused" (the platform said why, printed) or "offline"."""
    sealing, signing = core.public_keys(ledger)
    try:
        answer = _call(
            ledger,
            "POST",
            "/keys",
            json={
                "public_key": sealing,
                "signing_public_key": signing,
                "device_name": ledger.get("device"),
                "replace_current": bool(getattr(args, "replace_current", False)),
            },
        )
    except Refused as error:
        if error.code == "key_exists":
            print(KEY_EXISTS)
        elif error.code == "key_replaced":
            print(f"not registered: {error}\n{KEY_WAS_REPLACED}")
        else:
            print(f"not registered: {error}")
        return "refused"
    except Offline as error:
        print(f"not registered yet ({error}); run `groupbuy station register`")
        return "offline"
    ledger.set(registered=1, merchant_key_id=answer["key_id"], key_replaced_by="")
    print(f"registered key {answer['key_id']}")
    return "registered"


def cmd_sync(ledger: Ledger, args) -> int:
    new = 0
    try:
        while True:
            data = _call(
                ledger,
                "GET",
                "/sync",
                params={
                    "revocations_after": ledger.get("revocations_cursor", "0"),
                    "unit_refunds_after": ledger.get("unit_refunds_cursor", "0"),
                },
            )
            new += core.apply_sync(ledger, data)
            if not data["has_more"]:
                break
    except Offline as error:
        print(f"sync failed: {error}")
        return 1
    print(f"synced: {len(ledger.platform_keys())} platform keys, {new} new revocations")
    if core.key_replaced(ledger):
        print(KEY_REPLACED)
        return 1
    return 0


KEY_REPLACED = (
    "the shop's coupon key was replaced: this station's key opens no new coupon, "
    "so it refuses every code. Set it up with the current key file "
    "(`groupbuy station init --force --key-file FILE`), or give it new keys "
    "(`groupbuy station init --force`, then `groupbuy station register "
    "--replace-current`: that replaces the shop's key once more, and every other "
    "station's). Its old key cannot be registered again: a replaced key may "
    "have leaked."
)


def _codes(args) -> list[str]:
    if args.photo:
        from groupbuy.coupons import symbols

        found = symbols.read_picture(Path(args.photo).read_bytes())
        if not found:
            message = texts.gettext("No coupon code was found in the photo.")
            print(f"REFUSED no_code {message}")
        return found
    if args.stdin or not args.code:
        return [line for line in (raw.strip() for raw in sys.stdin) if line]
    return [args.code]


def cmd_redeem(ledger: Ledger, args) -> int:
    codes = _codes(args)
    status = 0 if codes else 1
    for text in codes:
        outcome = core.redeem(
            ledger, text, cashier=args.cashier, quantity=args.quantity
        )
        word = "OK" if outcome.accepted else "REFUSED"
        print(
            f"{word} {outcome.code} {outcome.serial} {outcome.message}".strip(),
            flush=True,
        )
        status = status if outcome.accepted else 1
    return status


def cmd_export(ledger: Ledger, args) -> int:
    path = core.export(ledger, Path(args.out) if args.out else None)
    print(path if path else "nothing to export")
    return 0


def cmd_upload(ledger: Ledger, args) -> int:
    pending = ledger.batches_to_upload()
    if args.files:
        pending = [(Path(f).stem, f) for f in args.files]
    status = 0
    for name, path in pending:
        try:
            result = _call(
                ledger,
                "POST",
                "/batches",
                content=Path(path).read_bytes(),
                headers={"Content-Type": "application/json"},
            )
        except Offline as error:
            print(f"{name}: {error}")
            status = 1
            continue
        ledger.mark_uploaded(name, json.dumps(result))
        print(
            f"{name}: {result['accepted']} redeemed, {result['conflicts']} "
            f"conflicts, {result['rejected']} refused"
        )
    if not pending:
        print("nothing to upload")
    return status


def cmd_status(ledger: Ledger, args) -> int:
    since = int(time.time()) - 86_400
    refusal = core.station_refusal(ledger)
    print(
        json.dumps(
            {
                "merchant_id": ledger.get("merchant_id"),
                "registered": ledger.get("registered") == "1"
                and not core.key_replaced(ledger),
                # The shop's key was replaced since this station registered:
                # the active key's id ("none": the shop has none).
                "key_replaced_by": ledger.get("key_replaced_by") or None,
                "platform_keys": len(ledger.platform_keys()),
                "revocations_cursor": int(ledger.get("revocations_cursor", "0")),
                # how far its sync has read the refunds of some units
                "unit_refunds_cursor": int(ledger.get("unit_refunds_cursor", "0")),
                "redeemed_last_24h": len(ledger.redemptions_since(since)),
                "unexported": len(ledger.unexported()),
                # Its branch closed (as its last sync said): it redeems nothing.
                "branch_closed": core.branch_closed(ledger),
                # Why it refuses every code now (None: it redeems).
                "message": refusal.message if refusal else None,
            }
        )
    )
    return 0


def cmd_language(ledger: Ledger, args) -> int:
    if args.language:
        ledger.set(language=args.language)
    print(ledger.get("language", texts.LANGUAGES[0]))
    return 0


def cmd_serve(ledger: Ledger, args) -> int:
    from groupbuy.coupons.station.web import serve

    serve(ledger, port=args.port)
    return 0


COMMANDS = {
    "init": cmd_init,
    "register": cmd_register,
    "sync": cmd_sync,
    "redeem": cmd_redeem,
    "export": cmd_export,
    "upload": cmd_upload,
    "status": cmd_status,
    "serve": cmd_serve,
    "language": cmd_language,
}


def parser() -> argparse.ArgumentParser:
    default_dir = os.environ.get("GROUPBUY_STATION_DIR") or str(
        Path.home() / ".groupbuy-station"
    )
    root = argparse.ArgumentParser(
        prog="groupbuy station",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    root.add_argument("--dir", default=default_dir)
    commands = root.add_subparsers(dest="command", required=True)
    init = commands.add_parser("init")
    init.add_argument("--merchant", required=True)
    init.add_argument("--server", required=True)
    init.add_argument("--token", default="")
    init.add_argument("--key-file")
    init.add_argument("--branch", default="")
    init.add_argument("--device", default="station")
    init.add_argument("--force", action="store_true")
    init.add_argument("--language", choices=texts.LANGUAGES, default=texts.LANGUAGES[0])
    replace_help = (
        "replace the shop's current coupon key with this station's (every other "
        "station refuses coupons until set up again)"
    )
    init.add_argument("--replace-current", action="store_true", help=replace_help)
    register = commands.add_parser("register")
    register.add_argument("--replace-current", action="store_true", help=replace_help)
    for name in ("sync", "status"):
        commands.add_parser(name)
    redeem = commands.add_parser("redeem")
    redeem.add_argument("code", nargs="?")
    redeem.add_argument("--stdin", action="store_true")
    redeem.add_argument("--photo")
    redeem.add_argument("--cashier", default="")
    redeem.add_argument(
        "--quantity",
        type=int,
        help="units to take (default: 1)",
    )
    export = commands.add_parser("export")
    export.add_argument("--out")
    upload = commands.add_parser("upload")
    upload.add_argument("files", nargs="*")
    serve = commands.add_parser("serve")
    serve.add_argument("--port", type=int, default=8765)
    language = commands.add_parser("language")
    language.add_argument("language", nargs="?", choices=texts.LANGUAGES)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(sys.argv[1:] if argv is None else argv)
    ledger = Ledger(Path(args.dir))
    try:
        if args.command != "init" and not ledger.is_initialised:
            print("run `groupbuy station init` first")
            return 2
        texts.use_language(ledger.get("language", texts.LANGUAGES[0]))
        return COMMANDS[args.command](ledger, args)
    finally:
        ledger.close()


if __name__ == "__main__":
    raise SystemExit(main())
