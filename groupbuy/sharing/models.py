"""Shares of a product with contacts, their reply threads, and address books.

Privacy (DESIGN.md): a non-member's phone number is never stored here, only its
keyed hash (``notify.addresses.contact_hash``); members are matched through
``MemberPhoneHash``. Imported address books expire after
GROUPBUY_SHARING_BOOK_RETENTION_DAYS and can be deleted at any time.
"""

from __future__ import annotations

from enum import StrEnum

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from groupbuy.accounts.phones import person_label
from groupbuy.core.ids import PublicIdField, author_key
from groupbuy.sharing.voice import PrivateStorage, voice_note_path


class MemberPhoneHash(models.Model):
    """The keyed hash of a member's phone number, for matching address books."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sharing_phone_hash",
    )
    phone_hash = models.CharField(max_length=64, db_index=True)

    class Meta:
        verbose_name = _("member phone hash")
        verbose_name_plural = _("member phone hashes")

    def __str__(self):
        return f"phone hash of user {self.user_id}"


class ShareLink(models.Model):
    """A short code (``/s/<code>``) that opens a product's card or a deal page."""

    code = models.CharField(max_length=12, unique=True)
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE)
    deal = models.ForeignKey(
        "deals.Deal", on_delete=models.CASCADE, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["product", "deal"], name="sharing_one_link_per_target"
            ),
            models.UniqueConstraint(
                fields=["product"],
                condition=models.Q(deal__isnull=True),
                name="sharing_one_link_per_product",
            ),
        ]
        verbose_name = _("share link")
        verbose_name_plural = _("share links")

    def __str__(self):
        return self.code


class ContactBook(models.Model):
    """An imported address book: names and keyed hashes, never raw numbers."""

    class Source(StrEnum):
        """Where its contacts came from (not a choice of the column)."""

        VCARD = "vcard"

    public_id = PublicIdField(prefix="book", verbose_name=_("number"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sharing_contact_books",
        verbose_name=_("owner"),
    )
    source = models.CharField(max_length=20, verbose_name=_("source"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    expires_at = models.DateTimeField(db_index=True, verbose_name=_("expires at"))

    class Meta:
        verbose_name = _("contact book")
        verbose_name_plural = _("contact books")

    def __str__(self):
        return self.public_id


class ContactEntry(models.Model):
    book = models.ForeignKey(
        ContactBook, on_delete=models.CASCADE, related_name="entries"
    )
    name = models.CharField(max_length=120, blank=True)
    phone_hash = models.CharField(max_length=64)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return self.name or f"entry {self.pk}"


class Share(models.Model):
    """A product card sent with a comment; its thread is its messages."""

    public_id = PublicIdField(prefix="shr", verbose_name=_("number"))
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sharing_sent",
        verbose_name=_("sender"),
    )
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, verbose_name=_("product")
    )
    deal = models.ForeignKey(
        "deals.Deal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("group buy"),
    )
    link = models.ForeignKey(
        ShareLink, on_delete=models.PROTECT, verbose_name=_("link")
    )
    comment = models.TextField(_("comment"), blank=True)
    voice_note = models.FileField(
        storage=PrivateStorage(),
        upload_to=voice_note_path,
        blank=True,
        verbose_name=_("voice note"),
    )
    voice_note_type = models.CharField(
        max_length=20, blank=True, verbose_name=_("voice note type")
    )
    created_at = models.DateTimeField(db_index=True, verbose_name=_("created at"))
    last_activity_at = models.DateTimeField(
        db_index=True, verbose_name=_("last activity at")
    )
    # The one-time key of the compose form shown, or an API client's: the same
    # request sent again (a double tap, a retry after a lost answer) answers
    # the share it sent (``share_send``), settled by the constraint below when
    # the two arrive at once. "" is no key, in the database too: a row
    # inserted by code that does not know the column (the old release during
    # a rolling deploy) has none.
    idempotency_key = models.CharField(
        max_length=64,
        blank=True,
        default="",
        db_default="",
        verbose_name=_("idempotency key"),
    )

    class Meta:
        ordering = ["-last_activity_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="sharing_share_idempotency_key_once",
            ),
        ]
        verbose_name = _("share")
        verbose_name_plural = _("shares")

    def __str__(self):
        return self.public_id

    @property
    def sender_label(self) -> str:
        """The sender as the others see them now (load ``sender`` with it)."""
        return person_label(self.sender)


class Participant(models.Model):
    """Someone in a share's thread: the sender, a member, or an invited number
    (``user`` empty and ``address_hash`` set until the account that verifies
    that number claims it; invitations by email are not claimable yet, since
    emails are not verified)."""

    class Role(models.TextChoices):
        SENDER = "sender", _("Sender")
        RECIPIENT = "recipient", _("Recipient")

    share = models.ForeignKey(
        Share,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("share"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sharing_participations",
        verbose_name=_("person"),
    )
    role = models.CharField(max_length=10, choices=Role.choices, verbose_name=_("role"))
    address_hash = models.CharField(
        max_length=64, blank=True, db_index=True, verbose_name=_("address hash")
    )
    # What the others see of a recipient reached by a number or address until
    # they reply: that number or address masked, never a name.
    label = models.CharField(max_length=120, blank=True, verbose_name=_("label"))
    # The sender's own name for the contact ("Mum", from their picker or
    # address book), shown to the sender only: to the others it would tell
    # what the sender calls them, and which member has the number.
    contact_name = models.CharField(
        max_length=120,
        blank=True,
        default="",
        db_default="",
        verbose_name=_("sender's name for them"),
    )
    # Whether the others see this member's own name: the sender, a member
    # chosen as a member, a recipient once they replied. A recipient reached by
    # a number shows only ``label`` (the masked number) until then: typing a
    # number must not tell whose it is.
    is_name_shown = models.BooleanField(
        default=False, db_default=False, verbose_name=_("name shown to the others")
    )
    last_read_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("last read at")
    )
    joined_at = models.DateTimeField(verbose_name=_("joined at"))

    class Invitation(models.TextChoices):
        NONE = "", _("None (a member)")
        SENT = "sent", _("Sent")
        OVER_DAILY_LIMIT = "held", _("Not sent: the sender's daily limit")

    # A recipient without an account: whether their invitation went out by SMS
    # or e-mail, or was kept unsent because the sender's shares had sent as
    # many as a day allows (GROUPBUY_SHARING_INVITATION_TEXTS_PER_DAY); the
    # ones sent in the last 24 hours are what that limit counts.
    invitation = models.CharField(
        max_length=10,
        choices=Invitation.choices,
        blank=True,
        default="",
        db_default="",
        verbose_name=_("invitation"),
    )

    # When the invitation went out: with the share, or later when the sender
    # sent the held ones (services.invitations); the sender's limit counts the
    # last 24 hours by it. Empty on rows from before 0010: their share's time.
    invited_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("invited at")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["share", "user"], name="sharing_participant_once"
            ),
        ]
        verbose_name = _("share participant")
        verbose_name_plural = _("share participants")

    def __str__(self):
        return self.label

    @property
    def shown_label(self) -> str:
        """How the others see this participant (``label_for`` anyone else)."""
        return self.label_for(None)

    def is_named_for(self, viewer) -> bool:
        """Whether ``viewer`` sees this member by their own name: they are
        that member, or the member's name is shown (``is_name_shown``)."""
        return self.user_id is not None and (
            self.is_name_shown or self.user_id == getattr(viewer, "pk", None)
        )

    def label_for(self, viewer) -> str:
        """How ``viewer`` sees this participant (load ``user`` with it).

        The share's sender sees a recipient by their own name for the contact
        (``contact_name``) when they gave one. Named (``is_named_for``): by
        their name as it is now (``person_label``), so a new display name shows
        in every thread at once. Otherwise by ``label``, the masked number or
        address, the one thing the sender typed. "Deleted user" once erased.
        """
        from groupbuy.accounts.personal_data import is_erased

        if self.user_id and is_erased(self.user):
            return person_label(self.user)
        if self.contact_name and self.is_sender(viewer):
            return self.contact_name
        if self.is_named_for(viewer):
            return person_label(self.user)
        # A row from before names were held back may keep no number.
        return self.label or str(self.Role.RECIPIENT.label)

    def is_sender(self, viewer) -> bool:
        """Whether ``viewer`` sent this participant's share."""
        viewer_id = getattr(viewer, "pk", None)
        return viewer_id is not None and self.share.sender_id == viewer_id

    def key_for(self, viewer) -> str:
        """The member's key in this thread (``core.ids.author_key``, the one
        their replies carry), to those who see them by name; else "". Never
        their account id: a key names no account and differs by thread."""
        if not self.is_named_for(viewer):
            return ""
        return author_key(room=self.share, user_id=self.user_id)


class Message(models.Model):
    """A reply in a share's thread, optionally with another product's card."""

    public_id = PublicIdField(prefix="msg", verbose_name=_("number"))
    share = models.ForeignKey(
        Share,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("share"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(verbose_name=_("text"))
    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("product"),
    )
    # Set by a client that queued the reply offline: sending it twice adds one.
    client_key = models.CharField(
        max_length=64, blank=True, verbose_name=_("client key")
    )
    created_at = models.DateTimeField(db_index=True, verbose_name=_("created at"))
    # Set when an operator hides the reply after a report (groupbuy.moderation):
    # its text stays for the operators' record, the thread shows a notice.
    removed_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("removed by the platform at")
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["share", "author", "client_key"],
                condition=~models.Q(client_key=""),
                name="sharing_message_client_key_once",
            ),
        ]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")

    def __str__(self):
        return self.public_id


class PushSubscription(models.Model):
    """A browser that allowed web push for its signed-in person."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sharing_push_subscriptions",
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")

    def __str__(self):
        return f"push subscription {self.pk}"
