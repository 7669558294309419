"""The merchant console's menu, with the sections the person may open.

{% load console %}
{% console_menu merchant as menu %}
{% console_menu_groups merchant as groups %}   the home's: under their headings
{% console_way_back as way_back %}              the 403 page's way back in
"""

from __future__ import annotations

from django import template
from django.urls import reverse

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
def console_way_back(context) -> dict | None:
    """Return the way back into the console of the shop whose page refused the
    person, when they are its staff (a cashier opening an owners' page): the
    first till entry of their menu ("Redeem coupons" where the coupons app is
    installed) and the console's home. None for anyone else.

    The 403 page offers it instead of the shoppers' deal list only."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    merchant_id = match.kwargs.get("merchant_id") if match else None
    user = getattr(request, "user", None)
    if not merchant_id or user is None:
        return None
    merchant = next(
        (
            membership.merchant
            for membership in user_memberships(user=user)
            if membership.merchant.public_id == merchant_id
        ),
        None,
    )
    if merchant is None:
        return None
    till = [link for link in console_menu(context, merchant) if link.group == "till"]
    return {
        "till": till[0] if till else None,
        "home": reverse("web:merchant_dashboard", args=[merchant.public_id]),
    }
