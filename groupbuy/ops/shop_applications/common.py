"""What both sides' transitions share: the row lock and the refusal of an
application no longer pending."""

from __future__ import annotations

from django.utils.translation import gettext

from groupbuy.ops.errors import OpsError
from groupbuy.ops.models import ShopApplication


def locked(application: ShopApplication) -> ShopApplication:
    return ShopApplication.objects.select_for_update().get(pk=application.pk)


def not_pending(application: ShopApplication) -> OpsError:
    return OpsError(
        "not_pending",
        gettext("This application is already %(status)s.")
        % {"status": application.get_status_display().lower()},
        status=409,
        extra={"status": application.status},
    )
