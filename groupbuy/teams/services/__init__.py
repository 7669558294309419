"""Every change to team buys (see each module for its rules).

Import from here: ``from groupbuy.teams.services import team_open``.
"""

from groupbuy.teams.services.joining import (
    team_join,
    team_join_any,
    team_open,
)
from groupbuy.teams.services.outcomes import (
    team_complete,
    team_deal_closing,
    team_expire,
    team_member_leave,
    team_stop,
    teams_sweep,
)
from groupbuy.teams.services.payment_retry import (
    member_pay_by,
    member_payment_retry_refusal,
    team_member_payment_retry,
)
from groupbuy.teams.services.sales import team_deal_add_stock, team_deal_extend
from groupbuy.teams.services.setup import team_deal_create

__all__ = [
    "member_pay_by",
    "member_payment_retry_refusal",
    "team_complete",
    "team_deal_add_stock",
    "team_deal_closing",
    "team_deal_create",
    "team_deal_extend",
    "team_expire",
    "team_join",
    "team_join_any",
    "team_member_leave",
    "team_member_payment_retry",
    "team_open",
    "team_stop",
    "teams_sweep",
]
