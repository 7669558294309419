from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from groupbuy.catalog.models import Branch, Merchant, Product
from groupbuy.core.audit import audit_log
from groupbuy.pooling import savings
from groupbuy.pooling.errors import PoolingError
from groupbuy.pooling.models import Promotion
from groupbuy.pooling.selectors.publishing import publish_scope


def require_promotion_publisher(*, actor, merchant: Merchant, branch: Branch | None):
    """Owners publish for the merchant or any branch; a cashier tied to a branch
    publishes for that branch only (``publish_scope``). ``actor=None`` is the
    platform itself (demo data, seeding), as in the other apps' services."""
    if actor is None or publish_scope(user=actor, merchant=merchant).allows(branch):
        return
    raise PoolingError(
        "forbidden",
        _(
            "Only the merchant's owners, or a cashier for their own branch, may "
            "publish its promotions."
        ),
        status=403,
    )


def promotion_publish(
    *,
    actor,
    merchant: Merchant,
    branch: Branch | None,
    title: str,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    tiers: list[tuple[int, int]] = (),
    buy_n: int = 0,
    pay_m: int = 0,
    second_item_percent: int = 100,
    product_ids: list[str] = (),
) -> Promotion:
    """Publish a promotion at a branch (or all of the merchant's branches)."""
    if branch is not None and branch.merchant_id != merchant.pk:
        raise PoolingError(
            "not_found", _("No such branch."), status=404, fields={"branch": ["?"]}
        )
    require_promotion_publisher(actor=actor, merchant=merchant, branch=branch)
    rules = savings.Rules(
        kind=kind,
        tiers=tuple((int(t), int(o)) for t, o in tiers),
        buy_n=buy_n,
        pay_m=pay_m,
        second_item_percent=second_item_percent,
    )
    problems = savings.rules_problems(rules)
    if ends_at <= starts_at:
        problems.append("the promotion must end after it starts")
    if problems:
        raise PoolingError(
            "invalid_promotion",
            _("This promotion cannot be published: %(problems)s.")
            % {"problems": "; ".join(dict.fromkeys(problems))},
            status=422,
            fields={"tiers" if kind == savings.THRESHOLD else "kind": problems},
        )
    products = list(Product.objects.filter(public_id__in=list(product_ids)))
    if len(products) != len(set(product_ids)):
        raise PoolingError(
            "invalid_promotion",
            _("Some of the products do not exist."),
            status=422,
            fields={"product_ids": ["unknown"]},
        )
    with transaction.atomic():
        promotion = Promotion.objects.create(
            merchant=merchant,
            branch=branch,
            title=title,
            kind=kind,
            tiers=[list(tier) for tier in rules.tiers],
            buy_n=buy_n,
            pay_m=pay_m,
            second_item_percent=second_item_percent,
            starts_at=starts_at,
            ends_at=ends_at,
            created_by=actor,
        )
        promotion.products.set(products)
        audit_log(
            actor=actor,
            action="pooling.promotion.published",
            obj=promotion,
            data={"kind": kind, "tiers": promotion.tiers, "title": title},
        )
    return promotion
