"""What every payment provider offers escrow.

create intent (ours) → ``pay_page_url`` (the provider's hosted page) → the
provider calls back; ``parse_callback`` verifies the signature and turns the
request into a ``PaymentEvent`` → escrow captures or fails the intent; later
``refund`` returns money to the payer; ``query_intent`` answers reconciliation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from django.utils.translation import gettext_lazy

PAYMENT_SUCCEEDED = "payment.succeeded"
REFUND_SUCCEEDED = "refund.succeeded"
PAYMENT_FAILED = "payment.failed"
EVENT_TYPES = (PAYMENT_SUCCEEDED, PAYMENT_FAILED)


DESKTOP = "desktop"
PHONE = "phone"
WECHAT_BROWSER = "wechat"
DEVICES = (DESKTOP, PHONE, WECHAT_BROWSER)


class ProviderError(Exception):
    """The provider answered with an error (or not at all); the caller retries."""


class TransferRefused(Exception):
    """The provider refused a transfer for good; the money goes back.

    Its text is the provider's own, "<CODE> <message>" (Alipay's sub_code and
    sub_msg, the sandbox's likewise), kept as the payout's ``failure_reason``
    for support; people read it in their language through ``refusal_words``."""


# The transfer refusals people are told in words, by the provider's code (the
# sandbox uses Alipay's codes). Any other is shown as the provider wrote it.
REFUSAL_WORDS = {
    "PAYEE_NOT_EXIST": gettext_lazy("The payee account does not exist."),
    "PAYEE_USER_INFO_ERROR": gettext_lazy(
        "The payee's name does not match the account."
    ),
    "PAYER_BALANCE_NOT_ENOUGH": gettext_lazy(
        "The platform's account at the provider has too little money."
    ),
    "SANDBOX_OFF": gettext_lazy("The sandbox is switched off."),
}


def refusal_code(reason: str) -> str:
    """Return the provider's code a ``TransferRefused`` text starts with."""
    return reason.split(" ", 1)[0] if reason else ""


def refusal_words(reason: str) -> str:
    """Return what a transfer refusal means in the active language, or "" for
    a code this platform does not know (shown in the provider's words)."""
    words = REFUSAL_WORDS.get(refusal_code(reason))
    return str(words) if words else ""


@dataclass(frozen=True)
class PayAction:
    """What the shopper's page does to pay: go to ``url``, show ``qr_text`` as a
    QR code, or call the WeChat JS bridge with ``jsapi``."""

    kind: str  # "redirect" | "qr" | "jsapi"
    url: str = ""
    qr_text: str = ""
    jsapi: dict = field(default_factory=dict)


@dataclass(frozen=True)
class StatementLine:
    """One line of a provider's daily statement: a payment or a refund."""

    kind: str  # "payment" | "refund"
    out_trade_no: str
    amount_fen: int
    out_refund_no: str = ""
    provider_reference: str = ""


@dataclass(frozen=True)
class PaymentEvent:
    """One verified provider notification about one of our intents."""

    event_id: str
    intent_id: str
    type: str
    amount_fen: int
    currency: str
    provider_reference: str = ""
    payload: dict = field(default_factory=dict)


class PaymentProvider(Protocol):
    name: str

    def pay_page_url(self, intent) -> str:
        """Return where the payer's browser goes to pay ``intent``."""

    def parse_callback(
        self, *, body: bytes, headers: Mapping[str, str]
    ) -> PaymentEvent:
        """Verify and decode a callback; raise EscrowError (400) if it is bad."""

    def refund(self, *, intent, amount_fen: int, idempotency_key: str) -> str:
        """Return the provider's reference for refunding ``amount_fen``.

        Called after commit (never inside a transaction); raise on failure and
        the refund is retried. The same ``idempotency_key`` refunds once.
        """

    def query_intent(self, intent) -> PaymentEvent | None:
        """Return the provider's final answer for ``intent``, None if it has none.

        Reconciliation asks this for submitted intents whose callback never
        came, and applies the answer like a callback (same event id, so a
        callback arriving later is a duplicate).
        """
