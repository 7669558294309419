"""The deals API's shapes of the shop's sales figures."""

from __future__ import annotations

from datetime import date

from ninja import Schema
from pydantic import Field

# How a day filter is described, the orders filter's too.
DAY = "A day, YYYY-MM-DD (2026-11-30), in the site's time zone."


class SalesIn(Schema):
    # Days read as the console's sales page reads them (deals.api._days).
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
    deals: list[SalesRowOut]
