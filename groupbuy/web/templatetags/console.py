"""The merchant console's menu, with the sections the person may open.

{% load console %}
{% console_menu merchant as menu %}
{% console_menu_groups merchant as groups %}   the home's: under their headings
{% console_way_back as merchant_id %}           the 403 page's way back in
"""

from __future__ import annotations

from django import template

from groupbuy.accounts.selectors import user_memberships
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


@register.simple_tag(takes_context=True)
def console_way_back(context) -> str:
    """Return the public id of the shop whose console page refused the person
    when they are its staff (a cashier opening an owner's page), else "".

    The 403 page then offers the way back into that console instead of the
    shoppers' deal list only."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    merchant_id = match.kwargs.get("merchant_id") if match else None
    user = getattr(request, "user", None)
    if not merchant_id or user is None:
        return ""
    for membership in user_memberships(user=user):
        if membership.merchant.public_id == merchant_id:
            return merchant_id
    return ""
