"""Merchants and their branches."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from groupbuy.accounts.models import MerchantMembership
from groupbuy.accounts.phones import normalize_phone
from groupbuy.accounts.services import merchant_membership_add
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.geo import is_valid_coordinate
from groupbuy.catalog.hours import OpeningHoursError, clean_opening_hours
from groupbuy.catalog.models import Branch, Merchant
from groupbuy.catalog.permissions import require_merchant_owner, require_operator
from groupbuy.catalog.services._common import (
    UNSET,
    clean_text,
    invalid,
    is_set,
    save_changes,
)
from groupbuy.core import plugins
from groupbuy.core.audit import audit_log
from groupbuy.core.i18n import join_sentences
from groupbuy.core.locks import transaction_lock

_MICRODEGREE = Decimal("0.000001")


def _merchant_fields(*, name=UNSET, name_en=UNSET, description=UNSET) -> dict:
    fields = {}
    if is_set(name):
        fields["name"] = clean_text(
            name, field="name", label=_("name"), max_length=120, required=True
        )
    if is_set(name_en):
        fields["name_en"] = clean_text(
            name_en,
            field="name_en",
            label=_("English name"),
            max_length=120,
            required=False,
        )
    if is_set(description):
        fields["description"] = (description or "").strip()
    return fields


def _lock_merchant_name(name: str) -> None:
    """Hold ``name`` (case and spacing aside) until the transaction ends, so two
    shops cannot take it at once (no row stands for a name, and a unique index
    would forbid the operator's confirmed second shop of a name)."""
    transaction_lock(f"merchant-name:{_name_key(name)}")


def _refuse_a_taken_merchant_name(name: str, *, merchant: Merchant | None = None):
    """Refuse a name an active merchant other than ``merchant`` has, whatever its
    case and spacing (409 ``merchant_exists``): shoppers and the shop's staff tell
    shops apart by name. Call inside the transaction that saves the name."""
    _lock_merchant_name(name)
    others = Merchant.objects.filter(is_active=True, name__iexact=name)
    if merchant is not None:
        others = others.exclude(pk=merchant.pk)
    existing = others.order_by("pk").first()
    if existing is None:
        return
    message = _("A merchant named “%(name)s” already exists (%(merchant)s).") % {
        "name": existing.name,
        "merchant": existing.public_id,
    }
    raise CatalogError(
        "merchant_exists",
        message,
        status=409,
        fields={"name": [message]},
        extra={"merchant_id": existing.public_id, "merchant_name": existing.name},
    )


def merchant_create(
    *,
    actor,
    name: str,
    name_en: str = "",
    description: str = "",
    owner=None,
    allow_same_name: bool = False,
) -> Merchant:
    """Create a merchant (operators only), optionally with its first owner. A
    name an active merchant has is refused (409 ``merchant_exists``) unless the
    operator confirms another shop of that name (``allow_same_name``)."""
    require_operator(actor)
    fields = _merchant_fields(name=name, name_en=name_en, description=description)
    with transaction.atomic():
        if not allow_same_name:
            _refuse_a_taken_merchant_name(fields["name"])
        merchant = Merchant.objects.create(**fields)
        audit_log(actor=actor, action="catalog.merchant.created", obj=merchant)
        if owner is not None:
            merchant_membership_add(
                actor=actor,
                user=owner,
                merchant=merchant,
                role=MerchantMembership.Role.OWNER,
            )
    return merchant


def merchant_update(
    *,
    actor,
    merchant: Merchant,
    name: str = UNSET,
    name_en: str = UNSET,
    description: str = UNSET,
    is_active: bool = UNSET,
    allow_same_name: bool = False,
) -> Merchant:
    """Change a merchant's details (its owners). A new name another active
    merchant has is refused (409 ``merchant_exists``) unless an operator
    confirms two shops of that name (``allow_same_name``), as on create.

    ``is_active`` is accepted unchanged (a client sending the whole shop back);
    a change is refused (400 ``switch_elsewhere``): see ``merchant_active_set``."""
    if is_set(is_active) and bool(is_active) != merchant.is_active:
        _refuse_a_switch(actor, merchant)
    if allow_same_name:
        require_operator(actor)
    else:
        require_merchant_owner(actor, merchant)
    fields = _merchant_fields(name=name, name_en=name_en, description=description)
    renamed = "name" in fields and fields["name"] != merchant.name
    with transaction.atomic():
        if renamed and not allow_same_name:
            _refuse_a_taken_merchant_name(fields["name"], merchant=merchant)
        save_changes(merchant, fields, actor=actor, action="catalog.merchant.updated")
    return merchant


def _refuse_a_switch(actor, merchant: Merchant) -> None:
    """Refuse to switch ``merchant`` off or on here: that told no owner and
    recorded no reason. Who may not switch at all keeps their 403."""
    require_operator(actor)
    message = _(
        "A shop is switched off or on only through %(switch_off)s or "
        "%(switch_on)s, which tell its owners and record why."
    ) % {
        "switch_off": f"/api/operator/merchants/{merchant.public_id}/switch-off",
        "switch_on": f"/api/operator/merchants/{merchant.public_id}/switch-on",
    }
    raise CatalogError("switch_elsewhere", message, fields={"is_active": [message]})


def merchant_active_set(
    *, actor, merchant: Merchant, is_active: bool, allow_same_name: bool = False
) -> Merchant:
    """Store a shop switched off or on (operators), for the operators' switch
    alone: it tells the shop's owners and records the reason, which this does
    not (a test holds every other caller off). Switching a shop on while
    another active one has its name (taken while it was off) is refused (409
    ``merchant_exists``) unless ``allow_same_name``."""
    require_operator(actor)
    switched_on = bool(is_active) and not merchant.is_active
    with transaction.atomic():
        if switched_on and not allow_same_name:
            _refuse_a_taken_merchant_name(merchant.name, merchant=merchant)
        save_changes(
            merchant,
            {"is_active": bool(is_active)},
            actor=actor,
            action="catalog.merchant.updated",
        )
    return merchant


def _clean_coordinate(value, *, field: str, label: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value)).quantize(_MICRODEGREE, rounding=ROUND_HALF_EVEN)
    except (InvalidOperation, ValueError):
        raise invalid(
            field, _("The %(label)s must be a number.") % {"label": label}
        ) from None
    if not number.is_finite():
        raise invalid(field, _("The %(label)s must be a number.") % {"label": label})
    return number


def _clean_location(latitude, longitude) -> tuple[Decimal | None, Decimal | None]:
    lat = _clean_coordinate(latitude, field="latitude", label=_("latitude"))
    lng = _clean_coordinate(longitude, field="longitude", label=_("longitude"))
    if (lat is None) != (lng is None):
        field = "longitude" if lng is None else "latitude"
        raise invalid(field, _("Give both latitude and longitude, or neither."))
    if lat is not None and not is_valid_coordinate(float(lat), float(lng)):
        raise invalid(
            "latitude",
            _("Latitude must be within ±90 and longitude within ±180 degrees."),
        )
    return lat, lng


def _clean_branch_phone(phone: str) -> str:
    if not (phone or "").strip():
        return ""
    try:
        return normalize_phone(phone)
    except ValidationError as error:
        raise invalid("phone", error.messages[0]) from None


def _clean_opening_hours(opening_hours) -> list[dict]:
    try:
        return clean_opening_hours(opening_hours)
    except OpeningHoursError as error:
        raise invalid("opening_hours", str(error)) from None


def _branch_fields(
    *,
    name=UNSET,
    name_en=UNSET,
    address=UNSET,
    phone=UNSET,
    opening_hours=UNSET,
) -> dict:
    fields = {}
    if is_set(name):
        fields["name"] = clean_text(
            name, field="name", label=_("branch name"), max_length=120, required=True
        )
    if is_set(name_en):
        fields["name_en"] = clean_text(
            name_en,
            field="name_en",
            label=_("English name"),
            max_length=120,
            required=False,
        )
    if is_set(opening_hours):
        fields["opening_hours"] = _clean_opening_hours(opening_hours)
    if is_set(address):
        fields["address"] = clean_text(
            address, field="address", label=_("address"), max_length=255, required=True
        )
    if is_set(phone):
        fields["phone"] = _clean_branch_phone(phone)
    return fields


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _refuse_a_taken_branch_name(merchant: Merchant, name: str, *, branch=None):
    """Refuse a name another branch of ``merchant`` has, whatever its case and
    spacing, closed branches too: shoppers pick their pickup branch by name.
    Locks the merchant's row, so two owners cannot add the same name at once;
    ``one_branch_name_per_merchant`` backs this up in the database."""
    Merchant.objects.select_for_update(no_key=True).filter(pk=merchant.pk).first()
    others = Branch.objects.filter(merchant=merchant)
    if branch is not None:
        others = others.exclude(pk=branch.pk)
    key = _name_key(name)
    for taken in others.values_list("name", flat=True):
        if _name_key(taken) == key:
            # Named as saved ("East Gate"), not as typed ("east  gate"): the
            # owner looks for it in their list of branches.
            raise invalid(
                "name",
                _("There is already a branch named %(name)s.") % {"name": taken},
                code="duplicate",
            )


def branch_create(
    *,
    actor,
    merchant: Merchant,
    name: str,
    address: str,
    latitude: float | Decimal | None = None,
    longitude: float | Decimal | None = None,
    phone: str = "",
    name_en: str = "",
    opening_hours: list[dict] | None = None,
) -> Branch:
    """Open a branch of ``merchant`` (its owners or operators).

    ``opening_hours`` is the week as ``catalog.hours`` reads it, one
    ``{"day", "opens", "closes"}`` per day the branch opens."""
    require_merchant_owner(actor, merchant)
    fields = _branch_fields(
        name=name,
        name_en=name_en,
        address=address,
        phone=phone,
        opening_hours=opening_hours,
    )
    fields["latitude"], fields["longitude"] = _clean_location(latitude, longitude)
    with transaction.atomic():
        _refuse_a_taken_branch_name(merchant, fields["name"])
        branch = Branch.objects.create(merchant=merchant, **fields)
        audit_log(
            actor=actor,
            action="catalog.branch.created",
            obj=branch,
            data={"merchant": merchant.public_id},
        )
    return branch


def branch_update(
    *,
    actor,
    branch: Branch,
    name: str = UNSET,
    address: str = UNSET,
    latitude: float | Decimal | None = UNSET,
    longitude: float | Decimal | None = UNSET,
    phone: str = UNSET,
    is_active: bool = UNSET,
    name_en: str = UNSET,
    opening_hours: list[dict] | None = UNSET,
) -> Branch:
    """Change a branch of a merchant (its owners or operators), close it
    (``is_active=False``: refused while buyers still count on it) or open it
    again."""
    require_merchant_owner(actor, branch.merchant)
    fields = _branch_fields(
        name=name,
        name_en=name_en,
        address=address,
        phone=phone,
        opening_hours=opening_hours,
    )
    if is_set(latitude) or is_set(longitude):
        fields["latitude"], fields["longitude"] = _clean_location(
            latitude if is_set(latitude) else branch.latitude,
            longitude if is_set(longitude) else branch.longitude,
        )
    if is_set(is_active):
        fields["is_active"] = bool(is_active)
    with transaction.atomic():
        if "name" in fields:
            _refuse_a_taken_branch_name(branch.merchant, fields["name"], branch=branch)
        if fields.get("is_active") is False:
            _refuse_to_strand_buyers(branch)
        save_changes(branch, fields, actor=actor, action="catalog.branch.updated")
    return branch


def _refuse_to_strand_buyers(branch: Branch) -> None:
    """Refuse to close ``branch`` while an app names buyers who would be left
    with nowhere to collect (``branch_close_blockers``: orders and coupons to
    collect there, deals open at the shop's last open branch, pools planned
    there). Locks the merchant's branches (the merchant's row first, as every
    branch change does), so two of its last branches cannot close at once.

    The merchant's row is taken ``FOR NO KEY UPDATE``: branch changes queue on
    it, but rows that merely point at the merchant (a redemption, an order)
    may still be written. ``FOR UPDATE`` also held those writers' foreign-key
    checks: a till holding this branch's lock then waited for the merchant
    while the closing waited for the branch (a deadlock on PostgreSQL)."""
    Merchant.objects.select_for_update(no_key=True).filter(
        pk=branch.merchant_id
    ).first()
    branches = list(
        Branch.objects.select_for_update()
        .filter(merchant_id=branch.merchant_id)
        .order_by("pk")
        .values_list("pk", "is_active")
    )
    if not dict(branches).get(branch.pk):
        return  # already closed: nothing changes
    last_open = not any(
        is_open for pk, is_open in branches if is_open and pk != branch.pk
    )
    blockers = plugins.branch_close_blockers(branch, last_open=last_open)
    if blockers:
        raise CatalogError(
            "branch_in_use",
            join_sentences(blockers),
            status=409,
            extra={"blockers": blockers},
        )
