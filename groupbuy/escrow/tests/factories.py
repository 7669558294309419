"""Test data for escrow: people, merchants, payment intents, captured money."""

from __future__ import annotations

import itertools

from groupbuy.accounts.models import User
from groupbuy.catalog.models import Merchant
from groupbuy.escrow.callbacks import payment_event_apply
from groupbuy.escrow.models import PaymentIntent
from groupbuy.escrow.providers import sandbox
from groupbuy.escrow.providers.base import PAYMENT_SUCCEEDED, PaymentEvent
from groupbuy.escrow.services import payment_intent_create

_numbers = itertools.count(1)


def make_user(**extra) -> User:
    number = next(_numbers)
    return User.objects.create_user(
        f"+861380000{number:04d}", "long-enough-pw", **extra
    )


def make_merchant(name: str = "Fresh Mart") -> Merchant:
    return Merchant.objects.create(name=name)


def make_intent(
    *,
    payer: User,
    amount_fen: int = 9_900,
    purpose: str = "test.purpose",
    reference: str = "ref_1",
    return_url: str = "",
    description: str = "2 × Jasmine tea",
) -> PaymentIntent:
    return payment_intent_create(
        actor=payer,
        payer=payer,
        amount_fen=amount_fen,
        purpose=purpose,
        reference=reference,
        description=description,
        return_url=return_url,
    )


def event_for(
    intent: PaymentIntent,
    *,
    event_type: str = PAYMENT_SUCCEEDED,
    event_id: str | None = None,
    **overrides,
) -> dict:
    """Return the sandbox payload for ``intent``, with fields overridden."""
    payload = sandbox.build_event(intent, event_type=event_type, event_id=event_id)
    payload.update(overrides)
    return payload


def signed(payload: dict) -> tuple[bytes, dict[str, str]]:
    return sandbox.encode_event(payload)


def apply_event(payload: dict) -> str:
    event = PaymentEvent(
        event_id=payload["id"],
        intent_id=payload["intent_id"],
        type=payload["type"],
        amount_fen=payload["amount_fen"],
        currency=payload["currency"],
        provider_reference=payload["provider_reference"],
        payload=payload,
    )
    return payment_event_apply(provider_name="sandbox", event=event)


def make_captured_intent(*, payer: User, amount_fen: int = 9_900, **kwargs):
    intent = make_intent(payer=payer, amount_fen=amount_fen, **kwargs)
    apply_event(event_for(intent))
    intent.refresh_from_db()
    return intent


def assert_shoppers_money_adds_up(user: User) -> None:
    """The money page's figures account for every fen; every line is named."""
    from groupbuy.escrow.selectors import shopper_ledger_lines, shopper_money_summary

    money = shopper_money_summary(user=user)
    assert money.paid_in_fen == (
        money.held_fen + money.spent_fen + money.refunded_fen + money.kept_fen
    ), money
    lines = shopper_ledger_lines(user=user, page_size=100).items
    assert [line.kind for line in lines if line.label == line.kind] == []
