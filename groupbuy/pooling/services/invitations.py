"""Inviting shoppers who use a shop when someone there asks to pool (the
patent's 终端选取: choosing whom to ask from registration data, shopping
history, the promotion and pooling preferences).

Only shoppers who agreed ("invite me to pools at shops I use") are chosen, each
at most once per promotion and branch, at most ``INVITES_PER_REQUEST`` per
request. The invitation names the shop and the promotion, never who asked.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from groupbuy.core.audit import audit_log
from groupbuy.core.i18n import interpolate_lazy
from groupbuy.notify.services import notification_enqueue
from groupbuy.pooling.models import PoolInvitation, PoolRequest
from groupbuy.pooling.selectors.invitations import invitation_candidates

INVITES_PER_REQUEST = 5


def pool_invitations_send(*, request: PoolRequest, now=None) -> list[PoolInvitation]:
    """Invite up to ``INVITES_PER_REQUEST`` regulars of the shop to a request
    still looking for a pool (after its matching run found nobody)."""
    now = now or timezone.now()
    request.refresh_from_db()
    if request.state != PoolRequest.State.OPEN or request.deadline_at <= now:
        return []
    room = INVITES_PER_REQUEST - request.invitations.count()
    if room <= 0:
        return []
    sent = []
    for user in invitation_candidates(request=request, now=now, limit=room):
        try:
            with transaction.atomic():
                invitation = PoolInvitation.objects.create(
                    user=user,
                    request=request,
                    promotion=request.promotion,
                    branch=request.branch,
                )
                audit_log(
                    actor=None,
                    action="pooling.invitation.sent",
                    obj=request,
                    data={"invitation": invitation.public_id},
                )
                _notify(invitation)
        except IntegrityError:
            continue  # invited by a concurrent run meanwhile
        sent.append(invitation)
    return sent


def _shop_name_lazy(branch):
    """The shop as each reader names it: its English name for one who reads
    English (the inbox keeps a notification in every language)."""
    return lazy(
        lambda: f"{branch.merchant.display_name} · {branch.display_name}", str
    )()


def _notify(invitation: PoolInvitation) -> None:
    request, branch = invitation.request, invitation.branch
    notification_enqueue(
        recipient=invitation.user,
        kind="pooling.invitation",
        title=interpolate_lazy(
            _("A pool is forming at %(shop)s"),
            {"shop": _shop_name_lazy(branch)},
        ),
        body=interpolate_lazy(
            _(
                "%(promotion)s: a shopper there wants to pool before %(time)s. "
                "Report your cart to join."
            ),
            {
                "promotion": invitation.promotion.title,
                "time": timezone.localtime(request.deadline_at).strftime("%H:%M"),
            },
        ),
        url=reverse("pooling:branch", args=[branch.public_id]),
        data={"branch_id": branch.public_id},
        idempotency_key=f"pooling.invitation:{invitation.public_id}",
    )
