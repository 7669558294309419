"""Seeding for close_big_deal.py: one open deal past its deadline with N paid
orders, written in bulk (run inside Django)."""

PRICE_CAP_FEN, FINAL_PRICE_FEN = 1_800, 1_500


def seed(*, orders: int, tag: str) -> str:
    """Create the deal and its paid orders in bulk; return the deal's public id."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from groupbuy.accounts.models import User
    from groupbuy.catalog import services as catalog
    from groupbuy.deals.models import Deal, DealOrder, DealTier
    from groupbuy.escrow import ledger
    from groupbuy.escrow.models import (
        LedgerAccount,
        LedgerEntry,
        LedgerTransaction,
        PaymentIntent,
    )

    now = timezone.now()
    operator, _created = User.objects.get_or_create(
        phone="+8613700000009", defaults={"is_staff": True}
    )
    merchant = catalog.merchant_create(actor=operator, name=f"Big Mart {tag}")
    product = catalog.product_create(actor=operator, name_zh="茶", name_en="Tea")
    batch = 1_000
    with transaction.atomic():
        deal = Deal.objects.create(
            merchant=merchant,
            product=product,
            title=f"Big deal {tag}",
            list_price_fen=2_000,
            stock=orders,
            sold=orders,
            max_quantity_per_order=1,
            starts_at=now - timedelta(days=2),
            deadline_at=now - timedelta(seconds=1),
            state=Deal.State.OPEN,
        )
        DealTier.objects.bulk_create(
            [
                DealTier(deal=deal, min_participants=1, price_fen=PRICE_CAP_FEN),
                DealTier(
                    deal=deal,
                    min_participants=max(1, orders // 2),
                    price_fen=FINAL_PRICE_FEN,
                ),
            ]
        )
        shoppers = User.objects.bulk_create(
            (
                User(phone=f"+8613{tag}{index:08d}", password="!")
                for index in range(orders)
            ),
            batch_size=batch,
        )
        placed = DealOrder.objects.bulk_create(
            (
                DealOrder(
                    deal=deal,
                    shopper=shopper,
                    quantity=1,
                    unit_price_cap_fen=PRICE_CAP_FEN,
                    amount_fen=PRICE_CAP_FEN,
                    status=DealOrder.Status.PAID,
                    joined_at=now - timedelta(days=1),
                    paid_at=now - timedelta(days=1),
                )
                for shopper in shoppers
            ),
            batch_size=batch,
        )
        intents = PaymentIntent.objects.bulk_create(
            (
                PaymentIntent(
                    payer=order.shopper,
                    amount_fen=PRICE_CAP_FEN,
                    purpose="deals.order",
                    reference=order.public_id,
                    description="1 × Tea",
                    status=PaymentIntent.Status.SUCCEEDED,
                    succeeded_at=now,
                )
                for order in placed
            ),
            batch_size=batch,
        )
        for order, intent in zip(placed, intents, strict=True):
            order.payment_intent = intent
        DealOrder.objects.bulk_update(placed, ["payment_intent"], batch_size=batch)
        held = LedgerAccount.objects.bulk_create(
            (
                LedgerAccount(
                    kind=LedgerAccount.Kind.SHOPPER_HELD,
                    user=shopper,
                    balance_fen=PRICE_CAP_FEN,
                )
                for shopper in shoppers
            ),
            batch_size=batch,
        )
        external = ledger.system_account(kind=LedgerAccount.Kind.EXTERNAL)
        LedgerAccount.objects.filter(pk=external.pk).update(
            balance_fen=external.balance_fen - PRICE_CAP_FEN * orders
        )
        postings = LedgerTransaction.objects.bulk_create(
            (
                LedgerTransaction(
                    kind="escrow.payment.captured",
                    idempotency_key=f"{intent.public_id}:captured",
                    reference_type="escrow.paymentintent",
                    reference_id=intent.public_id,
                )
                for intent in intents
            ),
            batch_size=batch,
        )
        LedgerEntry.objects.bulk_create(
            (
                entry
                for posting, account in zip(postings, held, strict=True)
                for entry in (
                    LedgerEntry(
                        transaction=posting, account=account, amount_fen=PRICE_CAP_FEN
                    ),
                    LedgerEntry(
                        transaction=posting, account=external, amount_fen=-PRICE_CAP_FEN
                    ),
                )
            ),
            batch_size=batch,
        )
    return deal.public_id
