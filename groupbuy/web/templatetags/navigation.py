"""The navigations the apps declare (groupbuy_app.py), for the templates.

{% load navigation %}
{% nav_links "shopper" as tabs %}                      every shopper entry
{% shopper_tabs as tabs %}                             the tab bar: pinned + More
{% nav_links "merchant" merchant.public_id as menu %}  the merchant console menu
{% nav_icon "camera" %}                                an inline SVG icon
{% signed_in_scripts as scripts %}                     the apps' page scripts
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from groupbuy.core.plugins import nav_links as declared_nav_links
from groupbuy.core.plugins import signed_in_scripts as declared_scripts

register = template.Library()

# Inline SVG paths (24 × 24, stroked by app.css): no icon font, nothing fetched.
ICONS = {
    "bag": '<path d="M6 8h12l-1 12H7L6 8z"/><path d="M9 8V6a3 3 0 0 1 6 0v2"/>',
    "camera": '<path d="M4 8h3l2-3h6l2 3h3v11H4z"/><circle cx="12" cy="13" r="3.5"/>',
    "receipt": '<path d="M6 3h12v18l-3-2-3 2-3-2-3 2z"/><path d="M9 8h6M9 12h6"/>',
    "wallet": '<rect x="3" y="6" width="18" height="13" rx="2"/><path d="M3 10h18"/>'
    '<circle cx="16.5" cy="14.5" r="1.2"/>',
    "bell": '<path d="M6 17V11a6 6 0 0 1 12 0v6l1.5 2h-15z"/><path d="M10 21h4"/>',
    "users": '<circle cx="9" cy="8" r="3.5"/><path d="M2.5 20a6.5 6.5 0 0 1 13 0"/>'
    '<path d="M16 4.5a3.5 3.5 0 0 1 0 7M18 14a6.5 6.5 0 0 1 3.5 6"/>',
    "ticket": '<path d="M3 7h18v3a2 2 0 0 0 0 4v3H3v-3a2 2 0 0 0 0-4z"/>'
    '<path d="M14 7v10" stroke-dasharray="2 2"/>',
    "share": '<circle cx="6" cy="12" r="2.5"/><circle cx="18" cy="6" r="2.5"/>'
    '<circle cx="18" cy="18" r="2.5"/><path d="M8.3 10.8l7.4-3.6M8.3 13.2l7.4 3.6"/>',
    "megaphone": '<path d="M3 10v4h4l8 5V5L7 10z"/><path d="M18 9a4 4 0 0 1 0 6"/>',
    "chart": '<path d="M4 20V4M4 20h16"/><path d="M8 16v-5M12 16V8M16 16v-3"/>',
    "list": '<path d="M8 6h12M8 12h12M8 18h12"/><circle cx="4" cy="6" r="1"/>'
    '<circle cx="4" cy="12" r="1"/><circle cx="4" cy="18" r="1"/>',
    "cart": '<path d="M3 4h2.5l2.2 10.5h10.6L20.5 7H6.6"/>'
    '<circle cx="9.5" cy="19" r="1.5"/><circle cx="16.5" cy="19" r="1.5"/>',
    "user": '<circle cx="12" cy="8" r="4"/><path d="M4.5 21a7.5 7.5 0 0 1 15 0"/>',
    "more": '<circle cx="5" cy="12" r="1.6"/><circle cx="12" cy="12" r="1.6"/>'
    '<circle cx="19" cy="12" r="1.6"/>',
}
DEFAULT_ICON = '<circle cx="12" cy="12" r="7"/>'


@register.simple_tag
def nav_links(role: str, *args):
    """Return the role's navigation entries, resolved to URLs."""
    return declared_nav_links(role, args=args)


@dataclass(frozen=True)
class ShopperTabs:
    """The phone's tab bar: the pinned entries, then "More" for the rest."""

    pinned: list
    more: list

    @property
    def more_badges(self) -> list[str]:
        """Return the badge ids of the entries behind "More" (shown on its tab)."""
        return [link.badge for link in self.more if link.badge]


@register.simple_tag
def shopper_tabs() -> ShopperTabs:
    links = declared_nav_links("shopper")
    return ShopperTabs(
        pinned=[link for link in links if link.pinned],
        more=[link for link in links if not link.pinned],
    )


@register.simple_tag
def signed_in_scripts():
    """Return the static module scripts the apps load for signed-in people."""
    return declared_scripts()


@register.simple_tag
def nav_icon(name: str):
    paths = ICONS.get(name, DEFAULT_ICON)
    return format_html(
        '<svg class="tab-icon" viewBox="0 0 24 24" aria-hidden="true">{}</svg>',
        mark_safe(paths),
    )
