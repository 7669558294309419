from axes.management.commands.axes_reset_ip import Command as AxesCommand

from groupbuy.accounts.management.resets import removed_text
from groupbuy.accounts.services import failed_logins_reset


class Command(AxesCommand):
    """axes' ``axes_reset_ip``, audited: each address's failed logins deleted
    through ``failed_logins_reset`` (``accounts.lockout.cleared`` per number)."""

    def handle(self, *args, **options):
        count = sum(
            failed_logins_reset(actor=None, ip_address=address, command="axes_reset_ip")
            for address in options["ip"]
        )
        self.stdout.write(removed_text(count))
