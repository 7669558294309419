"""Where pages for deals and orders live (rendered by the web app)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse


def _page_url(name: str, kwargs: dict, fallback: str) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return fallback


def order_page_url(order) -> str:
    """Return the shopper's order page (where the pay page sends them back)."""
    return _page_url(
        "web:order_detail",
        {"order_id": order.public_id},
        f"/orders/{order.public_id}/",
    )


def deal_page_url(deal) -> str:
    return _page_url(
        "web:deal_detail", {"deal_id": deal.public_id}, f"/deals/{deal.public_id}/"
    )


def console_deal_page_url(deal) -> str:
    """Return the deal's page in its merchant's console (what owners open)."""
    merchant_id = deal.merchant.public_id
    return _page_url(
        "web:merchant_deal_detail",
        {"merchant_id": merchant_id, "deal_id": deal.public_id},
        f"/merchant/{merchant_id}/deals/{deal.public_id}/",
    )
