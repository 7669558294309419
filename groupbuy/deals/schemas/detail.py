"""The deals API's shape of one deal's page: the deal, the asker's order, and
where to collect."""

from __future__ import annotations

from ninja import Schema

from groupbuy.catalog.api.schemas import OpeningHoursDay
from groupbuy.deals.schemas.deals import DealOut, deal_outs
from groupbuy.deals.schemas.orders import OrderOut, order_out


class PickupBranchOut(Schema):
    id: str
    name: str
    name_en: str
    address: str
    # As the catalog's BranchOut gives them (catalog.hours).
    opening_hours: list[OpeningHoursDay]
    opening_hours_summary: str


class DealDetailOut(DealOut):
    description: str
    progress: dict
    my_order: OrderOut | None
    can_join: bool
    join_blocked_code: str | None
    join_blocked_message: str | None
    can_manage: bool
    # The masked names of the first paying buyers (张**, a***).
    first_buyers: list[str] = []
    # The most units the next buyer may take (order limit, stock, first tier).
    units_left_for_buyer: int = 0
    pickup_branches: list[PickupBranchOut] = []


def deal_detail_out(request, detail) -> dict:
    refusal = detail.join_refusal
    return {
        **deal_outs([detail.deal])[0],
        "description": detail.deal.description,
        "progress": detail.progress,
        "my_order": order_out(request, detail.my_order) if detail.my_order else None,
        "can_join": detail.can_join,
        "join_blocked_code": refusal.code if refusal else None,
        "join_blocked_message": refusal.message if refusal else None,
        "can_manage": detail.can_manage,
        "first_buyers": detail.first_buyers,
        "units_left_for_buyer": detail.units_left_for_buyer,
        "pickup_branches": [
            {
                "id": branch.public_id,
                "name": branch.name,
                "name_en": branch.name_en,
                "address": branch.address,
                "opening_hours": branch.opening_hours,
                "opening_hours_summary": branch.hours_summary,
            }
            for branch in detail.pickup_branches
        ],
    }
