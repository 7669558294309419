from django.apps import AppConfig


class PoolingConfig(AppConfig):
    name = "groupbuy.pooling"
    label = "pooling"
    verbose_name = "Pooled orders"
