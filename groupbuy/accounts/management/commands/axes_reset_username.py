from axes.management.commands.axes_reset_username import Command as AxesCommand

from groupbuy.accounts.management.resets import removed_text
from groupbuy.accounts.services import failed_logins_reset


class Command(AxesCommand):
    """axes' ``axes_reset_username``, audited: each number's failed logins
    deleted through ``failed_logins_reset`` (``accounts.lockout.cleared``)."""

    def handle(self, *args, **options):
        count = sum(
            failed_logins_reset(actor=None, phone=phone, command="axes_reset_username")
            for phone in options["username"]
        )
        self.stdout.write(removed_text(count))
