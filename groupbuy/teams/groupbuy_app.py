from django.utils.translation import gettext_lazy as _

from groupbuy.core.plugins import GroupbuyApp, NavEntry

app = GroupbuyApp(
    api_routers={"teams": "groupbuy.teams.api:router"},
    urls={"teams/": "groupbuy.teams.urls"},
    nav=[
        NavEntry(
            role="shopper",
            key="teams",
            label=_("My teams"),
            url_name="teams:mine",
            icon="users",
            order=45,
        ),
        NavEntry(
            role="merchant",
            key="teams",
            label=_("Team buys"),
            url_name="teams:merchant_deals",
            icon="users",
            order=22,
            owners_only=True,
            group="sell",
        ),
    ],
    page_parts={
        "deal.progress": "teams/_deal_progress.html",
        "deal.entry": "teams/_deal_entry.html",
        "order.detail": "teams/_order_team.html",
        "order.deadline": "teams/_order_deadline.html",
        "merchant_deal.price": "teams/_merchant_deal_price.html",
        "merchant_deal.terms": "teams/_merchant_deal_terms.html",
        "merchant_deal.selling": "teams/_merchant_deal_selling.html",
    },
    websocket_routes=[
        ("ws/teams/<str:team_id>/", "groupbuy.teams.consumers:TeamConsumer"),
        ("ws/team-deals/<str:deal_id>/", "groupbuy.teams.consumers:DealTeamsConsumer"),
    ],
    demo_data="groupbuy.teams.demo:load_demo_data",
    notification_kinds={
        "teams.complete": _("Team complete"),
        "teams.expired": _("Team expired"),
        "teams.stopped": _("Team stopped"),
        "teams.closed": _("Team closed"),
        "teams.left": _("Left a team, refunded"),
    },
    personal_data="groupbuy.teams.personal_data:TeamsPersonalData",
    deal_card_labels="groupbuy.teams.selectors:deal_card_labels",
    # What the app writes to the audit trail, labelled on the operators' page.
    audit_actions={
        "teams.deal.created": _("Team buy created"),
        "teams.deal.extended": _("Team buy's sales extended"),
        "teams.deal.stock_added": _("Stock added to a team buy"),
        "teams.team.opened": _("Team opened"),
        "teams.member.joined": _("Joined a team"),
        "teams.member.left": _("Left a team"),
        "teams.member.payment_retried": _("Team place's payment tried again"),
        "teams.member.refunded_after_completion": _(
            "Team place refunded after the team was complete"
        ),
        "teams.team.completed": _("Team complete"),
        "teams.team.expired": _("Team expired"),
        "teams.team.stopped": _("Team stopped"),
        "teams.team.closed": _("Empty team closed"),
    },
)
