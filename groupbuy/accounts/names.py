"""How a person is named to strangers on shared pages (a deal's first buyers,
a team's members, a merchant's team list)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from groupbuy.accounts.personal_data import is_erased


def mask_display_name(user) -> str:
    """Return the first character of a person's display name, the rest hidden
    (张**, a***): two stars after a Chinese character, three otherwise; "***"
    with no display name (never any digit of their number); "Deleted user"
    once erased."""
    if is_erased(user):
        return _("Deleted user")
    name = (getattr(user, "display_name", "") or "").strip()
    if not name:
        return "***"
    return name[0] + ("**" if ord(name[0]) > 0x2E80 else "***")
