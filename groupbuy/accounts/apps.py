from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "groupbuy.accounts"
    label = "accounts"
    verbose_name = "Accounts"
