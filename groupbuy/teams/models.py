"""Team buys (开团 / 参团): small teams that fill at the team price.

A deal in team mode has one ``TeamDeal`` (its team settings and the stock every
team shares). A shopper opens a ``Team``; friends or strangers join it; each
member holds one ``DealOrder`` of the deal (so coupons and order pages work as
for any order) paid through a ``teams.member`` payment intent. A team whose
members have all paid is complete: every member's order is confirmed at once.
A team still short when its window ends expires: every member is refunded.
A team every member left (none paying or paid) closes.

Counters move only in conditional UPDATEs: ``TeamDeal.sold`` (never above
``stock``) and ``Team.member_count`` (never above ``size``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from groupbuy.core.ids import PublicIdField


class TeamDeal(models.Model):
    deal = models.OneToOneField(
        "deals.Deal", on_delete=models.PROTECT, related_name="team_settings"
    )
    team_size = models.PositiveSmallIntegerField(_("team size"))
    window_hours = models.PositiveSmallIntegerField(_("team window (hours)"))
    team_price_fen = models.PositiveIntegerField(_("team price (fen)"))
    solo_price_fen = models.PositiveIntegerField(_("solo price (fen)"))
    limit_per_shopper = models.PositiveSmallIntegerField(
        _("teams per shopper"), default=1
    )
    stock = models.PositiveIntegerField(_("stock shared by all teams"))
    sold = models.PositiveIntegerField(_("units reserved"), default=0)
    # Sales end: no team opens or takes a member after this; the deal row's own
    # deadline is later (a grace period) so every team is decided first.
    ends_at = models.DateTimeField(_("team buying ends"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(sold__lte=F("stock")), name="teams_never_oversold"
            ),
            models.CheckConstraint(
                condition=Q(team_size__gte=2) & Q(team_size__lte=10),
                name="teams_size_2_to_10",
            ),
            models.CheckConstraint(
                condition=Q(team_price_fen__lte=F("solo_price_fen"))
                & Q(team_price_fen__gte=1),
                name="teams_team_price_at_most_solo",
            ),
        ]
        verbose_name = _("team buy settings")
        verbose_name_plural = _("team buy settings")

    def __str__(self):
        return f"team mode of {self.deal_id}"

    @property
    def units_left(self) -> int:
        return max(0, self.stock - self.sold)


class Team(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        COMPLETE = "complete", _("Complete")
        # Its time ran out before it filled: in Chinese 拼团失败, not the
        # 已过期 of a coupon or a request ("Expired" in English for all).
        EXPIRED = "expired", pgettext_lazy("team state", "Expired")
        # The deal was stopped or closed before the team filled: refunded.
        STOPPED = "stopped", _("Stopped")
        # Every member left before it filled (the opener's payment ran out, say):
        # nobody holds a place, so nobody is left to join or to refund.
        CLOSED = "closed", _("Closed")

    public_id = PublicIdField(prefix="team")
    team_deal = models.ForeignKey(
        TeamDeal, on_delete=models.PROTECT, related_name="teams"
    )
    opener = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    size = models.PositiveSmallIntegerField(_("size"))
    price_fen = models.PositiveIntegerField(_("price per member (fen)"))
    # Members holding a slot (awaiting payment or paid); the last slot is taken
    # by a conditional UPDATE ``member_count < size``.
    member_count = models.PositiveSmallIntegerField(default=0)
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.OPEN, db_index=True
    )
    opened_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["expires_at", "id"]
        indexes = [models.Index(fields=["team_deal", "state", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(member_count__lte=F("size")), name="teams_never_overfilled"
            )
        ]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self):
        return self.public_id

    @property
    def slots_left(self) -> int:
        # A complete team takes nobody, even once a place of it was refunded
        # afterwards (services.releasing counts it down).
        if self.state == self.State.COMPLETE:
            return 0
        return max(0, self.size - self.member_count)


class TeamMember(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting payment")
        PAID = "paid", _("Paid")
        CONFIRMED = "confirmed", _("Confirmed")
        REFUNDED = "refunded", _("Refunded")
        CANCELLED = "cancelled", _("Cancelled")

    HOLDING = (Status.PENDING, Status.PAID, Status.CONFIRMED)

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="members")
    shopper = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    order = models.OneToOneField(
        "deals.DealOrder", on_delete=models.PROTECT, related_name="team_member"
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    is_opener = models.BooleanField(default=False)
    joined_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["joined_at", "id"]
        constraints = [
            # A member who left (cancelled, refunded) may take a place again;
            # nobody holds two places in one team.
            models.UniqueConstraint(
                fields=["team", "shopper"],
                condition=Q(status__in=["pending", "paid", "confirmed"]),
                name="teams_one_live_membership_per_team",
            )
        ]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")

    def __str__(self):
        return f"{self.shopper_id} in {self.team_id}"
