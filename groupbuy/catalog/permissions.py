"""Who may change what in the catalog.

Operators may do anything. A merchant's owners manage the merchant, its branches
and the products it added while no other merchant sells them; any of its staff
(owner or cashier) manage its listings. The shared platform catalog (products no
merchant added) is for operators only, so one shop cannot rename another shop's
goods.

The shop's money is its owners' (least privilege): its balance and ledger, its
sales figures and settlement statements, its payouts and their schedule, and
the export of its orders with the shoppers' details. A cashier keeps what the
till needs (orders, redeeming coupons, shelf prices); the readers of those call
``require_merchant_money_reader``.
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


def is_listed_by_other_merchants(product) -> bool:
    """Say whether a merchant other than the one that added ``product`` sells it."""
    from groupbuy.catalog.models import Listing

    return (
        Listing.objects.filter(product=product, is_active=True)
        .exclude(merchant_id=product.added_by_merchant_id)
        .exists()
    )


def product_edit_refusal(user, product) -> CatalogError | None:
    """Return why ``user`` may not change ``product``, or None if they may.

    Once another merchant sells a product, what it is belongs to everyone who
    sells it: only operators may change it then.
    """
    if is_operator(user):
        return None
    merchant = product.added_by_merchant
    if merchant is None or not is_merchant_owner(user, merchant):
        return forbidden(
            _(
                "Only operators, or the owners of the merchant that added it, "
                "may change “%(product)s”."
            )
            % {"product": product.name}
        )
    if is_listed_by_other_merchants(product):
        return CatalogError(
            "shared_product",
            _(
                "Other merchants also sell “%(product)s”, so only operators may "
                "change it now. Please ask an operator."
            )
            % {"product": product.name},
            status=403,
        )
    return None


def can_edit_product(user, product) -> bool:
    return product_edit_refusal(user, product) is None


def forbidden(message: str) -> CatalogError:
    return CatalogError("forbidden", message, status=403)


def require_operator(user) -> None:
    if not is_operator(user):
        raise forbidden(_("Only operators may do this."))


def require_merchant_owner(user, merchant) -> None:
    if not is_merchant_owner(user, merchant):
        raise forbidden(
            _("Only the owners of %(merchant)s may do this.")
            % {"merchant": merchant.display_name}
        )


def is_merchant_money_reader(user, merchant) -> bool:
    """Say whether ``user`` may read ``merchant``'s money: its owners and
    operators, not its cashiers."""
    return is_merchant_owner(user, merchant)


def require_merchant_money_reader(user, merchant) -> None:
    """Refuse a cashier (and anyone else) the merchant's money with the owners'
    403, the same error as every owners-only action."""
    require_merchant_owner(user, merchant)


def staff_branch_limit(user, merchant):
    """Return the one branch of ``merchant`` that ``user`` is limited to: a
    cashier's membership with a branch. None when they work at every branch
    (owners, whatever branch their membership names; operators; cashiers of
    every branch) or are not its staff."""
    if is_operator(user):
        return None
    return _branch_limit(_membership(user, merchant))


def require_merchant_staff_branch(user, merchant):
    """Refuse anyone but ``merchant``'s staff (``require_merchant_staff``);
    return the branch they are limited to (``staff_branch_limit``), from one
    read of their membership."""
    if is_operator(user):
        return None
    membership = _membership(user, merchant)
    if membership is None:
        raise _not_staff(merchant)
    return _branch_limit(membership)


def _branch_limit(membership: MerchantMembership | None):
    if membership is None or membership.role != MerchantMembership.Role.CASHIER:
        return None
    return membership.branch


def require_merchant_staff(user, merchant) -> None:
    if not is_merchant_staff(user, merchant):
        raise _not_staff(merchant)


def _not_staff(merchant) -> CatalogError:
    return forbidden(
        _("Only the staff of %(merchant)s may do this.")
        % {"merchant": merchant.display_name}
    )


def require_product_editor(user, product) -> None:
    refusal = product_edit_refusal(user, product)
    if refusal is not None:
        raise refusal
