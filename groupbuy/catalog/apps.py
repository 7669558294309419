from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "groupbuy.catalog"
    label = "catalog"
    verbose_name = "Catalog"
