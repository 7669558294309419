from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.translation import gettext_lazy as _


def _membership_changed(sender, **kwargs) -> None:
    # A request that changes someone's staff role must not keep answering
    # from what it remembered before (see groupbuy.core.request_memo).
    from groupbuy.core.request_memo import forget

    forget()


class AccountsConfig(AppConfig):
    name = "groupbuy.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from groupbuy.accounts import switching_off
        from groupbuy.accounts.admin import axes_admins_adapt
        from groupbuy.accounts.models import MerchantMembership, User

        # The admin (listed before us) has registered every admin module.
        axes_admins_adapt()

        for signal in (post_save, post_delete):
            signal.connect(
                _membership_changed,
                sender=MerchantMembership,
                dispatch_uid=f"accounts.membership_memo.{signal is post_save}",
            )
        # An account switched off by any save() has its sockets closed (the
        # admin's account_switch_off saves too; update() is not seen: see there).
        pre_save.connect(
            switching_off.note_switching_off,
            sender=User,
            dispatch_uid="accounts.switching_off.note",
        )
        post_save.connect(
            switching_off.end_sockets_of_switched_off,
            sender=User,
            dispatch_uid="accounts.switching_off.end",
        )
