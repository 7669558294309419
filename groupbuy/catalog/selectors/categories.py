"""Reads of the category tree and its demand thresholds."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from groupbuy.catalog.models import Category
from groupbuy.catalog.selectors.common import _not_found


@dataclass
class CategoryNode:
    category: Category
    children: list[CategoryNode] = field(default_factory=list)


def category_tree() -> list[CategoryNode]:
    """Return the root categories with their children, each level by English name."""
    nodes = {c.pk: CategoryNode(c) for c in Category.objects.order_by("name_en", "id")}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.category.parent_id)
        (parent.children if parent else roots).append(node)
    return roots


def category_get(*, public_id: str = "", slug: str = "") -> Category:
    lookup = {"public_id": public_id} if public_id else {"slug": slug}
    category = Category.objects.filter(**lookup).first() if public_id or slug else None
    if category is None:
        raise _not_found(_("category"))
    return category


def category_descendant_ids(category: Category) -> list[int]:
    """Return the ids of ``category`` and every category below it."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Category.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, pending = [], [category.pk]
    while pending:
        pk = pending.pop()
        if pk in found:  # a loop made in the admin must not hang a search
            continue
        found.append(pk)
        pending.extend(children.get(pk, []))
    return found


def category_demand_threshold(*, category: Category | None) -> int:
    """Return the distinct requesters needed before operators are prompted:
    the category's own threshold, else the nearest ancestor's, else the default
    (settings.GROUPBUY_DEMAND_THRESHOLD)."""
    seen = set()
    while category is not None and category.pk not in seen:
        if category.demand_threshold is not None:
            return category.demand_threshold
        seen.add(category.pk)
        category = category.parent
    return settings.GROUPBUY_DEMAND_THRESHOLD


def category_demand_thresholds() -> dict[int, int]:
    """``category_demand_threshold`` of every category, by pk, in one query
    (the tree is the operators' few rows): for a list of categories or of
    products, instead of walking each one's ancestors."""
    rows = dict(
        (pk, (parent_id, own))
        for pk, parent_id, own in Category.objects.values_list(
            "pk", "parent_id", "demand_threshold"
        )
    )
    thresholds = {}
    for pk in rows:
        current, seen = pk, set()
        thresholds[pk] = settings.GROUPBUY_DEMAND_THRESHOLD
        while current in rows and current not in seen:
            parent_id, own = rows[current]
            if own is not None:
                thresholds[pk] = own
                break
            seen.add(current)
            current = parent_id
    return thresholds
