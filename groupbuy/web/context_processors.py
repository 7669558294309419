"""Values every page's header needs: site name and which navigation to show."""

from __future__ import annotations

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from groupbuy.accounts.selectors import user_is_merchant_staff


def site(request):
    user = getattr(request, "user", None)

    def is_merchant_staff() -> bool:
        return bool(user is not None and user_is_merchant_staff(user=user))

    return {
        "site_name": settings.GROUPBUY_SITE_NAME,
        # Lazy: only pages that render the merchant link pay for the query.
        "nav_is_merchant_staff": SimpleLazyObject(is_merchant_staff),
    }
