"""Which payment providers can pay merchants."""

from __future__ import annotations

from django.utils.translation import gettext as _

from groupbuy.escrow.errors import EscrowError
from groupbuy.escrow.providers import (
    enabled_provider_names,
    get_enabled_provider,
    get_provider,
    registered_provider_names,
)


def transfer_provider_names() -> list[str]:
    """The enabled providers that can pay merchants (the sandbox among them)."""
    return [
        name
        for name in enabled_provider_names()
        if hasattr(get_provider(name), "transfer")
    ]


def transfer_capable_provider_names() -> list[str]:
    """Every provider the code knows that can pay merchants, switched on or not:
    what an operator may switch on when no enabled one can."""
    return [
        name
        for name in registered_provider_names()
        if hasattr(get_provider(name), "transfer")
    ]


def transfer_provider(provider_name: str):
    """Return the enabled provider ``provider_name`` if it can pay merchants;
    else refuse (400, on the provider field) naming those that can."""
    enabled = transfer_provider_names()
    if provider_name in enabled:
        return get_enabled_provider(provider_name)
    if enabled:
        hint = _("Choose one of: %(providers)s.") % {"providers": ", ".join(enabled)}
    else:
        hint = _("No provider that can pay merchants is switched on.")
    message = _("“%(provider)s” cannot pay merchants here. %(hint)s") % {
        "provider": provider_name,
        "hint": hint,
    }
    raise EscrowError("transfer_unavailable", message, fields={"provider": [hint]})
