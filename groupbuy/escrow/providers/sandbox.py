"""The built-in sandbox gateway: behaves like a real one, moves no real money.

It has its own hosted pay page (``escrow.views``); paying there makes it send a
callback signed with HMAC-SHA256 over the raw body, keyed by
``settings.GROUPBUY_SANDBOX_PAYMENT_SECRET``, in the ``X-Sandbox-Signature``
header as ``sha256=<hex>``. Callbacks travel through a Huey task, so they arrive
asynchronously, and tests can make them late or send them twice.

It pays merchants too (``transfer``), so payouts can be tried where it is on (the
demo, test installations): any payee account is paid at once with a made-up
transfer id, except ``REFUSED_PAYEE_ACCOUNT``, which it refuses for good as a
real provider refuses an unknown payee, so the money goes back to the shop.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groupbuy.core.echo import echoed
from groupbuy.escrow.errors import EscrowError
from groupbuy.escrow.providers.base import EVENT_TYPES, PaymentEvent, TransferRefused

SIGNATURE_HEADER = "X-Sandbox-Signature"
# The payee account the sandbox refuses to pay (docs/payments.md).
REFUSED_PAYEE_ACCOUNT = "refused@sandbox.test"


def sign(body: bytes) -> str:
    secret = settings.GROUPBUY_SANDBOX_PAYMENT_SECRET.encode()
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def encode_event(payload: dict) -> tuple[bytes, dict[str, str]]:
    """Return the body and headers the sandbox sends for ``payload``."""
    body = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    return body, {SIGNATURE_HEADER: sign(body), "Content-Type": "application/json"}


def build_event(intent, *, event_type: str, event_id: str | None = None) -> dict:
    """Return the payload the sandbox reports for ``intent``."""
    return {
        "id": event_id or "evt_" + secrets.token_hex(12),
        "type": event_type,
        "intent_id": intent.public_id,
        "amount_fen": intent.amount_fen,
        "currency": intent.currency,
        "provider_reference": "sbx_" + intent.public_id.removeprefix("pi_"),
        "created": timezone.now().isoformat(),
    }


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return ""


def _malformed(message: str) -> EscrowError:
    return EscrowError("malformed_callback", message, status=400)


class SandboxProvider:
    name = "sandbox"
    label = gettext_lazy("Sandbox (test payment)")  # 沙盒（测试支付）

    def pay_page_url(self, intent) -> str:
        return reverse("escrow:sandbox_pay", kwargs={"intent_id": intent.public_id})

    def parse_callback(
        self, *, body: bytes, headers: Mapping[str, str]
    ) -> PaymentEvent:
        received = _header(headers, SIGNATURE_HEADER)
        if not received or not hmac.compare_digest(received, sign(body)):
            raise EscrowError("invalid_signature", _("invalid signature"), status=400)
        try:
            payload = json.loads(body)
            event = PaymentEvent(
                event_id=str(payload["id"]),
                intent_id=str(payload["intent_id"]),
                type=str(payload["type"]),
                amount_fen=int(payload["amount_fen"]),
                currency=str(payload["currency"]),
                provider_reference=str(payload.get("provider_reference", "")),
                payload=payload,
            )
        except (ValueError, KeyError, TypeError):
            raise _malformed(_("The callback body is not a payment event.")) from None
        if event.type not in EVENT_TYPES:
            raise _malformed(
                _("Unknown event type “%(type)s”.") % {"type": echoed(event.type)}
            )
        return event

    def refund(self, *, intent, amount_fen: int, idempotency_key: str) -> str:
        digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:16]
        return f"sbx_rf_{digest}"

    def transfer(self, *, payout) -> str:
        """Pretend to pay ``payout``: return a transfer id made from its business
        number (asked again, the same id: one payment), or raise TransferRefused
        for ``REFUSED_PAYEE_ACCOUNT`` or once the sandbox is switched off (no
        money moved, so none may be written as paid)."""
        from groupbuy.escrow.providers import is_sandbox_enabled

        if not is_sandbox_enabled():
            raise TransferRefused("SANDBOX_OFF The sandbox is switched off.")
        if payout.payee_account.strip().lower() == REFUSED_PAYEE_ACCOUNT:
            raise TransferRefused(
                "PAYEE_NOT_EXIST The sandbox refuses this payee account."
            )
        digest = hashlib.sha256(payout.business_number.encode()).hexdigest()[:16]
        return f"sbx_tr_{digest}"

    def query_intent(self, intent) -> PaymentEvent | None:
        from groupbuy.escrow.models import SandboxPayment

        record = SandboxPayment.objects.filter(
            intent_public_id=intent.public_id
        ).first()
        if record is None:
            return None
        body, headers = encode_event(record.event)
        return self.parse_callback(body=body, headers=headers)


def record_payment(payload: dict) -> None:
    """Keep what the payer did, as the gateway's own book (see query_intent)."""
    from groupbuy.escrow.models import SandboxPayment

    SandboxPayment.objects.get_or_create(
        intent_public_id=payload["intent_id"], defaults={"event": payload}
    )
