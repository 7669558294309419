from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load the demo merchant, products, deals and accounts (safe to run again)."

    def handle(self, *args, **options):
        from groupbuy.demo_data import load_demo

        logins = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Demo logins:"))
        for role, phone, password in logins:
            self.stdout.write(f"  {role:<10} {phone}  /  {password}")
