"""Demo data for coupons: a platform signing key and, for every merchant of
the demo, a key file for ``groupbuy station init --key-file`` (idempotent)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import transaction

from groupbuy.accounts.models import User
from groupbuy.catalog.models import Merchant
from groupbuy.coupons.services import merchant_key_generate, platform_key_active
from groupbuy.coupons.services.keys import merchant_key_active


def load_demo_data(*, stdout) -> None:
    with transaction.atomic():
        key = platform_key_active()
        operator = User.objects.filter(is_staff=True, is_superuser=True).first()
        if operator is None:
            return
        directory = Path(settings.DATA_DIR) / "station-keys"
        for merchant in Merchant.objects.filter(is_active=True).order_by("pk"):
            if merchant_key_active(merchant=merchant) is not None:
                continue
            _key, key_file = merchant_key_generate(actor=operator, merchant=merchant)
            directory.mkdir(parents=True, exist_ok=True)
            path = directory / f"{merchant.public_id}.json"
            path.write_bytes(key_file)
            path.chmod(0o600)
            stdout.write(f"coupons: key file for {merchant.name}: {path}\n")
    stdout.write(f"coupons: platform signing key {key.key_id}\n")
