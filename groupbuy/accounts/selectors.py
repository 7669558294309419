from __future__ import annotations

from groupbuy.accounts.models import ApiToken, MerchantMembership, User
from groupbuy.core.request_memo import remembered


def user_memberships(*, user: User) -> list[MerchantMembership]:
    if not user.is_authenticated:
        return []
    return list(
        MerchantMembership.objects.filter(user=user, merchant__is_active=True)
        .select_related("merchant", "branch")
        .order_by("merchant__name")
    )


def user_membership_for(*, user: User, merchant_id: int) -> MerchantMembership | None:
    """``user``'s membership of the merchant, if any (remembered for the rest
    of the request: a merchant page asks several times)."""
    if not user.is_authenticated:
        return None
    return remembered(
        ("membership", user.pk, merchant_id),
        lambda: (
            MerchantMembership.objects.filter(user=user, merchant_id=merchant_id)
            .select_related("merchant", "branch")
            .first()
        ),
    )


def user_is_merchant_staff(*, user: User) -> bool:
    return user.is_authenticated and user.memberships.exists()


def api_tokens_for_user(*, user: User) -> list[ApiToken]:
    """Return ``user``'s tokens, newest first, revoked and expired ones included."""
    if not user.is_authenticated:
        return []
    return list(ApiToken.objects.filter(user=user).order_by("-created_at", "-pk"))
