from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groupbuy.accounts.personal_data import is_erased
from groupbuy.catalog.models import Branch, Merchant, Product
from groupbuy.core.audit import audit_log
from groupbuy.core.echo import echoed
from groupbuy.core.money import format_fen
from groupbuy.core.transactions import after_commit
from groupbuy.pooling import savings
from groupbuy.pooling.errors import PoolingError
from groupbuy.pooling.live import publish_to_pool
from groupbuy.pooling.models import Pool, PoolMember, PoolRequest, Promotion
from groupbuy.pooling.notifications import notify_promotion_ended
from groupbuy.pooling.selectors.publishing import promotion_may_end, publish_scope
from groupbuy.pooling.services.answers import publish_pool_state

MAX_CLIENT_KEY_CHARS = Promotion._meta.get_field("client_key").max_length

# savings.rules_problems' codes, as the merchant reads them.
RULE_PROBLEMS = {
    "unknown_kind": gettext_lazy("the kind of promotion is unknown"),
    "no_tiers": gettext_lazy("a spend-and-save promotion needs at least one tier"),
    "tier_saving_out_of_range": gettext_lazy(
        "each tier must save less than it asks to spend"
    ),
    "too_many_tiers": gettext_lazy("a promotion has at most %(tiers)d tiers"),
    "tier_too_large": gettext_lazy("a tier asks to spend at most %(amount)s"),
    "tiers_not_increasing": gettext_lazy(
        "each tier must ask more and save more than the one before"
    ),
    "n_for_m_out_of_range": gettext_lazy(
        "buy n pay m needs m of at least 1 and less than n"
    ),
    "second_item_percent_out_of_range": gettext_lazy(
        "the second item costs 0 to 99 percent of its price"
    ),
    "ends_before_start": gettext_lazy("the promotion must end after it starts"),
    "ends_in_past": gettext_lazy("the promotion must end in the future"),
    "runs_too_long": gettext_lazy("a promotion runs for at most %(days)d days"),
    "ends_too_far_ahead": gettext_lazy(
        "a promotion ends at most %(days)d days from now"
    ),
}

# The field of the request (and of the merchant's form) each problem is about.
PROBLEM_FIELDS = {
    "unknown_kind": "kind",
    "no_tiers": "tiers",
    "tier_saving_out_of_range": "tiers",
    "too_many_tiers": "tiers",
    "tier_too_large": "tiers",
    "tiers_not_increasing": "tiers",
    # m is what is paid: n alone is never wrong, m is wrong for that n.
    "n_for_m_out_of_range": "pay_m",
    "second_item_percent_out_of_range": "second_item_percent",
    "ends_before_start": "ends_at",
    "ends_in_past": "ends_at",
    "runs_too_long": "ends_at",
    "ends_too_far_ahead": "ends_at",
}


def _rule_problem_said(code: str) -> str:
    said = str(RULE_PROBLEMS[code])
    # Only these carry a placeholder (another's translation has a bare %).
    if code == "too_many_tiers":
        return said % {"tiers": savings.MAX_TIERS}
    if code == "tier_too_large":
        return said % {"amount": format_fen(savings.MAX_FEN)}
    if code in ("runs_too_long", "ends_too_far_ahead"):
        return said % {"days": savings.MAX_PROMOTION_DAYS}
    return said


def _problem_fields(problems: list[str]) -> dict[str, list[str]]:
    """File each problem under the field it is about (until 2026-12-06 a buy n
    pay m or second-item rule's problems were filed under ``kind``)."""
    fields: dict[str, list[str]] = {}
    for code in problems:
        fields.setdefault(PROBLEM_FIELDS[code], []).append(_rule_problem_said(code))
    return fields


def _window_problems(starts_at: datetime, ends_at: datetime, now: datetime):
    if ends_at <= starts_at:
        return ["ends_before_start"]
    # A promotion that is already over would only mislead (its saving quoted,
    # its row listed as published): refuse it rather than store it.
    if ends_at <= now:
        return ["ends_in_past"]
    longest = timedelta(days=savings.MAX_PROMOTION_DAYS)
    if ends_at - starts_at > longest:
        return ["runs_too_long"]
    # A short promotion far ahead blocks closing the shop's last branch as
    # surely as a long one (it is "yet to start" all the while).
    if ends_at - now > longest:
        return ["ends_too_far_ahead"]
    return []


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


def require_promotion_ender(*, actor, promotion: Promotion) -> None:
    """Those who may publish a promotion for its branch may end it
    (``promotion_may_end``); ``actor=None`` is the platform itself."""
    if actor is None or promotion_may_end(user=actor, promotion=promotion):
        return
    raise PoolingError(
        "forbidden",
        _(
            "Only the merchant's owners, or a cashier of the promotion's own "
            "branch, may end this promotion."
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
    client_key: str = "",
    now: datetime | None = None,
) -> Promotion:
    """Publish a promotion at a branch (or all of the merchant's branches).

    Sent again by the same person with the same ``client_key`` (a double click
    on the form, a retried request), the promotion published the first time is
    returned and nothing more is stored, whatever the rest says."""
    if branch is not None and branch.merchant_id != merchant.pk:
        # The merchant's id and the branch's are both sent: the branch is the
        # value refused, not an address that leads nowhere.
        why = _("That branch belongs to another merchant.")
        raise PoolingError("invalid", why, fields={"branch": [why]})
    require_promotion_publisher(actor=actor, merchant=merchant, branch=branch)
    key = (client_key or "").strip()[:MAX_CLIENT_KEY_CHARS] if actor else ""
    if key:
        existing = _published_with_key(merchant=merchant, actor=actor, key=key)
        if existing is not None:
            return existing
    rules = savings.Rules(
        kind=kind,
        tiers=tuple((int(t), int(o)) for t, o in tiers),
        buy_n=buy_n,
        pay_m=pay_m,
        second_item_percent=second_item_percent,
    )
    problems = savings.rules_problems(rules) + _window_problems(
        starts_at, ends_at, now or timezone.now()
    )
    if problems:
        said = [_rule_problem_said(code) for code in problems]
        raise PoolingError(
            "invalid_promotion",
            _("This promotion cannot be published: %(problems)s.")
            % {"problems": _("; ").join(said)},
            status=422,
            fields=_problem_fields(problems),
        )
    products = _products_the_shop_sells(merchant, product_ids)
    try:
        with transaction.atomic():  # a savepoint: a raced resend finds the first
            promotion = _promotion_create(
                actor=actor,
                merchant=merchant,
                branch=branch,
                title=title,
                rules=rules,
                products=products,
                starts_at=starts_at,
                ends_at=ends_at,
                client_key=key,
            )
    except IntegrityError:
        if not key:
            raise
        return _published_with_key(merchant=merchant, actor=actor, key=key)
    return promotion


def _products_the_shop_sells(merchant: Merchant, product_ids) -> list[Product]:
    """Return the products named, each one the merchant lists for sale (an
    active listing); refuse the request on ``product_ids`` naming the others.
    A promotion counting a product the shop does not sell saves nothing at
    its till and only misleads shoppers who pool for it."""
    wanted = list(dict.fromkeys(product_ids))
    products = list(
        Product.objects.filter(
            public_id__in=wanted,
            listings__merchant=merchant,
            listings__is_active=True,
        )
    )
    found = {product.public_id for product in products}
    missing = [product_id for product_id in wanted if product_id not in found]
    if missing:
        why = _("The shop does not sell these products: %(ids)s.") % {
            "ids": ", ".join(echoed(product_id) for product_id in missing[:10])
        }
        raise PoolingError("invalid", why, fields={"product_ids": [why]})
    return products


def _published_with_key(*, merchant: Merchant, actor, key: str) -> Promotion | None:
    return Promotion.objects.filter(
        merchant=merchant, created_by=actor, client_key=key
    ).first()


def _promotion_create(
    *,
    actor,
    merchant: Merchant,
    branch: Branch | None,
    title: str,
    rules: savings.Rules,
    products: list[Product],
    starts_at: datetime,
    ends_at: datetime,
    client_key: str,
) -> Promotion:
    promotion = Promotion.objects.create(
        merchant=merchant,
        branch=branch,
        title=title,
        kind=rules.kind,
        tiers=[list(tier) for tier in rules.tiers],
        buy_n=rules.buy_n,
        pay_m=rules.pay_m,
        second_item_percent=rules.second_item_percent,
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=actor,
        client_key=client_key,
    )
    promotion.products.set(products)
    audit_log(
        actor=actor,
        action="pooling.promotion.published",
        obj=promotion,
        data={"kind": rules.kind, "tiers": promotion.tiers, "title": title},
    )
    return promotion


def promotion_end(*, actor, promotion: Promotion, now=None) -> Promotion:
    """End a running promotion now (a mistake, or the shop stopped it); one not
    started yet is withdrawn: it never runs.

    The pools it was suggested for and not yet confirmed are dissolved and the
    requests still looking are closed (expired), and each shopper is told once;
    members of a confirmed pool are told too, since the till decides now (not
    one who left it: their stake in it ended with their leave). Ending
    it again, or one already over, changes nothing.
    """
    require_promotion_ender(actor=actor, promotion=promotion)
    now = now or timezone.now()
    with transaction.atomic():
        promotion = Promotion.objects.select_for_update().get(pk=promotion.pk)
        if promotion.ends_at <= now:
            return promotion
        _window_close(actor=actor, promotion=promotion, now=now)
        told = set()
        for pool in Pool.objects.filter(
            promotion=promotion, state__in=[Pool.State.PROPOSED, Pool.State.CONFIRMED]
        ).select_for_update():
            if pool.state == Pool.State.PROPOSED:
                pool.state = Pool.State.DISSOLVED
                pool.save(update_fields=["state"])
                publish_pool_state(pool)
            else:
                # Its open pages say at once that the till gives the saving
                # only to baskets paid before now (they would after a reload).
                after_commit(
                    publish_to_pool,
                    pool.public_id,
                    {
                        "type": "pooling.promotion_ended",
                        "pool_id": pool.public_id,
                        "ended_at": now.isoformat(),
                    },
                )
            # One who left the pool has no stake in it (their request withdrawn,
            # the chat closed to them): not told of it. A request of theirs
            # still looking is told of below, as anyone's is.
            members = pool.members.exclude(answer=PoolMember.Answer.LEFT)
            for member in members.select_related("user"):
                # an erased member's seat stays in a confirmed pool: nobody to tell
                if not is_erased(member.user):
                    notify_promotion_ended(
                        user=member.user, promotion=promotion, pool=pool
                    )
                told.add(member.user_id)
        closing = PoolRequest.objects.filter(
            promotion=promotion,
            state__in=[PoolRequest.State.OPEN, PoolRequest.State.SUGGESTED],
        )
        for request in closing.select_related("user", "branch"):
            if request.user_id not in told:
                notify_promotion_ended(
                    user=request.user,
                    promotion=promotion,
                    pool=None,
                    branch=request.branch,
                )
                told.add(request.user_id)
        closing.update(state=PoolRequest.State.EXPIRED)
    return promotion


def _window_close(*, actor, promotion: Promotion, now) -> None:
    """Close the promotion's window at ``now``. One not started yet gets an
    empty window at ``now`` (withdrawn): its end moved before its start would be
    a window publishing refuses, and it would still read as yet to start."""
    previous = {
        "previous_starts_at": promotion.starts_at.isoformat(),
        "previous_ends_at": promotion.ends_at.isoformat(),
    }
    withdrawn = promotion.is_upcoming(now)
    if withdrawn:
        promotion.starts_at = now
    promotion.ends_at = now
    promotion.save(update_fields=["starts_at", "ends_at"])
    audit_log(
        actor=actor,
        action="pooling.promotion.withdrawn"
        if withdrawn
        else "pooling.promotion.ended",
        obj=promotion,
        data=previous,
    )
