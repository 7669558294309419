"""The extension point through which escrow tells a purpose's owner about money.

A payment intent carries a ``purpose`` (``"deals.order"``, later
``"demands.deposit"``…) and a ``reference`` the owner understands. The owning app
registers, from its ``AppConfig.ready()``:

``register_capture_handler(purpose, func)``
    ``func(intent) -> bool`` runs inside the capture transaction, after the
    intent is marked succeeded and before the money is posted to the payer's
    held account. Return True to keep the money in escrow for the purpose, or
    False when the purpose can no longer take it (e.g. the order was cancelled
    while the payer was paying): escrow then refunds the payment in full, in the
    same transaction. Raising rolls the whole capture back (the provider retries
    its callback). It must not lock rows escrow locks later; see the lock order
    in ``groupbuy.deals.services``.

``register_payment_failed_handler(purpose, func)``
    ``func(intent) -> None`` runs inside the transaction that marks an intent
    failed (the payer declined or the provider refused).

``register_return_label(purpose, label)``
    ``label`` (lazy text) names the page an intent of ``purpose`` returns its
    payer to (its ``return_url``): the sandbox pay page's link back reads it
    ("Back to my order"), so the link says where it goes.

``register_describer(purpose, func)``
    ``func(references) -> {reference: text}`` says, in the active language,
    what the intents of ``purpose`` paying ``references`` are for ("Deposit:
    …"). A ledger line whose memo is its intent's stored description (written
    in the payer's language at the time, and kept as the record) is shown in
    the reader's language through it.

``register_earning_describer(purpose, func)``
    ``func(references) -> {reference: text}`` names, in the active language,
    what the merchant earned on ``references`` paid by intents of ``purpose``
    (a deal order: the deal's title). A merchant's ledger line about such an
    earning (a coupon redemption settled, reversed, or given back), whose memo
    is only the reference, reads it beside the reference.

``register_order_describer(purpose, func)``
    ``func(references, *, for_merchant) -> {reference: text}`` says, in the
    active language, what the orders ``references`` paid by intents of
    ``purpose`` were (the product, the day it was ordered and, for the shop,
    its shopper masked). A ledger line about the order itself whose memo is
    only the reference (a sale's money taken back from the shop for its
    shopper, ``escrow.released.returned``) reads it beside the reference.

``register_purpose_label(purpose, label)``
    ``label`` (lazy text) names what intents of ``purpose`` pay for ("Group-buy
    order"), where the operator reads a payment (``purpose_label``); an
    unregistered purpose is shown as its code.

``register_refund_reasons({reason: label})``
    The reasons the app refunds money for (the ``reason`` a refund stores:
    ``"deal_stopped"``, ``"coupon_refunded"``…) with their lazy labels, read
    by ``refund_reason_label``. A reason no app registered is someone's own
    words (a merchant's refund note) and is shown as written.

An intent whose purpose has no capture handler keeps its money held.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CaptureHandler = Callable[..., bool]
FailureHandler = Callable[..., None]

_capture_handlers: dict[str, CaptureHandler] = {}
_failure_handlers: dict[str, FailureHandler] = {}
_return_labels: dict[str, Any] = {}
_describers: dict[str, Callable[[list[str]], dict[str, str]]] = {}
_earning_describers: dict[str, Callable[[list[str]], dict[str, str]]] = {}
_order_describers: dict[str, Callable[..., dict[str, str]]] = {}
_purpose_labels: dict[str, Any] = {}
# Escrow's own reasons: an operator's refund in the admin, and a payment that
# arrived after its purpose could no longer take it.
_refund_reasons: dict[str, Any] = {
    "operator": gettext_lazy("Refunded by the platform"),
    "not_accepted": gettext_lazy("Paid too late; refunded in full"),
}


def register_purpose_label(purpose: str, label: Any) -> None:
    _purpose_labels[purpose] = label


def purpose_label(purpose: str) -> str:
    """What intents of ``purpose`` pay for, in the active language."""
    label = _purpose_labels.get(purpose)
    return str(label) if label is not None else purpose


def register_refund_reasons(labels: dict[str, Any]) -> None:
    """Add the app's refund reasons; one already registered keeps its label
    (escrow's "operator" is a refund by the platform, whoever else uses it)."""
    for reason, label in labels.items():
        _refund_reasons.setdefault(reason, label)


def refund_reason_label(reason: str) -> str:
    """A refund's reason for people: a registered code's label in the active
    language, anything else (someone's own words) as written."""
    label = _refund_reasons.get(reason)
    return str(label) if label is not None else reason


def register_capture_handler(purpose: str, func: CaptureHandler) -> None:
    _capture_handlers[purpose] = func


# The API's word on an intent's ``purpose``, whose values the enum lists.
PURPOSE_DESCRIPTION = (
    "What the payment is for: a group-buy order, a demand's deposit, a team "
    "place… (the installed apps take payments for the purposes listed)."
)


def registered_purposes() -> list[str]:
    """The purposes apps take payments for (each has its capture handler)."""
    return sorted(_capture_handlers)


def register_payment_failed_handler(purpose: str, func: FailureHandler) -> None:
    _failure_handlers[purpose] = func


def capture_handler_for(purpose: str) -> CaptureHandler | None:
    return _capture_handlers.get(purpose)


def failure_handler_for(purpose: str) -> FailureHandler | None:
    return _failure_handlers.get(purpose)


def register_return_label(purpose: str, label: Any) -> None:
    _return_labels[purpose] = label


def return_label_for(purpose: str) -> str:
    """Return what the link to an intent's ``return_url`` reads, in the active
    language: the purpose's own words, else a plain "Go back"."""
    label = _return_labels.get(purpose)
    return str(label) if label is not None else _("Go back")


def register_describer(purpose: str, func: Callable[[list[str]], dict[str, str]]):
    _describers[purpose] = func


def register_earning_describer(
    purpose: str, func: Callable[[list[str]], dict[str, str]]
):
    _earning_describers[purpose] = func


def earning_describer_for(purpose: str) -> Callable[[list[str]], dict[str, str]] | None:
    return _earning_describers.get(purpose)


def describer_for(purpose: str) -> Callable[[list[str]], dict[str, str]] | None:
    return _describers.get(purpose)


def register_order_describer(purpose: str, func: Callable[..., dict[str, str]]):
    _order_describers[purpose] = func


def order_describer_for(purpose: str) -> Callable[..., dict[str, str]] | None:
    return _order_describers.get(purpose)
