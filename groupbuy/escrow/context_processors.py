"""Tell every page whether payments are tests (the sandbox provider is on)."""

from __future__ import annotations

from groupbuy.escrow.providers import is_sandbox_enabled


def payments(request) -> dict:
    return {"test_payments_banner": is_sandbox_enabled()}
