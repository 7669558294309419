from axes.management.commands.axes_reset_ip_username import Command as AxesCommand

from groupbuy.accounts.management.resets import removed_text
from groupbuy.accounts.services import failed_logins_reset


class Command(AxesCommand):
    """axes' ``axes_reset_ip_username``, audited: the number's failed logins
    from the address deleted through ``failed_logins_reset``."""

    def handle(self, *args, **options):
        count = failed_logins_reset(
            actor=None,
            phone=options["username"],
            ip_address=options["ip"],
            command="axes_reset_ip_username",
        )
        self.stdout.write(removed_text(count))
