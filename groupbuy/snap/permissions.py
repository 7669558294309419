"""Who may see and change what in snap.

Anyone may snap. A snap is visible to the person who took it and to operators;
the demand dashboard, the unrecognised queue and labelling are for operators.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from groupbuy.catalog.permissions import is_operator
from groupbuy.snap.errors import SnapError


def forbidden(message: str) -> SnapError:
    return SnapError("forbidden", message, status=403)


def require_operator(user) -> None:
    if not is_operator(user):
        raise forbidden(_("Only operators may do this."))


def can_see_snap(user, snap) -> bool:
    if is_operator(user):
        return True
    return bool(
        user is not None
        and user.is_authenticated
        and snap.user_id is not None
        and snap.user_id == user.pk
    )


def may_say_none(user, snap) -> bool:
    """Whether ``user`` may say the snap shows none of its suggestions (nor the
    product it was named as): its taker or an operator, until it is labelled."""
    from groupbuy.snap.models import Snap

    return snap.status != Snap.Status.LABELLED and can_see_snap(user, snap)


def require_snap_owner_or_operator(user, snap) -> None:
    if not can_see_snap(user, snap):
        raise forbidden(_("Only the person who took this photo may change it."))


def may_view_snap_photo(user, name: str) -> bool:
    """Say whether ``user`` may see the stored snap photo ``name`` (private media)."""
    from groupbuy.snap.models import Snap

    snap = Snap.objects.filter(photo=name).only("id", "user_id").first()
    return snap is not None and can_see_snap(user, snap)
