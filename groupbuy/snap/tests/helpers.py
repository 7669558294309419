"""Helpers shared by snap's platform tests (not the recognition tests)."""

from __future__ import annotations

from dataclasses import dataclass, field

from groupbuy.core.ids import new_public_id
from groupbuy.snap import deal_lookup


@dataclass
class FakeDeal:
    """Stands in for a deal where only its product and id matter."""

    product: object
    public_id: str = field(default_factory=lambda: new_public_id("deal"))


def open_deals_for(monkeypatch, *products):
    """Make the deal lookup report an open deal for ``products``; return undo."""
    original = deal_lookup.product_has_open_deal
    open_ids = {product.pk for product in products}

    def has_open_deal(product):
        return product.pk in open_ids or original(product)

    monkeypatch.setattr(deal_lookup, "product_has_open_deal", has_open_deal)
    return lambda: monkeypatch.setattr(deal_lookup, "product_has_open_deal", original)


def skip_without_concurrent_database() -> None:
    """Skip a race test on the in-memory SQLite test database.

    Its connections share one cache whose table locks fail at once ("database
    table is locked") instead of waiting on the busy timeout, unlike the real
    file database in WAL mode. Races run on a file test database
    (DATABASES["default"]["TEST"]["NAME"]) and on PostgreSQL.
    """
    import pytest
    from django.db import connection

    if connection.vendor == "sqlite" and connection.creation.is_in_memory_db(
        connection.settings_dict["NAME"]
    ):
        pytest.skip("needs a file or PostgreSQL test database for real concurrency")
