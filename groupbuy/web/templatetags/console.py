"""The merchant console's menu, with the sections the person may open.

{% load console %}
{% console_menu merchant as menu %}
{% console_menu_groups merchant as groups %}   the home's: under their headings
"""

from __future__ import annotations

from django import template

from groupbuy.catalog.permissions import is_merchant_owner
from groupbuy.core.plugins import nav_groups, nav_links

register = template.Library()


@register.simple_tag(takes_context=True)
def console_menu(context, merchant):
    """Return the merchant menu's links, without the owners' sections for a
    cashier."""
    request = context.get("request")
    user = getattr(request, "user", None)
    is_owner = is_merchant_owner(user, merchant)
    return [
        link
        for link in nav_links("merchant", args=[merchant.public_id])
        if is_owner or not link.owners_only
    ]


@register.simple_tag(takes_context=True)
def console_menu_groups(context, merchant):
    """Return the menu's links under the headings of their groups."""
    return nav_groups(console_menu(context, merchant))


@register.simple_tag(takes_context=True)
def console_is_owner(context, merchant) -> bool:
    request = context.get("request")
    return is_merchant_owner(getattr(request, "user", None), merchant)
