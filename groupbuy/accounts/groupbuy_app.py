"""Accounts in the project: the sign-in and token API at the API root."""

from django.utils.translation import gettext_lazy as _

from groupbuy.core.plugins import GroupbuyApp

app = GroupbuyApp(
    personal_data="groupbuy.accounts.personal_data:AccountsPersonalData",
    api_routers={"": "groupbuy.accounts.api:router"},
    urls={"account/": "groupbuy.accounts.urls"},
    notification_kinds={"accounts.phone.changed": _("Phone number changed")},
    # What the app writes to the audit trail, labelled on the operators' page.
    audit_actions={
        "accounts.user.signed_up": _("Account created at sign-up"),
        "accounts.user.activated": _("Account switched on again"),
        "accounts.user.deactivated": _("Account switched off"),
        "accounts.profile.updated": _("Profile changed"),
        "accounts.email.verification_sent": _("E-mail address check sent"),
        "accounts.email.verified": _("E-mail address verified"),
        "accounts.phone_code.requested": _("Text code sent"),
        "accounts.phone.verified": _("Phone number verified"),
        "accounts.phone.changed": _("Phone number changed"),
        "accounts.password.changed": _("Password changed"),
        "accounts.password.reset": _("Password reset with a text code"),
        "accounts.password.set_by_support": _("Password set by support"),
        "accounts.reauthenticated": _("Password confirmed again"),
        "accounts.lockout.cleared": _("Sign-in lockout cleared"),
        "accounts.failed_logins.expired_deleted": _("Old failed sign-ins deleted"),
        "accounts.token.created": _("API token created"),
        "accounts.token.revoked": _("API token revoked"),
        "accounts.token.revoked_all": _("All API tokens revoked"),
        "accounts.membership.set": _("Made a member of a shop's staff"),
    },
)
