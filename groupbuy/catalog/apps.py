from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "groupbuy.catalog"
    label = "catalog"
    verbose_name = "Catalog"

    def ready(self):
        from groupbuy.catalog import receivers  # noqa: F401
