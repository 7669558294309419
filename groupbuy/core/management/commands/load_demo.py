from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load the demo merchant, products, deals and accounts (safe to run again)."

    def handle(self, *args, **options):
        from groupbuy.core.plugins import demo_loaders
        from groupbuy.demo_data import load_demo

        logins = load_demo(stdout=self.stdout)
        # Then each app's own demo data (declared in its groupbuy_app.py), in
        # INSTALLED_APPS order, so an app may build on the core demo data.
        for label, loader in demo_loaders():
            self.stdout.write(f"Demo data: {label}")
            loader(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Demo logins:"))
        for role, phone, password in logins:
            self.stdout.write(f"  {role:<10} {phone}  /  {password}")
