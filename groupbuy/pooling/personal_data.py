"""What pooling holds about a person, for their export and their erasure.

Exported: their pooling preferences, reported carts, pool requests, seats in
pools, pool chat messages, the pool invitations they received, contact requests
and the messages they wrote in contact chats. Erased: preferences, invitations,
carts, contact requests (with their chats: a conversation between two people is
not kept for one) and requests that never made a pool are deleted; the others
are withdrawn, so none is matched again; seats stay (the others' savings were
computed with them) without sharing a number, and pool chat messages are
emptied, shown as deleted, so the others keep their chat.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from groupbuy.core.plugins import PersonalDataExport, PersonalDataProvider


def _preferences(user) -> dict | None:
    from groupbuy.pooling.models import PoolingProfile

    profile = PoolingProfile.objects.filter(user=user).first()
    if profile is None:
        return None
    return {
        "max_group_size": profile.max_group_size,
        "max_walk_m": profile.max_walk_m,
        "is_discoverable": profile.is_discoverable,
        "is_invitable": profile.is_invitable,
        "updated_at": profile.updated_at,
    }


def _carts(user) -> list[dict]:
    from groupbuy.pooling.models import CartReport

    carts = CartReport.objects.filter(user=user).select_related("branch")
    return [
        {
            "id": cart.public_id,
            "branch": cart.branch.name,
            "kind": cart.kind,
            "amount_fen": cart.amount_fen,
            "items": cart.items,
            "window_start_at": cart.window_start_at,
            "window_end_at": cart.window_end_at,
            "created_at": cart.created_at,
        }
        for cart in carts.order_by("created_at", "id")
    ]


def _requests(user) -> list[dict]:
    from groupbuy.pooling.models import PoolRequest

    requests = PoolRequest.objects.filter(user=user).select_related(
        "promotion", "branch"
    )
    return [
        {
            "id": request.public_id,
            "promotion": request.promotion.public_id,
            "branch": request.branch.name,
            "amount_fen": request.amount_fen,
            "max_group_size": request.max_group_size,
            "window_start_at": request.window_start_at,
            "window_end_at": request.window_end_at,
            "deadline_at": request.deadline_at,
            "latitude": _text(request.latitude),
            "longitude": _text(request.longitude),
            "state": request.state,
            "created_at": request.created_at,
        }
        for request in requests.order_by("created_at", "id")
    ]


def _text(value) -> str | None:
    return None if value is None else str(value)


def _seats(user) -> list[dict]:
    from groupbuy.pooling.models import PoolMember

    seats = PoolMember.objects.filter(user=user).select_related("pool")
    return [
        {
            "pool": seat.pool.public_id,
            "pool_state": seat.pool.state,
            "amount_fen": seat.amount_fen,
            "saving_fen": seat.share_fen,
            "answer": seat.answer,
            "answered_at": seat.answered_at,
            "shares_phone": seat.shares_phone,
        }
        for seat in seats.order_by("id")
    ]


def _messages(user, *, model_name: str, room: str) -> list[dict]:
    """The messages ``user`` wrote in one kind of chat, each with its room."""
    from django.apps import apps

    model = apps.get_model("pooling", model_name)
    messages = model.objects.filter(author=user).select_related(room)
    return [
        {
            "id": message.public_id,
            room: getattr(message, room).public_id,
            "body": message.body,
            "created_at": message.created_at,
        }
        for message in messages.order_by("created_at", "id")
    ]


def _invitations(user) -> list[dict]:
    from groupbuy.pooling.models import PoolInvitation

    invitations = PoolInvitation.objects.filter(user=user).select_related(
        "promotion", "branch"
    )
    return [
        {
            "id": invitation.public_id,
            "promotion": invitation.promotion.public_id,
            "branch": invitation.branch.public_id,
            "created_at": invitation.created_at,
        }
        for invitation in invitations.order_by("created_at", "id")
    ]


def _contact_requests(user) -> list[dict]:
    from django.db.models import Q

    from groupbuy.pooling.models import ContactRequest

    contacts = ContactRequest.objects.filter(
        Q(requester=user) | Q(recipient=user)
    ).select_related("product")
    return [
        {
            "id": contact.public_id,
            "direction": "sent" if contact.requester_id == user.pk else "received",
            "product": contact.product.public_id,
            "state": contact.state,
            "created_at": contact.created_at,
            "answered_at": contact.answered_at,
        }
        for contact in contacts.order_by("created_at", "id")
    ]


class PoolingPersonalData(PersonalDataProvider):
    holds = gettext_lazy(
        "your pooling preferences, carts, pool requests and seats, pool "
        "chats and contact requests"
    )

    def export(self, user) -> PersonalDataExport:
        return PersonalDataExport(
            records={
                "preferences": _preferences(user),
                "carts": _carts(user),
                "pool_requests": _requests(user),
                "pool_seats": _seats(user),
                "chat_messages": _messages(user, model_name="ChatMessage", room="pool"),
                "pool_invitations": _invitations(user),
                "contact_requests": _contact_requests(user),
                "contact_messages": _messages(
                    user, model_name="ContactMessage", room="contact"
                ),
            }
        )

    def erase(self, user) -> None:
        from django.db.models import Q

        from groupbuy.pooling.models import (
            CartReport,
            ChatMessage,
            ContactRequest,
            PoolingProfile,
            PoolInvitation,
            PoolMember,
            PoolRequest,
        )
        from groupbuy.pooling.services.answers import pools_decline_for_erasure

        # Out of matching first, so that the re-matching a decline starts
        # cannot suggest them again. A pooled request is withdrawn too (its
        # seat in the confirmed pool stays): should another member's leave
        # dissolve that pool, it would otherwise go back to looking, and be
        # suggested to others, for a person who is gone.
        PoolRequest.objects.filter(
            user=user, state__in=[PoolRequest.State.OPEN, PoolRequest.State.POOLED]
        ).update(state=PoolRequest.State.WITHDRAWN)
        pools_decline_for_erasure(user=user)
        PoolingProfile.objects.filter(user=user).delete()
        PoolInvitation.objects.filter(user=user).delete()
        ContactRequest.objects.filter(Q(requester=user) | Q(recipient=user)).delete()
        CartReport.objects.filter(user=user).delete()
        PoolRequest.objects.filter(user=user, memberships__isnull=True).delete()
        PoolRequest.objects.filter(user=user).update(latitude=None, longitude=None)
        PoolMember.objects.filter(user=user).update(shares_phone=False)
        ChatMessage.objects.filter(author=user).update(body="")
