"""Invitations to join a merchant's staff."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog.models.merchants import Branch, Merchant
from groupbuy.core.ids import PublicIdField


class StaffInvitation(models.Model):
    """An owner's invitation to a phone number to join the merchant's staff. Its
    ``invitee`` is the account holding the number (at once, or once someone
    verifies it: ``accounts.signals.phone_verified``), who accepts it (it becomes
    a membership) or declines it (it is deleted) before ``expires_at``."""

    # The roles it offers are a membership's, which it becomes.
    Role = MerchantMembership.Role

    public_id = PublicIdField(prefix="sinv")
    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="staff_invitations"
    )
    # Privacy: the number itself is not kept. Its keyed hash
    # (notify.addresses.contact_hash) finds the invitation when someone verifies
    # the number; the masked form (+86138****1234) is what owners see.
    phone_hash = models.CharField(max_length=64, db_index=True)
    phone_masked = models.CharField(_("phone number"), max_length=20)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    branch = models.ForeignKey(
        Branch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    invitee = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="staff_invitations",
        verbose_name=_("invited person"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff invitation")
        verbose_name_plural = _("staff invitations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "phone_hash"],
                condition=models.Q(accepted_at__isnull=True),
                name="one_open_staff_invitation_per_phone",
            )
        ]

    def __str__(self):
        return f"{self.get_role_display()} invitation to {self.merchant}"

    @property
    def branch_has_closed(self) -> bool:
        """Whether the branch it offers has closed: nobody accepts it then (the
        shop may open the branch again, or invite them to another)."""
        return self.branch is not None and not self.branch.is_active
