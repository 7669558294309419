"""Demo data for demands: two open demands of the demo shoppers, each joined by
the other, deposits paid on the sandbox (idempotent: an open one is kept).

The demo shoppers' numbers count as confirmed (they are printed logins, not
real phones), since starting or joining a demand needs a confirmed number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from groupbuy.accounts.models import User
from groupbuy.demands import services
from groupbuy.demands.models import Demand


@dataclass(frozen=True)
class DemoDemand:
    title: str
    description: str
    quantity_wanted: int
    initiator_quantity: int
    target_unit_price_fen: int
    deadline_in: timedelta
    joiner_quantity: int


DEMO_DEMANDS = (
    DemoDemand(
        title="有机燕麦奶 1L Organic oat milk",
        description="想团一箱燕麦奶，每周送到小区门口。 A case a week, to the gate.",
        quantity_wanted=24,
        initiator_quantity=6,
        target_unit_price_fen=1_590,
        deadline_in=timedelta(days=5),
        joiner_quantity=4,
    ),
    DemoDemand(
        title="五常大米 5kg Wuchang rice",
        description="新米，真空包装。 This year's harvest, vacuum packed.",
        quantity_wanted=10,
        initiator_quantity=2,
        target_unit_price_fen=6_900,
        deadline_in=timedelta(days=3, hours=6),
        joiner_quantity=3,
    ),
)


def _pay_on_sandbox(intent) -> bool:
    """Apply the sandbox's success callback at once, as the gateway would."""
    from groupbuy.escrow.callbacks import payment_event_apply
    from groupbuy.escrow.providers import sandbox
    from groupbuy.escrow.providers.base import PAYMENT_SUCCEEDED, PaymentEvent

    if intent.provider != "sandbox":
        return False
    payload = sandbox.build_event(intent, event_type=PAYMENT_SUCCEEDED)
    payment_event_apply(
        provider_name="sandbox",
        event=PaymentEvent(
            event_id=payload["id"],
            intent_id=payload["intent_id"],
            type=payload["type"],
            amount_fen=payload["amount_fen"],
            currency=payload["currency"],
            provider_reference=payload["provider_reference"],
            payload=payload,
        ),
    )
    return True


def _confirmed(user: User) -> User:
    if user.phone_verified_at is None:
        # Demo logins only: there is no SMS to a made-up number.
        user.phone_verified_at = timezone.now()
        user.save(update_fields=["phone_verified_at"])
    return user


def _ensure(spec: DemoDemand, *, initiator: User, joiner: User, stdout) -> None:
    now = timezone.now()
    live = Demand.objects.filter(
        initiator=initiator,
        title=spec.title,
        state=Demand.State.PUBLISHED,
        deadline_at__gt=now,
    )
    if live.exists():
        return
    demand = services.demand_create(
        actor=initiator,
        title=spec.title,
        description=spec.description,
        quantity_wanted=spec.quantity_wanted,
        initiator_quantity=spec.initiator_quantity,
        target_unit_price_fen=spec.target_unit_price_fen,
        deadline_at=now + spec.deadline_in,
    )
    intent = services.demand_deposit_start(actor=initiator, demand=demand)
    if not _pay_on_sandbox(intent):
        stdout.write("demands: no sandbox payments, demo demands left as drafts\n")
        return
    demand = services.demand_publish(actor=initiator, demand=demand)
    _participation, intent = services.demand_join(
        actor=joiner, demand=demand, quantity=spec.joiner_quantity
    )
    _pay_on_sandbox(intent)
    stdout.write(f"demands: “{spec.title}” by {initiator.display_name}, joined\n")


def load_demo_data(*, stdout) -> None:
    from groupbuy.demo_data import SHOPPER, SHOPPER_2

    first = User.objects.filter(phone=SHOPPER.phone).first()
    second = User.objects.filter(phone=SHOPPER_2.phone).first()
    if first is None or second is None:
        return
    with transaction.atomic():
        first, second = _confirmed(first), _confirmed(second)
        pairs = ((first, second), (second, first))
        for spec, (initiator, joiner) in zip(DEMO_DEMANDS, pairs, strict=True):
            _ensure(spec, initiator=initiator, joiner=joiner, stdout=stdout)
