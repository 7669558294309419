"""Categories: a small tree, each with an optional snap demand threshold."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import Category
from groupbuy.catalog.permissions import require_operator
from groupbuy.catalog.services._common import (
    UNSET,
    clean_text,
    invalid,
    is_set,
    save_changes,
)
from groupbuy.catalog.signals import demand_thresholds_changed
from groupbuy.core.audit import audit_log
from groupbuy.core.echo import echoed
from groupbuy.core.transactions import after_commit

MAX_DEPTH = 6


def _clean_slug(slug: str) -> str:
    text = (slug or "").strip().lower()
    try:
        validate_slug(text)
    except ValidationError:
        raise invalid(
            "slug",
            _("A slug uses only letters, digits, hyphens and underscores."),
        ) from None
    if len(text) > 50:
        raise invalid("slug", _("A slug may have at most 50 characters."))
    return text


def _clean_threshold(value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise invalid(
            "demand_threshold",
            _("The demand threshold is a whole number of people, at least 1."),
        )
    return value


def _check_parent(category: Category | None, parent: Category | None) -> None:
    """Refuse a parent that would make a loop or a tree deeper than MAX_DEPTH."""
    depth, node = 1, parent
    while node is not None:
        if category is not None and node.pk == category.pk:
            raise invalid(
                "parent",
                _("A category cannot be placed under itself or its own child."),
            )
        depth += 1
        if depth > MAX_DEPTH:
            raise invalid(
                "parent",
                _("Categories nest at most %(depth)d levels deep.")
                % {"depth": MAX_DEPTH},
            )
        node = node.parent


def _category_fields(*, name_zh=UNSET, name_en=UNSET, demand_threshold=UNSET) -> dict:
    fields = {}
    if is_set(name_zh):
        fields["name_zh"] = clean_text(
            name_zh,
            field="name_zh",
            label=_("Chinese name"),
            max_length=80,
            required=True,
        )
    if is_set(name_en):
        fields["name_en"] = clean_text(
            name_en,
            field="name_en",
            label=_("English name"),
            max_length=80,
            required=True,
        )
    if is_set(demand_threshold):
        fields["demand_threshold"] = _clean_threshold(demand_threshold)
    return fields


def _slug_taken(slug: str) -> CatalogError:
    return CatalogError(
        "slug_taken",
        _("The slug “%(slug)s” is already used by another category.")
        % {"slug": echoed(slug)},
        status=409,
        fields={"slug": [_("Already used.")]},
    )


def category_create(
    *,
    actor,
    slug: str,
    name_zh: str,
    name_en: str,
    parent: Category | None = None,
    demand_threshold: int | None = None,
) -> Category:
    """Create a category (operators only)."""
    require_operator(actor)
    slug = _clean_slug(slug)
    fields = _category_fields(
        name_zh=name_zh, name_en=name_en, demand_threshold=demand_threshold
    )
    _check_parent(None, parent)
    if Category.objects.filter(slug=slug).exists():
        raise _slug_taken(slug)
    try:
        with transaction.atomic():
            category = Category.objects.create(slug=slug, parent=parent, **fields)
            audit_log(actor=actor, action="catalog.category.created", obj=category)
    except IntegrityError:
        raise _slug_taken(slug) from None
    return category


def category_update(
    *,
    actor,
    category: Category,
    name_zh: str = UNSET,
    name_en: str = UNSET,
    parent: Category | None = UNSET,
    demand_threshold: int | None = UNSET,
) -> Category:
    """Rename, move or change the demand threshold of a category (operators)."""
    require_operator(actor)
    fields = _category_fields(
        name_zh=name_zh, name_en=name_en, demand_threshold=demand_threshold
    )
    if is_set(parent):
        _check_parent(category, parent)
        fields["parent"] = parent
    changed = save_changes(
        category, fields, actor=actor, action="catalog.category.updated"
    )
    if {"demand_threshold", "parent"} & set(changed):
        after_commit(demand_thresholds_changed.send, sender=Category)
    return category
