"""Reads of the coupons app; getters check who may see what."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, F, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.catalog.models import Merchant
from groupbuy.catalog.permissions import (
    is_merchant_staff,
    is_operator,
    require_merchant_staff,
    require_operator,
    staff_branch_limit,
)
from groupbuy.catalog.selectors import merchant_get_for_owner, merchant_get_for_staff
from groupbuy.core.pagination import PageResult, paginate
from groupbuy.coupons.errors import CouponError
from groupbuy.coupons.models import (
    Coupon,
    CouponRefund,
    ExpiryRule,
    PlatformKey,
    Redemption,
    RedemptionBatch,
    RedemptionConflict,
    Revocation,
)
from groupbuy.coupons.services.expiry import (
    deals_promised_to_buyers,
    expiry_rules_for,
)
from groupbuy.coupons.services.keys import (
    merchant_key_active,
    platform_keys_number,
    platform_keys_valid,
)
from groupbuy.coupons.services.refunding import refundable_unused_by_deal

__all__ = ["merchant_get_for_owner", "merchant_get_for_staff"]
REVOCATIONS_PER_SYNC = 1000


def coupon_list_for_shopper(*, user) -> QuerySet[Coupon]:
    return (
        Coupon.objects.filter(shopper=user)
        .select_related("merchant", "order__deal__product")
        .prefetch_related("refunds")
    )


def coupons_shown_as(coupons: QuerySet[Coupon], *, status: str, now=None):
    """Return those of ``coupons`` whose status as shown at ``now`` (now by
    default; ``Coupon.status_at``) is ``status``, in the query: a valid coupon
    past its expiry is expired before the sweep stores it so."""
    now = now or timezone.now()
    past_expiry = Q(status=Coupon.Status.VALID, expires_at__lt=now)
    if status == Coupon.Status.EXPIRED:
        return coupons.filter(Q(status=Coupon.Status.EXPIRED) | past_expiry)
    if status == Coupon.Status.VALID:
        return coupons.filter(status=Coupon.Status.VALID).exclude(past_expiry)
    return coupons.filter(status=status)


def coupon_get_for_shopper(*, user, coupon_id: str) -> Coupon:
    """Return the shopper's own coupon (operators may look too); else 404."""
    coupon = (
        Coupon.objects.select_related("merchant", "order__deal__product")
        .prefetch_related("refunds")  # its page and answer read them thrice
        .filter(public_id=coupon_id)
        .first()
    )
    if coupon is None or not (coupon.shopper_id == user.pk or is_operator(user)):
        raise CouponError("not_found", _("No such coupon."), status=404)
    return coupon


def coupon_get_for_merchant_owner(*, user, merchant: Merchant, coupon_id: str):
    """Return ``merchant``'s coupon for its owners (403 for anyone else;
    404 for a coupon of another merchant, or none)."""
    merchant_get_for_owner(user=user, public_id=merchant.public_id)
    coupon = (
        Coupon.objects.select_related("merchant", "order__deal", "shopper")
        .filter(merchant=merchant, public_id=coupon_id)
        .first()
    )
    if coupon is None:
        raise CouponError("not_found", _("No such coupon."), status=404)
    return coupon


def refundable_coupons_by_order(*, orders) -> dict[int, Coupon]:
    """Return, by order pk, the coupons of ``orders`` with units left to refund
    (valid, not past expiry), each with ``refundable_fen``: one query."""
    from django.db.models import F

    coupons = Coupon.objects.filter(
        order__in=orders,
        status=Coupon.Status.VALID,
        expires_at__gt=timezone.now(),
        redeemed_quantity__lt=F("quantity") - F("refunded_quantity"),
    )
    for coupon in coupons:
        coupon.refundable_fen = coupon.remaining_quantity * coupon.unit_price_fen
    return {coupon.order_id: coupon for coupon in coupons}


def coupon_redemptions(*, coupon: Coupon) -> list[Redemption]:
    """When, where and how many units of ``coupon`` were redeemed, oldest first
    (for its shopper: the coupon is got through ``coupon_get_for_shopper``)."""
    redemptions = coupon.redemptions.select_related("branch")
    return list(redemptions.order_by("redeemed_at", "id"))


def coupon_units_held(*, user, coupon: Coupon) -> list[RedemptionConflict]:
    """Return the claims holding units of ``coupon`` (handed over by a station
    at a branch that had closed: taken off the coupon, not redeemed, waiting
    for the shop's review), oldest first, for its shopper and the shop's
    staff; none for anyone else."""
    if coupon.shopper_id != user.pk and not is_merchant_staff(user, coupon.merchant):
        return []
    held = RedemptionConflict.objects.filter(coupon=coupon, holds_units=True)
    return list(held.select_related("branch", "merchant").order_by("redeemed_at", "id"))


def merchant_redemptions(*, merchant: Merchant) -> QuerySet[Redemption]:
    # The deal: the till says what each redeemed coupon was for.
    return Redemption.objects.filter(coupon__merchant=merchant).select_related(
        "coupon__order__deal", "branch", "cashier"
    )


def redemptions_for_staff(*, user, merchant: Merchant) -> QuerySet[Redemption]:
    """Return the redemptions ``user`` sees among ``merchant``'s: a cashier
    limited to one branch those made there, everyone else's staff all."""
    require_merchant_staff(user, merchant)
    redemptions = merchant_redemptions(merchant=merchant)
    if (branch := staff_branch_limit(user, merchant)) is not None:
        redemptions = redemptions.filter(branch=branch)
    return redemptions


def conflicts_for_staff(*, user, merchant: Merchant) -> QuerySet[RedemptionConflict]:
    """Return the offline conflicts ``user`` sees among ``merchant``'s (as
    ``redemptions_for_staff``)."""
    require_merchant_staff(user, merchant)
    conflicts = merchant_conflicts(merchant=merchant)
    if (branch := staff_branch_limit(user, merchant)) is not None:
        conflicts = conflicts.filter(branch=branch)
    return conflicts


def redemption_get_for_staff(
    *, user, merchant: Merchant, redemption_id: str
) -> Redemption:
    """Return one of ``merchant``'s redemptions for its staff (403 for others;
    404 for a redemption of another merchant or none)."""
    redemption = (
        redemptions_for_staff(user=user, merchant=merchant)
        .filter(public_id=redemption_id)
        .first()
    )
    if redemption is None:
        raise CouponError("not_found", _("No such redemption."), status=404)
    return redemption


def merchant_conflicts(*, merchant: Merchant) -> QuerySet[RedemptionConflict]:
    # The deal and the branch: the conflicts' page says what and where.
    return RedemptionConflict.objects.filter(merchant=merchant).select_related(
        "coupon__order__deal", "batch", "branch"
    )


def conflicts_for_operator(
    *, user, merchant_id: str = ""
) -> QuerySet[RedemptionConflict]:
    """Return every shop's offline conflicts, newest first, for operators (403
    for anyone else); with ``merchant_id``, that shop's (an unknown one is
    refused ``invalid`` on ``merchant_id``)."""
    require_operator(user)
    conflicts = RedemptionConflict.objects.select_related(
        "coupon__order__deal", "batch", "branch", "merchant"
    )
    if not merchant_id:
        return conflicts
    merchant = Merchant.objects.filter(public_id=merchant_id).first()
    if merchant is None:
        why = _("No such shop.")
        raise CouponError("invalid", why, fields={"merchant_id": [why]})
    return conflicts.filter(merchant=merchant)


def merchants_with_conflicts(*, user) -> QuerySet[Merchant]:
    """Return the shops with an offline conflict, by name: the operators' page
    filters by one of them."""
    require_operator(user)
    having = RedemptionConflict.objects.values("merchant")
    return Merchant.objects.filter(pk__in=having).order_by("name", "pk")


def conflicts_with_counted_redemptions(conflicts) -> list[RedemptionConflict]:
    """Give each of ``conflicts`` (a page of them) ``counted_redemption``: its
    coupon's latest redemption that counts (the one that took its last units
    as the station's times order them), None when none does; one query."""
    conflicts = list(conflicts)
    latest: dict[int, Redemption] = {}
    redemptions = Redemption.objects.filter(
        coupon_id__in={conflict.coupon_id for conflict in conflicts}
    ).select_related("branch")
    for redemption in redemptions.order_by("coupon_id", "redeemed_at", "id"):
        latest[redemption.coupon_id] = redemption
    for conflict in conflicts:
        conflict.counted_redemption = latest.get(conflict.coupon_id)
    return conflicts


def merchant_batches(*, merchant: Merchant) -> QuerySet[RedemptionBatch]:
    return RedemptionBatch.objects.filter(merchant=merchant)


def batches_for_staff(*, user, merchant: Merchant) -> QuerySet[RedemptionBatch]:
    """Return the uploaded batches ``user`` sees among ``merchant``'s: a cashier
    limited to one branch those with a redemption or conflict there and those
    they uploaded themselves, everyone else's staff all."""
    require_merchant_staff(user, merchant)
    batches = merchant_batches(merchant=merchant).select_related("uploaded_by")
    if (branch := staff_branch_limit(user, merchant)) is None:
        return batches
    at_branch = (
        Q(pk__in=Redemption.objects.filter(branch=branch).values("batch"))
        | Q(pk__in=RedemptionConflict.objects.filter(branch=branch).values("batch"))
        | Q(uploaded_by=user)
    )
    return batches.filter(at_branch)


def batch_get_for_staff(*, user, merchant: Merchant, batch_id: str) -> RedemptionBatch:
    """Return one of the batches ``user`` sees (``batches_for_staff``); 404 for
    another merchant's, another branch's, or none."""
    batch = (
        batches_for_staff(user=user, merchant=merchant)
        .filter(public_id=batch_id)
        .first()
    )
    if batch is None:
        raise CouponError("not_found", _("No such batch."), status=404)
    return batch


@dataclass
class BatchLines:
    redemptions: list[Redemption]
    conflicts: list[RedemptionConflict]
    # Lines the batch refused but kept for people to settle (key_replaced).
    refused: list[RedemptionConflict]


def batch_lines_for_staff(*, user, batch: RedemptionBatch) -> BatchLines:
    """Return ``batch``'s redemptions, conflicts and refused lines kept for
    people to settle that ``user`` sees (as ``redemptions_for_staff``), in the
    station's order of time."""
    merchant = batch.merchant
    kept = (
        conflicts_for_staff(user=user, merchant=merchant)
        .filter(batch=batch)
        .order_by("redeemed_at", "id")
    )
    return BatchLines(
        redemptions=list(
            redemptions_for_staff(user=user, merchant=merchant)
            .filter(batch=batch)
            .order_by("redeemed_at", "id")
        ),
        conflicts=[line for line in kept if not _is_refused(line)],
        refused=[line for line in kept if _is_refused(line)],
    )


def _is_refused(line: RedemptionConflict) -> bool:
    return line.reason in RedemptionConflict.REFUSED_REASONS


def merchant_deals_with_expiry_rules(
    *, merchant: Merchant, page, page_size: int | None = None
) -> PageResult:
    """One page of the merchant's deals, latest deadline first, each with its
    rule for coupons that expire unredeemed and that rule's label."""
    deals = paginate(
        merchant.deals.order_by("-deadline_at", "-pk"), page=page, page_size=page_size
    )
    rules = expiry_rules_for(deals.items)
    labels = dict(ExpiryRule.choices)
    refundable = refundable_unused_by_deal(deals.items)
    promised = deals_promised_to_buyers(deals.items)
    for deal in deals.items:
        deal.coupon_expiry_rule = rules[deal.pk]
        deal.coupon_expiry_rule_label = labels[deal.coupon_expiry_rule]
        deal.coupon_unused_refundable = refundable[deal.pk]
        # Buyers paid under the promise: it can no longer be withdrawn.
        deal.coupon_refund_promised = refundable[deal.pk] and deal.pk in promised
    return deals


def station_sync(
    *, merchant: Merchant, revocations_after: int = 0, unit_refunds_after: int = 0
) -> dict:
    """What a station needs offline: valid platform keys, new revocations, the
    units refunded of coupons still valid (new refunds after the cursor, each
    with its coupon's units refunded so far: a station takes no more than a
    coupon has left), the shop's active key (a station whose key is no longer
    it stops redeeming) and every branch, closed ones with ``is_active`` false
    (a station at one stops redeeming)."""
    from groupbuy.coupons.services.keys import platform_id

    revocations = list(
        Revocation.objects.filter(merchant=merchant, id__gt=revocations_after)
        .order_by("id")
        .values("id", "serial", "reason")[:REVOCATIONS_PER_SYNC]
    )
    unit_refunds = list(
        CouponRefund.objects.filter(
            coupon__merchant=merchant, id__gt=unit_refunds_after
        )
        .order_by("id")
        .values("id", serial=F("coupon__serial"), units=F("coupon__refunded_quantity"))[
            :REVOCATIONS_PER_SYNC
        ]
    )
    key = merchant_key_active(merchant=merchant)
    branches = merchant.branches.order_by("pk").select_related("coupon_settings")
    return {
        "merchant_id": merchant.public_id,
        # The site's display zone: the station writes a coupon's expiry day in it.
        "time_zone": timezone.get_default_timezone_name(),
        "platform_keys": [
            {
                "platform_id": platform_id(),
                "key_id": platform_key.key_id,
                "public_key": bytes(platform_key.public_key),
                "valid_until": platform_key.verifies_until,
            }
            for platform_key in platform_keys_valid()
        ],
        "revocations": revocations,
        "revocations_cursor": revocations[-1]["id"]
        if revocations
        else revocations_after,
        "unit_refunds": unit_refunds,
        "unit_refunds_cursor": unit_refunds[-1]["id"]
        if unit_refunds
        else unit_refunds_after,
        "has_more": REVOCATIONS_PER_SYNC in (len(revocations), len(unit_refunds)),
        "merchant_key_id": key.public_id if key else None,
        "merchant_public_key": bytes(key.public_key) if key else None,
        "branches": [
            {
                "branch_id": branch.public_id,
                "name": branch.name,
                "is_active": branch.is_active,
                "offline_enabled": bool(
                    getattr(branch, "coupon_settings", None)
                    and branch.coupon_settings.offline_enabled
                ),
            }
            for branch in branches
        ],
    }


def _platform_keys_with_counts(now=None) -> QuerySet[PlatformKey]:
    """The keys, each with ``unredeemed_coupons``: how many coupons it signed
    that are still to be used and that it verifies (none once revoked). A key
    the release before made without a number is given one first, so that the
    page can name it (Revoke, the rotation's ``current_key_id``)."""
    platform_keys_number()
    unredeemed = (
        Coupon.objects.filter(
            platform_key=OuterRef("pk"),
            status=Coupon.Status.VALID,
            expires_at__gt=now or timezone.now(),
        )
        .order_by()
        .values("platform_key")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return PlatformKey.objects.annotate(
        unredeemed_coupons=Case(
            When(state=PlatformKey.State.REVOKED, then=0),
            default=Coalesce(Subquery(unredeemed), 0),
        )
    ).order_by("-key_id")


def platform_keys_for_operator(*, user, page=1, page_size=None) -> PageResult:
    """Return a page of the platform's signing keys, newest first, each with
    ``unredeemed_coupons`` (operators only, else 403)."""
    require_operator(user)
    return paginate(_platform_keys_with_counts(), page=page, page_size=page_size)


def platform_key_get_for_operator(*, user, key_id: str) -> PlatformKey:
    """Return a signing key by its opaque number, with ``unredeemed_coupons``
    (operators only, else 403; 404 if there is none)."""
    require_operator(user)
    key = _platform_keys_with_counts().filter(public_id=key_id).first()
    if key is None:
        raise CouponError("not_found", _("No such key."), status=404)
    return key


def platform_key_active_for_operator(*, user) -> PlatformKey | None:
    """Return the key signing new coupons, with ``unredeemed_coupons`` (None
    before the first coupon made one; operators only, else 403)."""
    require_operator(user)
    return _platform_keys_with_counts().filter(state=PlatformKey.State.ACTIVE).first()


def coupon_get_for_operator(*, user, coupon_id: str) -> Coupon:
    """Return a coupon with its order (operators only, else 403; 404 if there
    is none)."""
    require_operator(user)
    coupon = (
        Coupon.objects.select_related("order", "merchant")
        .filter(public_id=coupon_id)
        .first()
    )
    if coupon is None:
        raise CouponError("not_found", _("No such coupon."), status=404)
    return coupon
