"""Reads of the address book a user imported to share by name."""

from __future__ import annotations

from django.utils import timezone

from groupbuy.sharing.models import ContactBook


def contact_book_for_user(*, user) -> ContactBook | None:
    return (
        ContactBook.objects.filter(owner=user, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )
