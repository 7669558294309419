from axes.management.commands.axes_reset import Command as AxesCommand

from groupbuy.accounts.management.resets import removed_text
from groupbuy.accounts.services import failed_logins_reset


class Command(AxesCommand):
    """axes' ``axes_reset``, audited: every failed login deleted through
    ``failed_logins_reset`` (``accounts.lockout.cleared`` per number)."""

    def handle(self, *args, **options):
        count = failed_logins_reset(actor=None, command="axes_reset")
        self.stdout.write(removed_text(count))
