"""Team buy pages, one module per concern: a shopper's way into a team buy
(``shoppers``), the team page (``team``) and the merchant console's team buys
(``merchant``). Thin: each calls a selector or a service."""

from groupbuy.teams.views.merchant import (
    merchant_add_stock,
    merchant_deal_create,
    merchant_deals,
    merchant_extend,
    merchant_teams,
)
from groupbuy.teams.views.shoppers import deal, join, join_any, mine, open_team
from groupbuy.teams.views.team import leave, pay_again, team, team_payment

__all__ = [
    "deal",
    "join",
    "join_any",
    "leave",
    "merchant_add_stock",
    "merchant_deal_create",
    "merchant_deals",
    "merchant_extend",
    "merchant_teams",
    "mine",
    "open_team",
    "pay_again",
    "team",
    "team_payment",
]
