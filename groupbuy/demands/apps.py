from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemandsConfig(AppConfig):
    name = "groupbuy.demands"
    label = "demands"
    verbose_name = _("Buyer demands")

    def ready(self):
        from groupbuy.demands.deposits import (
            DEPOSIT_PURPOSE,
            deposit_captured,
            deposit_descriptions,
            deposit_failed,
        )
        from groupbuy.escrow.handlers import (
            register_capture_handler,
            register_describer,
            register_payment_failed_handler,
            register_purpose_label,
            register_refund_reasons,
            register_return_label,
        )

        register_capture_handler(DEPOSIT_PURPOSE, deposit_captured)
        register_payment_failed_handler(DEPOSIT_PURPOSE, deposit_failed)
        # A deposit returns to the demand's page.
        register_return_label(DEPOSIT_PURPOSE, _("Back to the demand"))
        register_purpose_label(DEPOSIT_PURPOSE, _("Demand deposit"))
        register_refund_reasons(
            {
                "demands.withdrawn": _("Withdrew from the demand"),
                "demands.cancelled": _("The demand was cancelled"),
                "demands.expired": _("The demand expired"),
                "demands.accepted": _("An offer was accepted before it was paid"),
            }
        )
        # Its ledger lines say "Deposit: …" in the reader's language.
        register_describer(DEPOSIT_PURPOSE, deposit_descriptions)
        # Cancelling an order made from a demand is leaving the demand: the
        # deals app asks this app what the deposit's rule keeps.
        from groupbuy.deals.leave_hooks import LeaveHook, register_leave_hook
        from groupbuy.demands.selectors import order_leave_terms
        from groupbuy.demands.services.forfeits import order_leaving

        register_leave_hook(LeaveHook(terms=order_leave_terms, leaving=order_leaving))
        # An order made from a demand that leaves its deal any other way (a
        # refund, the payment window's expiry, a failed deal) ends the
        # participation: receivers of the deals app's documented signals.
        from groupbuy.demands import checks, receivers, tasks  # noqa: F401

        self._register_private_photos()

    def _register_private_photos(self) -> None:
        """A draft's photos are its initiator's until it is published; a photo
        hidden after a report is the operators'."""
        from groupbuy.core import private_media
        from groupbuy.demands import photo_storage

        private_media.register(
            photo_storage.DRAFT_PREFIX, photo_storage.may_view_draft_photo
        )
        private_media.register(
            photo_storage.HIDDEN_PREFIX, photo_storage.may_view_hidden_photo
        )
