from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SnapConfig(AppConfig):
    name = "groupbuy.snap"
    label = "snap"
    verbose_name = _("Snaps")

    def ready(self) -> None:
        from django.conf import settings

        from groupbuy.core import private_media
        from groupbuy.snap import receivers  # noqa: F401  (connects the receivers)
        from groupbuy.snap.capacity import limit_malloc_arenas
        from groupbuy.snap.permissions import may_view_snap_photo

        private_media.register("snaps", may_view_snap_photo)
        limit_malloc_arenas(settings.GROUPBUY_MALLOC_ARENA_MAX)
