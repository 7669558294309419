"""Payment providers by name. The sandbox is built in."""

from __future__ import annotations

from django.utils.translation import gettext as _

from groupbuy.escrow.errors import EscrowError
from groupbuy.escrow.providers.base import PaymentEvent, PaymentProvider
from groupbuy.escrow.providers.sandbox import SandboxProvider

__all__ = ["PaymentEvent", "PaymentProvider", "get_provider"]

_PROVIDERS: dict[str, PaymentProvider] = {SandboxProvider.name: SandboxProvider()}


def get_provider(name: str) -> PaymentProvider:
    provider = _PROVIDERS.get(name)
    if provider is None:
        raise EscrowError(
            "unknown_provider",
            _("There is no payment provider called “%(name)s”.") % {"name": name},
            status=404,
        )
    return provider
