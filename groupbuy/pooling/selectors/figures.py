"""What a merchant sees of pooling at their shops: per promotion and per day."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.catalog.permissions import (
    is_merchant_staff,
    require_merchant_money_reader,
)
from groupbuy.core.pagination import PageResult, paginate
from groupbuy.pooling.errors import PoolingError
from groupbuy.pooling.models import Pool, PoolMember, PoolRequest

FIGURE_DAYS = 30


def _with_shopping_from(pools):
    """``pools`` with when their members still in could first shop together
    (``shopping_from``: the latest start of their shopping windows)."""
    return pools.annotate(
        shopping_from=Subquery(
            PoolRequest.objects.filter(
                memberships__pool=OuterRef("pk"),
                memberships__answer=PoolMember.Answer.ACCEPTED,
            )
            .order_by("-window_start_at")
            .values("window_start_at")[:1]
        )
    )


# A confirmed pool whose promotion was over before its members could shop
# together saved nothing at the till (it gives a promotion's saving only while
# it runs), so its saving is not the shop's to count.
SAVED = Q(state=Pool.State.CONFIRMED, promotion__ends_at__gt=F("shopping_from"))


def promotions_for_staff(
    *, user, merchant, page=1, page_size: int | None = None
) -> PageResult:
    """One page of the merchant's promotions, newest first, for its staff
    (403 for anyone else): what the promotions page lists for every reader."""
    if not is_merchant_staff(user, merchant):
        raise PoolingError(
            "forbidden",
            _("Only the merchant's staff may see its promotions."),
            status=403,
        )
    return paginate(
        merchant.promotions.select_related("branch").order_by("-created_at", "-id"),
        page=page,
        page_size=page_size,
    )


def promotion_figures(
    *,
    user,
    merchant,
    days: int = FIGURE_DAYS,
    now=None,
    page=1,
    page_size: int | None = None,
) -> dict:
    """Per promotion (one page, newest first): pool requests, pools suggested
    and confirmed, and what shoppers saved in confirmed pools whose promotion
    still ran when their members could first shop together (``SAVED``); per day of the
    last ``days`` (local dates): requests, pools confirmed and saving. What
    the shop's promotions did for it is its money: owners and operators only,
    its cashiers get the owners-only 403 (``require_merchant_money_reader``)."""
    require_merchant_money_reader(user, merchant)
    now = now or timezone.now()
    result = promotions_for_staff(
        user=user, merchant=merchant, page=page, page_size=page_size
    )
    promotions = result.items
    ids = [promotion.pk for promotion in promotions]
    # Counted apart: one query joining requests and pools would multiply sums.
    requests_by = dict(
        PoolRequest.objects.filter(promotion_id__in=ids)
        .values("promotion_id")
        .annotate(n=Count("id"))
        .values_list("promotion_id", "n")
    )
    pools_by = {
        row["promotion_id"]: row
        for row in _with_shopping_from(Pool.objects.filter(promotion_id__in=ids))
        .values("promotion_id")
        .annotate(
            pools=Count("id"),
            confirmed=Count("id", filter=Q(state=Pool.State.CONFIRMED)),
            saving_fen=Sum("saving_fen", filter=SAVED),
        )
    }
    zone = timezone.get_current_timezone()
    first_day = timezone.localtime(now, zone).date() - timedelta(days=days - 1)
    since = now - timedelta(days=days + 1)
    requested = _per_day(
        PoolRequest.objects.filter(promotion__merchant=merchant, created_at__gte=since),
        "created_at",
        zone,
        requests=Count("id"),
    )
    pooled = _per_day(
        _with_shopping_from(
            Pool.objects.filter(
                promotion__merchant=merchant,
                state=Pool.State.CONFIRMED,
                confirmed_at__gte=since,
            )
        ),
        "confirmed_at",
        zone,
        confirmed=Count("id"),
        saving_fen=Sum("saving_fen", filter=SAVED),
    )
    dates = [first_day + timedelta(days=offset) for offset in range(days)]
    result.items = [
        {
            "promotion": promotion,
            "requests": requests_by.get(promotion.pk, 0),
            "pools": pools_by.get(promotion.pk, {}).get("pools", 0),
            "confirmed": pools_by.get(promotion.pk, {}).get("confirmed", 0),
            "saving_fen": pools_by.get(promotion.pk, {}).get("saving_fen") or 0,
        }
        for promotion in promotions
    ]
    return {
        "promotions": result,
        "days": [
            {
                "date": day,
                "requests": requested.get(day, {}).get("requests", 0),
                "confirmed": pooled.get(day, {}).get("confirmed", 0),
                "saving_fen": pooled.get(day, {}).get("saving_fen") or 0,
            }
            for day in dates
        ],
    }


def _per_day(queryset, field: str, zone, **aggregates) -> dict:
    rows = (
        queryset.annotate(day=TruncDate(field, tzinfo=zone))
        .values("day")
        .annotate(**aggregates)
    )
    return {row["day"]: row for row in rows}


def figure_charts(figures: dict) -> list:
    """The days as two charts: counts (bars) and the shoppers' saving (line)."""
    from groupbuy.web.charts import Chart, Series

    days = figures["days"]
    labels = [day["date"].strftime("%m-%d") for day in days]
    return [
        Chart(
            title=_("Pool requests and pools confirmed per day"),
            labels=labels,
            series=[
                Series(_("Pool requests"), [day["requests"] for day in days]),
                Series(_("Pools confirmed"), [day["confirmed"] for day in days]),
            ],
            kind="bar",
            label_heading=_("Day"),
            dom_id="pool-requests-chart",
        ),
        Chart(
            title=_("What shoppers saved in confirmed pools, per day"),
            labels=labels,
            series=[Series(_("Saving"), [day["saving_fen"] for day in days])],
            money=True,
            label_heading=_("Day"),
            dom_id="pool-savings-chart",
        ),
    ]
