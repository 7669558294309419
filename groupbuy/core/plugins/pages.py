"""What the core's pages ask the apps for: navigation, page parts, scripts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse

from groupbuy.core.plugins.declaration import (
    NAV_GROUPS,
    NAV_ROLES,
    PAGE_SLOTS,
    NavEntry,
)
from groupbuy.core.plugins.registry import installed_apps, load


def nav_entries(role: str) -> list[NavEntry]:
    """Return the navigation entries for ``role``, sorted by order then label."""
    if role not in NAV_ROLES:
        raise ValueError(f"nav role must be one of {NAV_ROLES}: {role!r}")
    entries = [entry for app in installed_apps() for entry in app.nav]
    return sorted(
        (entry for entry in entries if entry.role == role),
        key=lambda entry: (entry.order, str(entry.label)),
    )


@dataclass(frozen=True)
class NavLink:
    """A navigation entry resolved for one page."""

    entry: NavEntry
    url: str

    label = property(lambda self: self.entry.label)
    name = property(lambda self: self.entry.name)
    icon = property(lambda self: self.entry.icon)
    badge = property(lambda self: self.entry.badge)
    pinned = property(lambda self: self.entry.pinned)
    owners_only = property(lambda self: self.entry.owners_only)
    group = property(lambda self: self.entry.group)


def nav_links(role: str, *, args: Iterable[Any] = ()) -> list[NavLink]:
    """Return the role's entries with their URLs (reversed with ``args``)."""
    links = []
    for entry in nav_entries(role):
        try:
            url = reverse(entry.url_name, args=list(args))
        except NoReverseMatch as error:
            raise NoReverseMatch(
                f"nav entry {entry.name!r} ({role}): {error}"
            ) from error
        links.append(NavLink(entry=entry, url=url))
    return links


@dataclass(frozen=True)
class NavGroup:
    """The entries listed under one heading of the console's home."""

    key: str
    label: Any
    entries: Sequence[NavEntry | NavLink]


def nav_groups(entries: Iterable[NavEntry | NavLink]) -> list[NavGroup]:
    """Return ``entries`` under their groups' headings, in NAV_GROUPS order,
    each group's in the order given; a group with no entry is left out."""
    entries = list(entries)
    groups = [
        NavGroup(key, label, [entry for entry in entries if entry.group == key])
        for key, label in NAV_GROUPS.items()
    ]
    return [group for group in groups if group.entries]


def page_part_templates(slot: str) -> list[str]:
    """Return the templates the apps render in ``slot``, in app order."""
    if slot not in PAGE_SLOTS:
        raise ValueError(f"page slot must be one of {sorted(PAGE_SLOTS)}: {slot!r}")
    return [app.page_parts[slot] for app in installed_apps() if slot in app.page_parts]


def signed_in_scripts() -> list[str]:
    """Return the static module scripts of every app, in app order."""
    return [script for app in installed_apps() for script in app.signed_in_scripts]


def deal_card_labels(deals: Sequence[Any]) -> dict[int, list[str]]:
    """Return the labels the apps give ``deals`` on their cards, by deal pk,
    in app order (each app reads the whole list at once)."""
    labels: dict[int, list[str]] = {}
    for app in installed_apps():
        if not app.deal_card_labels or not deals:
            continue
        for deal_pk, found in load(app.deal_card_labels)(deals).items():
            labels.setdefault(deal_pk, []).extend(str(label) for label in found)
    return labels
