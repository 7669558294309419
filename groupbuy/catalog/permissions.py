"""Who may change what in the catalog.

Operators may do anything. A merchant's owners manage the merchant, its branches
and the products it added; any of its staff (owner or cashier) manage its
listings. The shared platform catalog (products no merchant added) is for
operators only, so one shop cannot rename another shop's goods.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from groupbuy.accounts.models import MerchantMembership
from groupbuy.accounts.selectors import user_membership_for
from groupbuy.catalog.errors import CatalogError


def is_operator(user) -> bool:
    return bool(
        user is not None and user.is_authenticated and getattr(user, "is_staff", False)
    )


def _membership(user, merchant) -> MerchantMembership | None:
    if user is None or not user.is_authenticated or merchant is None:
        return None
    return user_membership_for(user=user, merchant_id=merchant.pk)


def is_merchant_staff(user, merchant) -> bool:
    return is_operator(user) or _membership(user, merchant) is not None


def is_merchant_owner(user, merchant) -> bool:
    if is_operator(user):
        return True
    membership = _membership(user, merchant)
    return membership is not None and membership.role == MerchantMembership.Role.OWNER


def can_edit_product(user, product) -> bool:
    if is_operator(user):
        return True
    merchant = product.added_by_merchant
    return merchant is not None and is_merchant_owner(user, merchant)


def forbidden(message: str) -> CatalogError:
    return CatalogError("forbidden", message, status=403)


def require_operator(user) -> None:
    if not is_operator(user):
        raise forbidden(_("Only operators may do this."))


def require_merchant_owner(user, merchant) -> None:
    if not is_merchant_owner(user, merchant):
        raise forbidden(
            _("Only the owners of %(merchant)s may do this.")
            % {"merchant": merchant.name}
        )


def require_merchant_staff(user, merchant) -> None:
    if not is_merchant_staff(user, merchant):
        raise forbidden(
            _("Only the staff of %(merchant)s may do this.")
            % {"merchant": merchant.name}
        )


def require_product_editor(user, product) -> None:
    if not can_edit_product(user, product):
        raise forbidden(
            _(
                "Only operators, or the owners of the merchant that added it, "
                "may change “%(product)s”."
            )
            % {"product": product.name}
        )
