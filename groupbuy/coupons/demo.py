"""Demo data for coupons: a platform signing key; for every merchant of the
demo, a key file for ``groupbuy station init --key-file``; and a group buy that
has already succeeded, so the demo shoppers hold coupons and the till has
redeemed one (idempotent)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from groupbuy.accounts.models import User
from groupbuy.catalog.models import Merchant
from groupbuy.coupons.services import (
    coupon_issue_for_order,
    coupon_redeem_online,
    merchant_key_generate,
    platform_key_active,
)
from groupbuy.coupons.services.keys import merchant_key_active
from groupbuy.deals.models import Deal, DealOrder

# Joined by the two demo shoppers and closed by the owner when the demo data is
# loaded: the first shopper's coupon is waiting to be shown at the till, the
# second's was redeemed there by the cashier.
SUCCEEDED_DEAL = "伊利纯牛奶 已成团"
MILK_GTIN = "6907992500942"


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
    if coupons := _ensure_succeeded_deal():
        stdout.write(f"coupons: {coupons} demo coupons from «{SUCCEEDED_DEAL}»\n")


def _ensure_succeeded_deal() -> int:
    """Run one small group buy to success for the demo shoppers; return the
    coupons issued, 0 when it exists already (or the demo's people do not)."""
    from groupbuy.deals.demo import ensure_joined
    from groupbuy.deals.services import deal_close_now, deal_open, deal_settle
    from groupbuy.demo_data import (
        CASHIER,
        MERCHANT_NAME,
        OWNER,
        SHOPPER,
        SHOPPER_2,
        DemoDeal,
        create_demo_deal,
    )

    merchant = Merchant.objects.filter(name=MERCHANT_NAME).order_by("id").first()
    people = {
        login: User.objects.filter(phone=login.phone).first()
        for login in (OWNER, CASHIER, SHOPPER, SHOPPER_2)
    }
    if merchant is None or None in people.values():
        return 0
    if Deal.objects.filter(merchant=merchant, title=SUCCEEDED_DEAL).exists():
        return 0
    owner = people[OWNER]
    # Paid per redemption, so the statement shows the redeemed coupon's money.
    spec = DemoDeal(
        SUCCEEDED_DEAL,
        MILK_GTIN,
        ((2, 85),),
        stock=40,
        deadline_in=timedelta(hours=1),
        settlement_mode=Deal.SettlementMode.ON_REDEMPTION,
    )
    deal = create_demo_deal(spec, owner=owner, merchant=merchant, now=timezone.now())
    if deal.state == Deal.State.DRAFT:
        deal = deal_open(actor=owner, deal=deal)
    for shopper, quantity in ((people[SHOPPER], 2), (people[SHOPPER_2], 1)):
        ensure_joined(shopper, deal, quantity)
    deal = deal_settle(deal=deal_close_now(actor=owner, deal=deal))
    # The coupons are issued by a job after settling; issue them now (issuing
    # is idempotent) so the till can redeem one at once.
    orders = DealOrder.objects.filter(deal=deal, status=DealOrder.Status.CONFIRMED)
    coupons = [coupon_issue_for_order(actor=None, order=order) for order in orders]
    redeemed = next(c for c in coupons if c.shopper_id == people[SHOPPER_2].pk)
    coupon_redeem_online(
        actor=people[CASHIER],
        merchant=merchant,
        code=redeemed.code,
        branch=merchant.branches.order_by("pk").first(),
    )
    return len(coupons)
