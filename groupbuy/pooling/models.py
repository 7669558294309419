from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groupbuy.core.ids import PublicIdField
from groupbuy.pooling import savings


class Promotion(models.Model):
    """A shop's offer: 满减 tiers, n-for-m or second item at a discount."""

    class Kind(models.TextChoices):
        THRESHOLD = savings.THRESHOLD, _("Spend and save")
        N_FOR_M = savings.N_FOR_M, _("Buy n, pay m")
        SECOND_ITEM = savings.SECOND_ITEM, _("Second item discounted")

    public_id = PublicIdField(prefix="promo")
    merchant = models.ForeignKey(
        "catalog.Merchant", on_delete=models.CASCADE, related_name="promotions"
    )
    # Empty: every branch of the merchant runs it.
    branch = models.ForeignKey(
        "catalog.Branch",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="promotions",
    )
    title = models.CharField(_("title"), max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    tiers = models.JSONField(default=list, blank=True)  # [[threshold_fen, off_fen]]
    buy_n = models.PositiveSmallIntegerField(default=0)
    pay_m = models.PositiveSmallIntegerField(default=0)
    second_item_percent = models.PositiveSmallIntegerField(default=100)
    # Empty: every product counts.
    products = models.ManyToManyField("catalog.Product", blank=True, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Made by the publishing page for each form it shows (or sent by an API
    # client): the same form sent twice publishes once (a constraint, below).
    client_key = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "created_by", "client_key"],
                condition=~models.Q(client_key=""),
                name="pooling_promotion_client_key_once",
            )
        ]
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")

    def __str__(self):
        return self.title

    def is_running(self, now=None) -> bool:
        """Started and not ended at ``now`` (default: this moment)."""
        return self.starts_at <= (now or timezone.now()) < self.ends_at

    def is_upcoming(self, now=None) -> bool:
        """Not started yet at ``now`` (ending it withdraws it: it never runs)."""
        return (now or timezone.now()) < self.starts_at

    def rules(self) -> savings.Rules:
        product_ids = frozenset(p.public_id for p in self.products.all())
        return savings.Rules(
            kind=self.kind,
            tiers=tuple((int(t), int(o)) for t, o in self.tiers),
            buy_n=self.buy_n,
            pay_m=self.pay_m,
            second_item_percent=self.second_item_percent,
            product_ids=product_ids or None,
        )


class PoolingProfile(models.Model):
    """A shopper's stated pooling preferences (the patent's 个人拼单要求)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    max_group_size = models.PositiveSmallIntegerField(_("largest group"), default=4)
    max_walk_m = models.PositiveIntegerField(_("how far I will walk (m)"), default=1000)
    # Others asking "who is buying X" may find me (masked).
    is_discoverable = models.BooleanField(_("others may find me"), default=False)
    # Consent to be chosen from one's shopping history (the patent's 终端选取):
    # invited when someone asks to pool at a shop one has reported carts at.
    is_invitable = models.BooleanField(
        _("invite me to pools at shops I use"), default=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pooling profile")
        verbose_name_plural = _("pooling profiles")

    def __str__(self):
        return f"pooling profile of {self.user_id}"


class CartReport(models.Model):
    """A purchase made or a cart intended, at a branch (the patent's 消费信息)."""

    class Kind(models.TextChoices):
        PURCHASE = "purchase", _("Purchase")
        INTENDED = "intended", _("Intended cart")

    public_id = PublicIdField(prefix="cart")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    branch = models.ForeignKey(
        "catalog.Branch", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount_fen = models.PositiveIntegerField()
    items = models.JSONField(
        default=list, blank=True
    )  # [{product, unit_price_fen, quantity}]
    # The catalog products among ``items``, so "who is buying X" is one indexed
    # query however many carts are planned (items are JSON, which SQLite cannot
    # search by containment).
    products = models.ManyToManyField("catalog.Product", related_name="+", blank=True)
    window_start_at = models.DateTimeField()
    window_end_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("cart report")
        verbose_name_plural = _("cart reports")

    def __str__(self):
        return f"{self.kind} {self.amount_fen} fen"


class PoolRequest(models.Model):
    """A shopper asking to pool a cart at a branch for a promotion."""

    class State(models.TextChoices):
        OPEN = "open", _("Looking for a pool")
        SUGGESTED = "suggested", _("Pool suggested")
        POOLED = "pooled", _("Pooled")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    public_id = PublicIdField(prefix="preq")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    promotion = models.ForeignKey(
        Promotion, on_delete=models.CASCADE, related_name="requests"
    )
    branch = models.ForeignKey(
        "catalog.Branch", on_delete=models.CASCADE, related_name="+"
    )
    cart = models.ForeignKey(
        CartReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    amount_fen = models.PositiveIntegerField()
    # The items to pool, for promotions priced on items (buy n pay m, second
    # item): [{"product_id", "unit_price_fen", "quantity"}], the ones that count.
    items = models.JSONField(default=list, blank=True)
    max_group_size = models.PositiveSmallIntegerField(default=4)
    window_start_at = models.DateTimeField()
    window_end_at = models.DateTimeField()
    deadline_at = models.DateTimeField()
    # Where the shopper is when asking (optional): a branch farther than they
    # will walk (their profile's max_walk_m) is not pooled for them.
    latitude = models.DecimalField(
        _("my latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("my longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.OPEN, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pool request")
        verbose_name_plural = _("pool requests")

    def __str__(self):
        return f"{self.public_id} ({self.state})"


class Pool(models.Model):
    """A group the engine proposed; confirmed when every member accepts."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for answers")
        CONFIRMED = "confirmed", _("Confirmed")
        DISSOLVED = "dissolved", _("Dissolved")

    public_id = PublicIdField(prefix="pool")
    promotion = models.ForeignKey(
        Promotion, on_delete=models.CASCADE, related_name="pools"
    )
    branch = models.ForeignKey(
        "catalog.Branch", on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PROPOSED, db_index=True
    )
    amount_fen = models.PositiveIntegerField()
    threshold_fen = models.PositiveIntegerField()
    saving_fen = models.PositiveIntegerField()
    answer_by = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pool")
        verbose_name_plural = _("pools")

    def __str__(self):
        return f"{self.public_id} ({self.state})"


class PoolMember(models.Model):
    class Answer(models.TextChoices):
        PENDING = "pending", _("Not answered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        TIMED_OUT = "timed_out", _("Did not answer")
        # Accepted, then left the confirmed pool (pool_leave).
        LEFT = "left", _("Left the pool")

    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="members")
    request = models.ForeignKey(
        PoolRequest, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    amount_fen = models.PositiveIntegerField()
    share_fen = models.PositiveIntegerField()  # this member's part of the saving
    answer = models.CharField(
        max_length=10, choices=Answer.choices, default=Answer.PENDING
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    shares_phone = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["pool", "user"], name="one_seat_per_pool")
        ]
        verbose_name = _("pool member")
        verbose_name_plural = _("pool members")

    def __str__(self):
        return f"{self.user_id} in {self.pool_id}: {self.answer}"


class _Message(models.Model):
    """A chat message; the subclass adds the room it belongs to."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    body = models.CharField(max_length=500)
    # Made by the page for each message it sends: sending it again (a double
    # click, a retried request) stores it once (a constraint per room, below).
    client_key = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Set when an operator hides the message after a report (moderation): its
    # text is kept for the operators' record, the chat shows a notice instead.
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.body[:40]


class ChatMessage(_Message):
    public_id = PublicIdField(prefix="msg")
    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="messages")

    class Meta(_Message.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["pool", "author", "client_key"],
                condition=~models.Q(client_key=""),
                name="pooling_chat_message_client_key_once",
            )
        ]
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")


class ContactRequest(models.Model):
    """One shopper asking another, who plans to buy the same product, to
    exchange contacts (the patent's 通讯清单 and 通信连接, with consent)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        # Accepted, then one side ended the conversation (contact_end).
        ENDED = "ended", _("Ended")

    public_id = PublicIdField(prefix="cont")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    cart = models.ForeignKey(CartReport, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # The side who ended the conversation (state "ended"): only they may open
    # it again, and the other may not ask them again meanwhile.
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["requester", "cart"], name="one_contact_request_per_cart"
            )
        ]
        verbose_name = _("contact request")
        verbose_name_plural = _("contact requests")

    def __str__(self):
        return f"{self.public_id} ({self.state})"


class ContactMessage(_Message):
    """A message between the two sides of an accepted contact request."""

    public_id = PublicIdField(prefix="cmsg")
    contact = models.ForeignKey(
        ContactRequest, on_delete=models.CASCADE, related_name="messages"
    )

    class Meta(_Message.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "author", "client_key"],
                condition=~models.Q(client_key=""),
                name="pooling_contact_message_client_key_once",
            )
        ]
        verbose_name = _("contact message")
        verbose_name_plural = _("contact messages")


class PoolInvitation(models.Model):
    """A shopper invited to pool at a shop they use, chosen from their shopping
    history for a request that found nobody yet; once per promotion and branch."""

    public_id = PublicIdField(prefix="pinv")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    request = models.ForeignKey(
        PoolRequest, on_delete=models.CASCADE, related_name="invitations"
    )
    promotion = models.ForeignKey(Promotion, on_delete=models.CASCADE, related_name="+")
    branch = models.ForeignKey(
        "catalog.Branch", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "promotion", "branch"],
                name="one_pool_invitation_per_promotion_and_branch",
            )
        ]
        verbose_name = _("pool invitation")
        verbose_name_plural = _("pool invitations")

    def __str__(self):
        return self.public_id
