"""Accounts in the project: the sign-in and token API at the API root."""

from django.utils.translation import gettext_lazy as _

from groupbuy.core.plugins import GroupbuyApp

app = GroupbuyApp(
    personal_data="groupbuy.accounts.personal_data:AccountsPersonalData",
    api_routers={"": "groupbuy.accounts.api:router"},
    urls={"account/": "groupbuy.accounts.urls"},
    notification_kinds={"accounts.phone.changed": _("Phone number changed")},
)
