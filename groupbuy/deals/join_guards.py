"""Who may join a deal, beyond stock and dates: checked first by ``deal_join``.

Kept apart from the join transaction so the rules read in one place:
- a merchant's own staff may not join its deals (they would inflate the
  buyer count that unlocks a cheaper tier for everyone);
- a product an operator or its merchant switched off takes no new joins,
  even while a deal for it is still open;
- neither does a merchant an operator switched off (a misbehaving shop): the
  orders already made stay, for the operator to settle or refund.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from groupbuy.accounts.models import MerchantMembership
from groupbuy.accounts.selectors import user_membership_for
from groupbuy.core.errors import Conflict, Forbidden
from groupbuy.deals.join_hooks import join_annotations, run_join_guards


def join_guard_annotations(*, user_id: int | None) -> dict:
    """Annotations that answer the guards below (and other apps') in the query
    loading the deal (``join_reads.deal_get_for_join``), for the user ``user_id``
    (None: not signed in)."""
    annotations = join_annotations()
    if user_id is not None:
        annotations["joiner_is_staff"] = Exists(
            MerchantMembership.objects.filter(
                user_id=user_id, merchant_id=OuterRef("merchant_id")
            )
        )
    return annotations


def _is_staff(*, actor, deal) -> bool:
    if getattr(deal, "join_guards_for", None) == actor.pk and hasattr(
        deal, "joiner_is_staff"
    ):
        return deal.joiner_is_staff
    return user_membership_for(user=actor, merchant_id=deal.merchant_id) is not None


def check_join_allowed(*, actor, deal) -> None:
    """Raise a DealError-style refusal when ``actor`` may not join ``deal``
    (the rules below, then those other apps register in ``join_hooks``)."""
    check_shopper_may_buy(actor=actor, deal=deal)
    run_join_guards(actor=actor, deal=deal)


def check_shopper_may_buy(*, actor, deal) -> None:
    """The rules above, for apps that sell a deal their own way (teams)."""
    if _is_staff(actor=actor, deal=deal):
        raise Forbidden(
            "own_merchant",
            _(
                "You work for %(merchant)s, so you cannot join its group buys. "
                "Please ask someone else to join."
            )
            % {"merchant": deal.merchant.display_name},
        )
    if (refusal := sale_refusal(deal)) is not None:
        raise refusal


def sale_refusal(deal) -> Conflict | None:
    """Return why nobody may join ``deal`` while its merchant or its product is
    switched off (the deal page says it instead of offering the form)."""
    return merchant_refusal(deal) or product_refusal(deal)


def merchant_refusal(deal) -> Conflict | None:
    """Return why nobody may join ``deal`` while an operator has its merchant
    switched off."""
    if deal.merchant.is_active:
        return None
    return Conflict(
        "merchant_inactive",
        _(
            "%(merchant)s has been switched off by the platform, so this "
            "group buy takes no new joins."
        )
        % {"merchant": deal.merchant.display_name},
    )


def product_refusal(deal) -> Conflict | None:
    """Return why nobody may join ``deal`` while its product is switched off."""
    if deal.product.is_active:
        return None
    return Conflict(
        "product_inactive",
        _("“%(product)s” is no longer sold, so this group buy takes no new joins.")
        % {"product": deal.product.name},
    )
