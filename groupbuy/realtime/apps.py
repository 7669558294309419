from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RealtimeConfig(AppConfig):
    name = "groupbuy.realtime"
    label = "realtime"
    verbose_name = _("Real time")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from groupbuy.realtime.access import end_sockets_of_signed_out_session

        # Every way out (the web's log-out, an operator erasing their own
        # account) goes through django.contrib.auth.logout, which sends this.
        user_logged_out.connect(
            end_sockets_of_signed_out_session, dispatch_uid="realtime.signed_out"
        )
