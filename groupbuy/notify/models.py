"""The notification outbox: one inbox row per message, one delivery row per channel.

Both are written inside the business transaction that caused them, so a message
exists exactly when its cause was committed. Workers then move each delivery from
pending to sent (or failed, keeping the error); the rows are the durable record of
what was sent, when and after how many attempts.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from groupbuy.core.ids import PublicIdField


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In-app")
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


class Notification(models.Model):
    public_id = PublicIdField(prefix="ntf", verbose_name=_("number"))
    # None for an invitation to someone without an account yet (see Invitation);
    # set when that person signs up with the invited, verified number.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
        null=True,
        blank=True,
    )
    # Dotted, like audit actions: deals.deal.succeeded, snap.demand.threshold_reached
    kind = models.CharField(_("kind"), max_length=80, db_index=True)
    # In the language it was sent in (the recipient's, for SMS and e-mail)...
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    # ...and in each other site language where it reads differently,
    # {"en": {"title": …, "body": …}}, so the inbox reads in the language its
    # reader has the site in, whatever it was when the message was sent.
    texts = models.JSONField(
        _("translations"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )
    url = models.CharField(_("link"), max_length=500, blank=True)
    data = models.JSONField(
        _("data"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )
    # Unique so that a retried job notifies exactly once; NULLs never collide.
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=200, unique=True, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(
                fields=["recipient", "-created_at", "-id"], name="notify_inbox_idx"
            ),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notify_unread_idx",
            ),
        ]

    def __str__(self):
        to = self.recipient_id or "invitation"
        return f"{self.kind} → {to}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def text_in(self, language: str | None = None) -> tuple[str, str]:
        """The title and body in ``language`` (the active one by default), or as
        sent when the message has no text in it (a merchant's own words, a
        notification from before translations were kept)."""
        text = self.texts.get(language or translation.get_language() or "")
        if text is None:
            return self.title, self.body
        return text["title"], text["body"]

    @property
    def shown_title(self) -> str:
        return self.text_in()[0]

    @property
    def shown_body(self) -> str:
        return self.text_in()[1]


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        # Claimed by a worker; next_attempt_at is then the end of its lease, after
        # which the sweep assumes the worker died and hands the row to another.
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        # "Failed" alone is a group buy that did not reach its first tier (未成团).
        FAILED = "failed", pgettext_lazy("delivery", "Failed")
        # Nothing to send to (no email address, account closed); not retried.
        SKIPPED = "skipped", _("Skipped")

    notification = models.ForeignKey(
        Notification,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("notification"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(
        _("next attempt at"), null=True, blank=True, default=timezone.now
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # When it last failed for good; None again once an operator retries it.
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    # What the provider called it (SMS message id, email Message-ID), for support.
    provider_message_id = models.CharField(
        _("provider message id"), max_length=200, blank=True
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"],
                name="notify_one_delivery_per_channel",
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="notify_due_delivery_idx",
            ),
            # The operators' list of failed deliveries, newest first.
            models.Index(
                fields=["-failed_at", "-id"],
                condition=Q(status="failed"),
                name="notify_failed_delivery_idx",
            ),
        ]

    def __str__(self):
        return f"{self.channel} {self.status} ({self.notification_id})"

    @property
    def idempotency_key(self) -> str:
        """Name this delivery to providers, so a resend can be recognised."""
        return f"{self.notification.public_id}-{self.channel}"

    @property
    def public_id(self) -> str:
        """Name this delivery to clients: its notification's id and its channel
        (one delivery per channel), never the primary key."""
        return self.idempotency_key


class Invitation(models.Model):
    """Where a notification for someone who is not a member yet goes.

    Privacy (DESIGN.md): the phone number or e-mail address is kept twice. The
    keyed hash (``address_hash``, HMAC-SHA256, see ``notify.addresses``) stays,
    to attach the notification to the account that later verifies that number;
    the raw ``address`` is kept only while the delivery may still need it and is
    erased when the delivery ends (sent, failed or skipped); one its caller held
    back keeps it for a later send (``invitations.invitation_send_held``). An
    invitation that no account claims is deleted after ``expires_at``.
    """

    class Kind(models.TextChoices):
        PHONE = "phone", _("Phone number")
        EMAIL = "email", _("Email address")

    notification = models.OneToOneField(
        Notification,
        on_delete=models.CASCADE,
        related_name="invitation",
        verbose_name=_("notification"),
    )
    address_kind = models.CharField(
        _("address kind"), max_length=10, choices=Kind.choices
    )
    address_hash = models.CharField(_("address hash"), max_length=64)
    address = models.CharField(_("address"), max_length=254, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    attached_at = models.DateTimeField(_("attached at"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [
            models.Index(
                fields=["address_kind", "address_hash"],
                condition=Q(attached_at__isnull=True),
                name="notify_invitation_match_idx",
            ),
        ]

    def __str__(self):
        return f"{self.address_kind} invitation ({self.notification_id})"
