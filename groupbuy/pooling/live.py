"""WebSocket groups of the pooling app and how events reach them."""

from __future__ import annotations

from groupbuy.realtime import publish, user_group


def pool_group(pool_public_id: str) -> str:
    return f"pool.{pool_public_id}"


def publish_to_pool(pool_public_id: str, event: dict) -> None:
    publish(pool_group(pool_public_id), event)


def contact_group(contact_public_id: str) -> str:
    return f"contact.{contact_public_id}"


def publish_to_contact(contact_public_id: str, event: dict) -> None:
    publish(contact_group(contact_public_id), event)


def publish_to_member(user_public_id: str, event: dict) -> None:
    publish(user_group(user_public_id), event)
