from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "groupbuy.teams"
    verbose_name = _("Team buys")

    def ready(self) -> None:
        from groupbuy.escrow.handlers import (
            register_capture_handler,
            register_payment_failed_handler,
            register_purpose_label,
            register_return_label,
        )
        from groupbuy.teams import receivers  # noqa: F401 - registers
        from groupbuy.teams.services.payments import (
            MEMBER_PURPOSE,
            member_payment_captured,
            member_payment_failed,
        )

        register_capture_handler(MEMBER_PURPOSE, member_payment_captured)
        register_payment_failed_handler(MEMBER_PURPOSE, member_payment_failed)
        # A place's payment returns to the team's page.
        register_return_label(MEMBER_PURPOSE, _("Back to the team"))
        register_purpose_label(MEMBER_PURPOSE, _("Team-buy place"))
        from groupbuy.deals.join_hooks import (
            register_join_annotation,
            register_join_guard,
        )
        from groupbuy.teams.services.joining import (
            in_team_mode_annotation,
            refuse_plain_join,
        )

        register_join_guard(refuse_plain_join)
        register_join_annotation("in_team_mode", in_team_mode_annotation)
        # Team orders are paid through teams.member intents: the deals app
        # hands their closing, cancellation and refund to this app.
        from groupbuy.deals.order_keepers import OrderKeeper, register_order_keeper
        from groupbuy.teams.selectors import (
            deal_outcomes,
            deal_sales,
            deals_not_failed,
            order_leave_refusals,
        )
        from groupbuy.teams.services.outcomes import (
            team_deal_closing,
            team_member_leave,
        )
        from groupbuy.teams.services.payment_retry import (
            order_payment_retry_refusal,
            team_member_payment_retry,
        )

        register_order_keeper(
            OrderKeeper(
                purpose=MEMBER_PURPOSE,
                deal_closing=team_deal_closing,
                order_leave=team_member_leave,
                leave_refusals=order_leave_refusals,
                deal_outcomes=deal_outcomes,
                deals_not_failed=deals_not_failed,
                sales=deal_sales,
                payment_retry_refusal=order_payment_retry_refusal,
                payment_retry=team_member_payment_retry,
            )
        )
