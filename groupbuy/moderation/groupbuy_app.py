"""Moderation in the project: Report on what the apps declare reportable
(``GroupbuyApp.reportable_kinds``), the operators' queue. It names no app: the
Report link fills the page parts of the messages others wrote.
"""

from django.utils.translation import gettext_lazy as _

from groupbuy.core.plugins import GroupbuyApp, NavEntry

app = GroupbuyApp(
    api_routers={
        "moderation": "groupbuy.moderation.api:router",
        "operator/reports": "groupbuy.moderation.api:operator_router",
    },
    urls={
        "moderation/": "groupbuy.moderation.urls",
        "operator/reports/": "groupbuy.moderation.operator_urls",
    },
    nav=[
        NavEntry(
            role="operator",
            label=_("Reports"),
            url_name="moderation_operator:reports",
            icon="list",
            order=87,
            key="reports",
        ),
    ],
    page_parts={
        "thread_reply.actions": "moderation/_report_link.html",
        "chat_message.actions": "moderation/_report_link.html",
        "demand_photo.actions": "moderation/_report_item_link.html",
    },
    personal_data="groupbuy.moderation.personal_data:ModerationPersonalData",
    notification_kinds={
        "moderation.item.hidden": _("Your message or photo was removed")
    },
    # What the app writes to the audit trail, labelled on the operators' page.
    audit_actions={
        "moderation.report.created": _("Report made"),
        "moderation.report.dismissed": _("Report dismissed"),
        "moderation.report.hidden": _("Reported item hidden"),
    },
)
