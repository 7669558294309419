"""Reads for the merchant console: orders across a merchant's deals, and sales.

The orders are for the merchant's staff (and operators); the sales figures,
money, are for its owners (and operators) only. Anyone else, a cashier for the
sales, is refused with 403.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

import phonenumbers
from django.conf import settings
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Least, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.catalog.permissions import require_merchant_money_reader
from groupbuy.core.days import (
    FIRST_DAY,
    day_after,
    day_range_errors,
    day_start,
    days_window,
)
from groupbuy.core.errors import NotFound
from groupbuy.deals.errors import DealError
from groupbuy.deals.models import Deal, DealOrder, OrderUnitRefund
from groupbuy.deals.selectors import (
    _orders,
    orders_with_paid_fen,
    require_merchant_deals_staff,
)
from groupbuy.deals.selectors.orders import shown_status_is
from groupbuy.escrow.services import platform_fee_expression

Status = DealOrder.Status
# Digits with the separators people type, and the stars of a masked number
# (+86138****1234, as accounts.phones.mask_phone shows it) copied from a list.
PHONE_QUERY = re.compile(r"^[+\d\s*()-]{4,}$")
MOST_SALES_DAYS = 92


@dataclass(frozen=True)
class OrderFilters:
    """What the order list is narrowed to; empty values mean "any". ``status``
    is a stored status, ``shown_status`` the status the pages give (a paid
    order its shopper cancelled is cancelled, not refunded): the console's
    filter is the latter, as the shopper's My orders tabs are."""

    query: str = ""
    deal_id: str = ""
    status: str = ""
    shown_status: str = ""
    date_from: date | None = None
    date_to: date | None = None
    # Which day of an order ``date_from``/``date_to`` are: the day it was
    # joined (JOINED, the list's default), or the day it was paid (PAID, the
    # day Sales counts it on; an order not paid is then never in the period).
    date_by: str = "joined"


DATE_BY_JOINED, DATE_BY_PAID = "joined", "paid"


def check_days(**days: date | None) -> None:
    """Refuse a day outside the platform's calendar (``core.days``), named."""
    if errors := day_range_errors(**days):
        raise DealError(
            "invalid_date",
            _("Choose the days again: one is outside the calendar."),
            fields=errors,
        )


def check_period(date_from: date | None, date_to: date | None) -> None:
    """Refuse an end before the start (``DealError`` invalid_date on
    ``date_to``): the orders (list, CSV, API) and Sales alike."""
    if date_from and date_to and date_from > date_to:
        message = _("The end date is before the start date.")
        raise DealError("invalid_date", message, fields={"date_to": [message]})


def _search(orders: QuerySet, query: str) -> QuerySet:
    query = query.strip()
    if not query:
        return orders
    digits = re.sub(r"\D", "", query)
    if PHONE_QUERY.match(query) and digits:
        if "*" in query:
            return orders.filter(_masked_phone(query))
        return orders.filter(shopper__phone__contains=digits)
    return orders.filter(
        Q(public_id__icontains=query) | Q(shopper__display_name__icontains=query)
    )


def merchant_deal_to_filter_on(*, user, merchant, deal_id: str) -> Deal:
    """Return ``merchant``'s deal ``deal_id``, which its staff filter its orders
    on. Another shop's deal or none is ``NotFound``: the orders of a deal that
    is not the shop's are none of them, and an unknown id is a typo, not a
    filter that matches nothing."""
    require_merchant_deals_staff(user=user, merchant=merchant)
    deal = Deal.objects.filter(merchant=merchant, public_id=deal_id).first()
    if deal is None:
        raise NotFound("not_found", _("There is no such group buy."))
    return deal


def _masked_phone(query: str) -> Q:
    """Find the numbers a masked one stands for: "+86138****1234" (as
    ``mask_phone`` shows it) starts with +86138 and ends with 1234; without
    "+" the start is national too ("138****1234": +86138…, in the default
    region)."""
    head, _stars, rest = query.partition("*")
    start = re.sub(r"\D", "", head)
    end = re.sub(r"\D", "", rest.rpartition("*")[2])
    found = Q()
    if start:
        found &= Q(shopper__phone__startswith=f"+{start}")
        if not head.lstrip().startswith("+"):
            country = phonenumbers.country_code_for_region(
                settings.PHONE_DEFAULT_REGION
            )
            found |= Q(shopper__phone__startswith=f"+{country}{start}")
    if end:
        found &= Q(shopper__phone__endswith=end)
    return found


def merchant_orders(*, user, merchant, filters: OrderFilters) -> QuerySet[DealOrder]:
    """Return the orders of all of ``merchant``'s deals matching ``filters``,
    newest first, each with ``paid_fen``: what its payments brought in
    (``orders_with_paid_fen``), which the list and the CSV show as paid."""
    require_merchant_deals_staff(user=user, merchant=merchant)
    check_days(date_from=filters.date_from, date_to=filters.date_to)
    check_period(filters.date_from, filters.date_to)
    orders = orders_with_paid_fen(
        _orders(DealOrder.objects.filter(deal__merchant=merchant))
    )
    orders = _search(orders, filters.query)
    if filters.deal_id:
        orders = orders.filter(deal__public_id=filters.deal_id)
    if filters.status:
        orders = orders.filter(status=filters.status)
    if filters.shown_status:
        orders = orders.filter(shown_status_is(filters.shown_status))
    # Days in the display time zone, as Sales reads them (``days_window``).
    moment = "paid_at" if filters.date_by == DATE_BY_PAID else "joined_at"
    if filters.date_from:
        orders = orders.filter(**{f"{moment}__gte": day_start(filters.date_from)})
    if filters.date_to:
        orders = orders.filter(**{f"{moment}__lt": day_after(filters.date_to)})
    return orders.order_by("-joined_at", "-id")


def merchant_orders_for_export(
    *, user, merchant, filters: OrderFilters
) -> QuerySet[DealOrder]:
    """Return ``merchant_orders`` for a download: every matching order with its
    shoppers' details leaves the platform, so for its owners and operators only
    (403)."""
    require_merchant_money_reader(user, merchant)
    return merchant_orders(user=user, merchant=merchant, filters=filters)


@dataclass
class SalesFigures:
    """One row of sales: a day or a deal."""

    key: str
    label: str
    orders: int = 0
    units: int = 0
    revenue_fen: int = 0
    fees_fen: int = 0
    refunds_fen: int = 0

    @property
    def net_fen(self) -> int:
        return self.revenue_fen - self.refunds_fen - self.fees_fen


@dataclass
class Sales:
    date_from: date
    date_to: date
    days: list[SalesFigures] = field(default_factory=list)
    deals: list[SalesFigures] = field(default_factory=list)
    total: SalesFigures = field(default_factory=lambda: SalesFigures("", ""))


def sales_period(
    date_from: date | None, date_to: date | None, *, today: date | None = None
) -> tuple[date, date]:
    """Return the period asked for, ending today by default and starting two
    weeks before its end. Refused (``DealError`` invalid_date, on its field): a
    day outside the platform's calendar, an end before the start, a period
    longer than MOST_SALES_DAYS (it is never cut short unsaid)."""
    check_days(date_from=date_from, date_to=date_to)
    today = today or timezone.localdate()
    date_to = date_to or today
    date_from = date_from or max(FIRST_DAY, date_to - timedelta(days=13))
    check_period(date_from, date_to)
    if (days := (date_to - date_from).days + 1) > MOST_SALES_DAYS:
        message = _(
            "Choose a period of at most %(most)s days (this one has %(days)s)."
        ) % {"most": MOST_SALES_DAYS, "days": days}
        raise DealError("invalid_date", message, fields={"date_from": [message]})
    return date_from, date_to


def _paid_orders(merchant, since, until) -> QuerySet[DealOrder]:
    """The merchant's orders paid in [since, until), each with the figures of
    its sale: ``sold_units`` and ``sold_fen`` (what it was paid for: an order
    the shop refunded some units of holds fewer units and a lower amount
    since), ``back_fen`` (what went back, at most what was paid) and
    ``fee_fen`` (the platform's fee on what was kept, rounded per order)."""
    unit_refunds = (
        OrderUnitRefund.objects.filter(order=OuterRef("pk")).order_by().values("order")
    )
    orders = DealOrder.objects.filter(
        deal__merchant=merchant, paid_at__gte=since, paid_at__lt=until
    ).annotate(
        sold_units=F("quantity")
        + Coalesce(Subquery(unit_refunds.annotate(n=Sum("units")).values("n")), 0),
        sold_fen=F("amount_fen")
        + Coalesce(Subquery(unit_refunds.annotate(n=Sum("amount_fen")).values("n")), 0),
    )
    orders = orders.annotate(back_fen=Least("refunded_fen", "sold_fen"))
    return orders.annotate(
        fee_fen=platform_fee_expression(F("sold_fen") - F("back_fen"))
    )


# The sums of a row of sales (``SalesFigures``) over its paid orders.
SALES_SUMS = {
    "orders": Count("pk"),
    "units": Sum("sold_units"),
    "revenue_fen": Sum("sold_fen"),
    "refunds_fen": Sum("back_fen"),
    "fees_fen": Sum("fee_fen"),
}


def _figures(key: str, label: str, sums: dict) -> SalesFigures:
    return SalesFigures(key, label, **{name: sums[name] for name in SALES_SUMS})


def merchant_sales(*, user, merchant, date_from: date, date_to: date) -> Sales:
    """Return the orders paid from ``date_from`` to ``date_to`` (days in the
    display time zone) per day and per deal, summed by the database.

    Revenue is what buyers paid; refunds what went back to them (a merchant's
    refund, a failed deal, or the difference to a lower final tier); fees the
    platform's fee on what was kept. Its owners and operators only (403).
    """
    require_merchant_money_reader(user, merchant)
    check_days(date_from=date_from, date_to=date_to)
    paid = _paid_orders(merchant, *days_window(date_from, date_to))
    day_of = TruncDate("paid_at", tzinfo=timezone.get_current_timezone())
    by_day = {
        row["day"]: row
        for row in paid.annotate(day=day_of).values("day").annotate(**SALES_SUMS)
    }
    sales = Sales(date_from=date_from, date_to=date_to)
    for offset in range((date_to - date_from).days + 1):
        day = date_from + timedelta(days=offset)
        sums = by_day.get(day, dict.fromkeys(SALES_SUMS, 0))
        sales.days.append(_figures(day.isoformat(), day.strftime("%m-%d"), sums))
    by_deal = (
        paid.values("deal_id", "deal__public_id", "deal__title")
        .annotate(**SALES_SUMS)
        .order_by("-revenue_fen", "deal__public_id")
    )
    sales.deals = [
        _figures(row["deal__public_id"], row["deal__title"], row) for row in by_deal
    ]
    totals = {
        name: sum(getattr(day, name) for day in sales.days) for name in SALES_SUMS
    }
    sales.total = _figures("", "", totals)
    return sales
