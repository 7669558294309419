"""``{% team_deal_outcome team_deal as outcome %}``: a team buy's teams by
outcome and its label, for pages whose view does not know about teams (the
deals page includes the teams' buy buttons)."""

from django import template

from groupbuy.teams import selectors

register = template.Library()


@register.simple_tag
def team_deal_outcome(team_deal) -> dict:
    outcome = selectors.team_deal_outcome(team_deal)
    return {**outcome, "label": selectors.outcome_label(outcome)}
