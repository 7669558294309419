from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "groupbuy.catalog"
    label = "catalog"
    verbose_name = _("Catalog")

    def ready(self):
        from groupbuy.catalog import receivers  # noqa: F401
