from django.apps import AppConfig


class EscrowConfig(AppConfig):
    name = "groupbuy.escrow"
    label = "escrow"
    verbose_name = "Escrow"
