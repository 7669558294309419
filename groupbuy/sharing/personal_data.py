"""What sharing holds about a person, for their export and their erasure.

Exported: the shares they sent (with voice notes, and their own names for the
contacts they sent them to), the threads they are in, the shares sent to a
number of theirs (the one they have, or one they had while it was theirs) that
no account claimed, their replies, their own imported address books (names and
keyed hashes, as stored: never numbers) and their push subscriptions. Erased:
their address books, phone hash, push subscriptions, voice notes and names for
contacts are deleted; the unclaimed shares sent to their numbers lose the
number's hash and masked form; their comments and replies are emptied and shown
as from a "Deleted user", so the others keep their threads and their own
replies.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.utils.translation import gettext_lazy

from groupbuy.core.plugins import PersonalDataExport, PersonalDataProvider


def _shares_sent(user, files: dict) -> list[dict]:
    from groupbuy.sharing.models import Share

    records = []
    shares = (
        Share.objects.filter(sender=user)
        .select_related("product", "deal")
        .prefetch_related("participants")
    )
    for share in shares.order_by("created_at", "id"):
        voice_note = ""
        if share.voice_note:
            suffix = PurePosixPath(share.voice_note.name).suffix
            voice_note = f"voice/{share.public_id}{suffix}"
            files[voice_note] = share.voice_note
        records.append(
            {
                "id": share.public_id,
                "product": share.product.public_id,
                "deal": share.deal.public_id if share.deal else None,
                "comment": share.comment,
                "voice_note": voice_note or None,
                # The sender's own names for the contacts they sent it to.
                "contact_names": [
                    participant.contact_name
                    for participant in sorted(share.participants.all(), key=_pk)
                    if participant.contact_name
                ],
                "created_at": share.created_at,
            }
        )
    return records


def _pk(row) -> int:
    return row.pk


def _threads(user) -> list[dict]:
    from groupbuy.sharing.models import Participant

    participations = Participant.objects.filter(user=user).select_related("share")
    return [
        {
            "share": participant.share.public_id,
            "role": participant.role,
            # The masked number the others see, never the sender's own name
            # for this person (``contact_name``), which is the sender's data.
            "shown_as": participant.label,
            "joined_at": participant.joined_at,
            "last_read_at": participant.last_read_at,
        }
        for participant in participations.order_by("joined_at", "id")
    ]


def _invitations_to(user):
    """The recipients' places in others' shares sent to a number of the
    person's while it was theirs, which no account claimed: a share sent to a
    number they had before was addressed to them (``phones_held``); one sent
    to it after it went is its next holder's."""
    from django.db.models import Q

    from groupbuy.accounts.personal_data import held_before
    from groupbuy.accounts.selectors import phones_held
    from groupbuy.sharing.contacts import phone_hash
    from groupbuy.sharing.models import Participant

    sent_to = Q(pk__in=[])
    for held in phones_held(user=user):
        sent_to |= Q(
            address_hash=phone_hash(held.phone), **held_before(held, "joined_at")
        )
    return Participant.objects.filter(sent_to, user__isnull=True)


def _invitations(user) -> list[dict]:
    participants = _invitations_to(user).select_related("share", "share__product")
    return [
        {
            "share": participant.share.public_id,
            "product": participant.share.product.public_id,
            "shown_as": participant.label,
            "invited_at": participant.joined_at,
        }
        for participant in participants.order_by("joined_at", "id")
    ]


def _replies(user) -> list[dict]:
    from groupbuy.sharing.models import Message

    messages = Message.objects.filter(author=user).select_related("share", "product")
    return [
        {
            "id": message.public_id,
            "share": message.share.public_id,
            "body": message.body,
            "product": message.product.public_id if message.product else None,
            "created_at": message.created_at,
        }
        for message in messages.order_by("created_at", "id")
    ]


def _contact_books(user) -> list[dict]:
    books = user.sharing_contact_books.prefetch_related("entries")
    return [
        {
            "id": book.public_id,
            "source": book.source,
            "created_at": book.created_at,
            "expires_at": book.expires_at,
            # Numbers were never stored, only their keyed hashes.
            "entries": [
                {
                    "name": entry.name,
                    "phone_hash": entry.phone_hash,
                    "is_member": entry.member_id is not None,
                }
                for entry in book.entries.order_by("id")
            ],
        }
        for book in books.order_by("created_at", "id")
    ]


class SharingPersonalData(PersonalDataProvider):
    holds = gettext_lazy(
        "the products you shared, their reply threads, your imported "
        "address books and your push subscriptions"
    )

    def export(self, user) -> PersonalDataExport:
        from groupbuy.sharing.models import MemberPhoneHash

        files: dict = {}
        phone_hash = MemberPhoneHash.objects.filter(user=user).first()
        return PersonalDataExport(
            records={
                "shares_sent": _shares_sent(user, files),
                "threads": _threads(user),
                "invitations": _invitations(user),
                "replies": _replies(user),
                "contact_books": _contact_books(user),
                "phone_hash": phone_hash.phone_hash if phone_hash else None,
                "push_subscriptions": [
                    {
                        "endpoint": subscription.endpoint,
                        "since": subscription.created_at,
                    }
                    for subscription in user.sharing_push_subscriptions.order_by("id")
                ],
            },
            files=files,
        )

    def erase(self, user) -> None:
        from groupbuy.notify.invitations import invitations_forget_held_addresses
        from groupbuy.sharing.models import (
            ContactEntry,
            MemberPhoneHash,
            Message,
            Participant,
            Share,
        )
        from groupbuy.sharing.services.shares import invitation_key

        # Numbers their shares held back at the daily limit were kept to be
        # texted later by them; nobody will, and the numbers were theirs to give.
        held = Participant.objects.filter(
            share__sender=user,
            user__isnull=True,
            invitation=Participant.Invitation.OVER_DAILY_LIMIT,
        ).select_related("share")
        invitations_forget_held_addresses(
            idempotency_keys=[
                invitation_key(participant.share, participant.address_hash)
                for participant in held
            ]
        )
        for share in Share.objects.filter(sender=user).exclude(voice_note=""):
            # Out of the private storage too, not only the column.
            share.voice_note.delete(save=False)
        Share.objects.filter(sender=user).update(
            comment="", voice_note="", voice_note_type=""
        )
        # The thread stays for the others; the person shows as "Deleted user".
        Participant.objects.filter(user=user).update(
            label="", contact_name="", address_hash=""
        )
        # Shares sent to a number of theirs nobody claimed keep their place in
        # the sender's thread, with neither the masked number nor its hash:
        # nobody can claim them any more.
        _invitations_to(user).update(label="", address_hash="")
        # The names they gave their contacts are theirs, and go with them.
        Participant.objects.filter(share__sender=user).update(contact_name="")
        Message.objects.filter(author=user).update(body="", client_key="")
        # Others' address books keep their own entry, no longer tied to the account.
        ContactEntry.objects.filter(member=user).update(member=None)
        user.sharing_contact_books.all().delete()
        MemberPhoneHash.objects.filter(user=user).delete()
        user.sharing_push_subscriptions.all().delete()
