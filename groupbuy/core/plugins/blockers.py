"""What the apps say must happen before a branch closes or a listing changes,
and what they do once a product is stopped or sold again."""

from __future__ import annotations

from groupbuy.core.plugins.registry import installed_apps, load


def branch_close_blockers(branch, *, last_open: bool) -> list[str]:
    """Return what every app says must happen before ``branch`` closes, in
    app order; empty when it may close."""
    return [
        blocker
        for app in installed_apps()
        if app.branch_close_blockers
        for blocker in load(app.branch_close_blockers)(branch, last_open=last_open)
    ]


def listing_price_blockers(listing, *, price_fen: int) -> list[str]:
    """Return what every app says stops ``listing`` dropping to ``price_fen``,
    in app order; empty when it may."""
    return [
        blocker
        for app in installed_apps()
        if app.listing_price_blockers
        for blocker in load(app.listing_price_blockers)(listing, price_fen=price_fen)
    ]


def listing_withdrawal_blockers(listing) -> list[str]:
    """Return what every app says stops ``listing`` being switched off, in app
    order; empty when it may."""
    return [
        blocker
        for app in installed_apps()
        if app.listing_withdrawal_blockers
        for blocker in load(app.listing_withdrawal_blockers)(listing)
    ]


def product_selling_changed(product, *, is_active: bool) -> None:
    """Let every app that asked act on ``product`` being stopped (``is_active``
    False) or sold again, in app order, in the caller's transaction."""
    for app in installed_apps():
        if app.product_selling_changed:
            load(app.product_selling_changed)(product, is_active=is_active)
