"""Reading team buys, one module per subject: team deals (``team_deals``),
teams and their snapshots (``teams``), a shopper's places in them
(``members``) and how a team deal's teams ended (``outcomes``). Read from the
pages, the API, the consumers and the deals app's hooks as
``selectors.<name>``."""

from groupbuy.teams.selectors.members import (
    MemberPayment,
    PaymentState,
    member_leave_refund_fen,
    member_leave_refusal,
    member_payment,
    member_status_label,
    member_was_charged,
    membership_of,
    my_memberships,
    order_leave_refusals,
)
from groupbuy.teams.selectors.outcomes import (
    deal_outcome,
    deal_outcomes,
    deals_not_failed,
    outcome_label,
    team_deal_outcome,
)
from groupbuy.teams.selectors.team_deals import (
    deal_card_labels,
    deal_sales,
    team_deal_get,
    team_deal_get_for_shop,
    team_deals_for_merchant,
    teams_for_merchant,
)
from groupbuy.teams.selectors.teams import (
    PAID_PLACES,
    member_key,
    open_teams,
    open_teams_page,
    places_refunded_after_completion,
    team_get,
    team_snapshot,
)

__all__ = [
    "PAID_PLACES",
    "MemberPayment",
    "PaymentState",
    "deal_card_labels",
    "deal_outcome",
    "deal_outcomes",
    "deal_sales",
    "deals_not_failed",
    "member_key",
    "member_leave_refund_fen",
    "member_leave_refusal",
    "member_payment",
    "member_status_label",
    "member_was_charged",
    "membership_of",
    "my_memberships",
    "open_teams",
    "open_teams_page",
    "order_leave_refusals",
    "outcome_label",
    "places_refunded_after_completion",
    "team_deal_get",
    "team_deal_get_for_shop",
    "team_deal_outcome",
    "team_deals_for_merchant",
    "team_get",
    "team_snapshot",
    "teams_for_merchant",
]
