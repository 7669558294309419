"""The deals API's shapes of the shop's sales figures."""

from __future__ import annotations

from datetime import date

from ninja import Schema
from pydantic import Field

from groupbuy.core.pagination import PageIn, PageOut

# How a day filter is described, the orders filter's too.
DAY = "A day, YYYY-MM-DD (2026-11-30), in the site's time zone."


class SalesIn(PageIn):
    # page and page_size: the page of ``deals``. Days read as the console's
    # sales page reads them (deals.api._days).
    date_from: str | None = Field(None, description=DAY)
    date_to: str | None = Field(None, description=DAY)


class SalesRowOut(Schema):
    key: str
    label: str
    orders: int
    units: int
    revenue_fen: int
    fees_fen: int
    refunds_fen: int
    net_fen: int


class SalesOut(Schema):
    date_from: date
    date_to: date
    total: SalesRowOut
    days: list[SalesRowOut]
    # One page of the deals (page, page_size), largest revenue first; where it
    # sits in deals_page (every deal of the period at once until 2026-12-07).
    deals: list[SalesRowOut]
    deals_page: PageOut
