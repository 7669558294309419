"""Real-provider notifications and statement reconciliation, in one process.

    .venv/bin/python benchmarks/payments.py [--quick] [--database-url URL]

1. notify_ratio: Alipay notifications applied per second (form parsing, RSA2
   verification through python-alipay-sdk, the idempotent capture with its
   ledger postings) divided by the sandbox's HMAC-signed callbacks per second
   through the same path, in the same run and database;
2. reconcile_s_100k: seconds to reconcile a WeChat Pay statement of 100,000
   payment lines against 100,000 captured intents (three planted differences).
   --quick uses 10,000 lines and scales the time ×10 (``reconcile_extrapolated``).

A throw-away SQLite database by default; pass --database-url for PostgreSQL.
Last line: one JSON object with ``notify_ratio`` and ``reconcile_s_100k``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def setup(database_url: str) -> None:
    # In memory where there is /dev/shm: the figures are CPU work, not fsyncs.
    shm = "/dev/shm" if Path("/dev/shm").is_dir() else None
    os.environ["GROUPBUY_DATA_DIR"] = tempfile.mkdtemp(prefix="gb-pay-", dir=shm)
    os.environ["DEBUG"] = "1"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groupbuy.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def configure_alipay(keys) -> None:
    from django.conf import settings

    settings.GROUPBUY_PAYMENT_PROVIDERS = ["sandbox", "alipay", "wechat"]
    settings.GROUPBUY_ALIPAY_APP_ID = "2021000000000001"
    settings.GROUPBUY_ALIPAY_APP_PRIVATE_KEY = keys["app"].private_pem
    settings.GROUPBUY_ALIPAY_PUBLIC_KEY = keys["alipay"].public_pem


def intents(payer, provider: str, count: int, tag: str) -> list:
    from django.db import transaction

    from groupbuy.escrow.services import payment_intent_create

    with transaction.atomic():  # setup, not measured: one commit
        return [
            payment_intent_create(
                actor=payer,
                payer=payer,
                amount_fen=9_900,
                purpose="bench.purpose",
                reference=f"{tag}{index}",
                description="bench",
                provider=provider,
            )
            for index in range(count)
        ]


def notify_rates(count: int, keys) -> tuple[float, float]:
    from urllib.parse import urlencode

    from groupbuy.accounts.models import User
    from groupbuy.escrow.callbacks import payment_callback_receive
    from groupbuy.escrow.providers import sandbox
    from groupbuy.escrow.providers.base import PAYMENT_SUCCEEDED
    from groupbuy.payments.services import notification_receive
    from groupbuy.payments.tests.fake_alipay import string_to_sign

    payer = User.objects.create_user("+8613999990001", "long-enough-pw")
    sandbox_bodies = [
        sandbox.encode_event(sandbox.build_event(intent, event_type=PAYMENT_SUCCEEDED))
        for intent in intents(payer, "sandbox", count, "s")
    ]
    alipay_bodies = []
    for index, intent in enumerate(intents(payer, "alipay", count, "a")):
        fields = {
            "app_id": "2021000000000001",
            "trade_no": f"2026{index:024d}",
            "out_trade_no": intent.public_id,
            "trade_status": "TRADE_SUCCESS",
            "total_amount": "99.00",
            "notify_type": "trade_status_sync",
        }
        fields["sign"] = keys["alipay"].sign(string_to_sign(fields))
        fields["sign_type"] = "RSA2"
        alipay_bodies.append(urlencode(fields).encode())
    started = time.perf_counter()
    for body, headers in sandbox_bodies:
        payment_callback_receive(provider_name="sandbox", body=body, headers=headers)
    sandbox_rate = count / (time.perf_counter() - started)
    started = time.perf_counter()
    for body in alipay_bodies:
        outcome = notification_receive(provider_name="alipay", body=body, headers={})
        assert outcome == "captured", outcome
    alipay_rate = count / (time.perf_counter() - started)
    return alipay_rate, sandbox_rate


def reconcile_seconds(count: int) -> float:
    from datetime import datetime

    from django.utils import timezone

    from groupbuy.accounts.models import User
    from groupbuy.escrow.models import PaymentIntent
    from groupbuy.escrow.providers.base import StatementLine
    from groupbuy.payments.statements import BILL_ZONE, statement_reconcile

    payer = User.objects.create_user("+8613999990002", "long-enough-pw")
    now = timezone.now()
    PaymentIntent.objects.bulk_create(
        [
            PaymentIntent(
                public_id=f"pi_bench{index:010d}",
                payer=payer,
                amount_fen=9_900,
                purpose="bench.purpose",
                reference=f"r{index}",
                description="bench",
                status=PaymentIntent.Status.SUCCEEDED,
                provider="wechat",
                succeeded_at=now,
            )
            for index in range(count)
        ],
        batch_size=5_000,
    )
    lines = [
        StatementLine(
            kind="payment", out_trade_no=f"pi_bench{index:010d}", amount_fen=9_900
        )
        for index in range(1, count)  # the first is missing at the provider
    ]
    lines[5] = StatementLine("payment", lines[5].out_trade_no, 9_800)  # changed
    lines.append(StatementLine("payment", "pi_notours", 100))  # unknown
    started = time.perf_counter()
    found = statement_reconcile(
        provider_name="wechat", day=datetime.now(BILL_ZONE).date(), lines=lines
    )
    seconds = time.perf_counter() - started
    assert len(found) == 3, len(found)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--database-url", default="")
    options = parser.parse_args()
    setup(options.database_url)
    from groupbuy.payments.tests.fake_alipay import KeyPair

    keys = {"app": KeyPair.generate(), "alipay": KeyPair.generate()}
    configure_alipay(keys)
    notify_count = 40 if options.quick else 1_000
    lines = 10_000 if options.quick else 100_000
    alipay_rate, sandbox_rate = notify_rates(notify_count, keys)
    seconds = reconcile_seconds(lines)
    result = {
        "database": "postgresql" if options.database_url else "sqlite",
        "notifications": notify_count,
        "alipay_per_s": round(alipay_rate, 1),
        "sandbox_per_s": round(sandbox_rate, 1),
        "notify_ratio": round(alipay_rate / sandbox_rate, 3),
        "reconcile_lines": lines,
        "reconcile_s": round(seconds, 2),
        "reconcile_s_100k": round(seconds * 100_000 / lines, 2),
        "reconcile_extrapolated": lines != 100_000,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
