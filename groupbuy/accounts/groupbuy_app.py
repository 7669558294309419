"""Accounts in the project: the sign-in and token API at the API root."""

from groupbuy.core.plugins import GroupbuyApp

app = GroupbuyApp(api_routers={"": "groupbuy.accounts.api:router"})
