"""Escrow in the project: its API and the sandbox gateway's pay page."""

from groupbuy.core.plugins import GroupbuyApp

app = GroupbuyApp(
    personal_data="groupbuy.escrow.personal_data:EscrowPersonalData",
    api_routers={"escrow": "groupbuy.escrow.api:router"},
    urls={"escrow/": "groupbuy.escrow.urls"},
)
