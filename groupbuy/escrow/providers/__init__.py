"""Payment providers by name, and which of them this installation enables.

Every provider the code knows is registered here; the setting
``GROUPBUY_PAYMENT_PROVIDERS`` lists the ones that take payments. New payments,
callbacks and the sandbox's pay page go only to enabled providers
(``get_enabled_provider``); payments already made keep their provider for
status pages and refunds (``get_provider``). The sandbox is built in; real
providers register here too.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from groupbuy.core.echo import echoed
from groupbuy.escrow.errors import EscrowError
from groupbuy.escrow.providers.alipay import AlipayProvider
from groupbuy.escrow.providers.base import (
    PAYMENT_FAILED,
    PAYMENT_SUCCEEDED,
    REFUND_SUCCEEDED,
    PaymentEvent,
    PaymentProvider,
)
from groupbuy.escrow.providers.sandbox import SandboxProvider
from groupbuy.escrow.providers.wechat import WechatPayProvider

__all__ = [
    "SANDBOX",
    "PaymentEvent",
    "PaymentProvider",
    "default_provider_name",
    "enabled_provider_names",
    "event_type_label",
    "get_enabled_provider",
    "get_provider",
    "is_sandbox_enabled",
    "provider_label",
    "registered_provider_names",
]

SANDBOX = SandboxProvider.name
_PROVIDERS: dict[str, PaymentProvider] = {
    SANDBOX: SandboxProvider(),
    AlipayProvider.name: AlipayProvider(),
    WechatPayProvider.name: WechatPayProvider(),
}


def provider_label(name: str) -> str:
    """The provider's name for people, in the reader's language ("Alipay",
    支付宝), wherever a provider is named on a page or in a choice; a name no
    provider is registered under is shown as it is."""
    provider = _PROVIDERS.get(name)
    return str(getattr(provider, "label", None) or name)


def event_type_label(event_type: str) -> str:
    """What a provider's event says happened, in the reader's language
    ("Paid", 已付款); a type no provider sends is shown as it is."""
    labels = {
        PAYMENT_SUCCEEDED: _("Paid"),
        PAYMENT_FAILED: _("Payment failed"),
        REFUND_SUCCEEDED: _("Refunded"),
    }
    return str(labels.get(event_type, event_type))


def registered_provider_names() -> list[str]:
    return list(_PROVIDERS)


def enabled_provider_names() -> list[str]:
    """Return the enabled providers, in the order the setting lists them."""
    return [name for name in settings.GROUPBUY_PAYMENT_PROVIDERS if name in _PROVIDERS]


def is_sandbox_enabled() -> bool:
    return SANDBOX in enabled_provider_names()


def _unknown(name: str) -> EscrowError:
    return EscrowError(
        "unknown_provider",
        _("There is no payment provider called “%(name)s”.") % {"name": echoed(name)},
        status=404,
    )


def get_provider(name: str) -> PaymentProvider:
    """Return the provider ``name`` whether or not it is enabled (old payments)."""
    provider = _PROVIDERS.get(name)
    if provider is None:
        raise _unknown(name)
    return provider


def get_enabled_provider(name: str) -> PaymentProvider:
    """Return the provider ``name``; 404 unless this installation enables it."""
    if name not in enabled_provider_names():
        raise _unknown(name)
    return _PROVIDERS[name]


def default_provider_name() -> str:
    """Return the provider new payments use: the first enabled one."""
    enabled = enabled_provider_names()
    if not enabled:
        raise EscrowError(
            "payments_unavailable",
            _("Payments are not available right now. Please try again later."),
            status=503,
        )
    return enabled[0]
