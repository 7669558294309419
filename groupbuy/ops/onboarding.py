"""Operators onboard a merchant from the dashboard: the shop and its owner.

The owner is named by phone number. Someone who already has an account with
that number becomes the owner at once and is told in their inbox; anyone else
gets an invitation by SMS (``notify.invitations``) and becomes the owner when
they sign up and verify that number (``accounts.signals.phone_verified``, see
``owner_invitations_accept``).

A name an active merchant already has (whatever its case and spaces) is
refused unless the operator confirms (``allow_same_name``): sent twice, the
form made two shops of the same name. The catalog's ``merchant_create`` refuses
it (as ``merchant_update`` refuses an owner's rename to it), locked so two at
once cannot both pass; here it is said to the operator.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy

from groupbuy.accounts.models import MerchantMembership, User
from groupbuy.accounts.phones import normalize_phone
from groupbuy.accounts.services import merchant_membership_add
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import Merchant
from groupbuy.catalog.selectors import merchant_name_lazy
from groupbuy.catalog.services import merchant_create
from groupbuy.core.audit import audit_log
from groupbuy.notify.invitations import notification_invite
from groupbuy.notify.services import notification_enqueue
from groupbuy.ops.errors import OpsError
from groupbuy.ops.models import MerchantOwnerInvitation

OWNER_ADDED_KIND = "ops.merchant.owner_added"


def _require_operator(user) -> None:
    if not getattr(user, "is_staff", False):
        raise OpsError(
            "forbidden", gettext("Only operators can create merchants."), status=403
        )


def _operator_refusal(error: CatalogError) -> OpsError:
    """The catalog's refusal of a taken name, said to the operator, who may
    open that shop or confirm another of the same name."""
    # Named as people know it: its number is beside the message (API) or a
    # link to its console (the page), not in the words.
    message = gettext(
        "A merchant named “%(name)s” already exists: open it rather than "
        "creating it again, or confirm that you want another shop with this name."
    ) % {"name": error.extra["merchant_name"]}
    return OpsError(
        "merchant_exists",
        message,
        status=409,
        fields={"name": [message]},
        extra=error.extra,
    )


def owners_other_merchants(*, merchant: Merchant) -> list[Merchant]:
    """Return the other active merchants the owners of ``merchant`` own, by
    name: an existing account named as owner runs them too."""
    owners = MerchantMembership.objects.filter(
        merchant=merchant, role=MerchantMembership.Role.OWNER
    ).values("user_id")
    return list(
        Merchant.objects.filter(
            is_active=True,
            memberships__user_id__in=owners,
            memberships__role=MerchantMembership.Role.OWNER,
        )
        .exclude(pk=merchant.pk)
        .distinct()
        .order_by("name", "pk")
    )


OWNER_INVITED_KIND = "ops.merchant.owner_invited"


def _owner_phone(raw: str) -> str:
    try:
        return normalize_phone(raw)
    except ValidationError as error:
        raise OpsError(
            "invalid", error.messages[0], fields={"owner_phone": error.messages}
        ) from None


def merchant_onboard(
    *,
    actor,
    name: str,
    owner_phone: str,
    name_en: str = "",
    allow_same_name: bool = False,
) -> tuple[Merchant, MerchantOwnerInvitation | None]:
    """Create a merchant with its owner, or an invitation for the owner's phone.

    Return the merchant and the invitation (None when the owner had an account).
    A name an active merchant has is refused (409 ``merchant_exists``) unless
    ``allow_same_name``.
    """
    _require_operator(actor)
    phone = _owner_phone(owner_phone)
    with transaction.atomic():
        owner = User.objects.filter(phone=phone, is_active=True).first()
        try:
            merchant = merchant_create(
                actor=actor,
                name=name,
                name_en=name_en,
                owner=owner,
                allow_same_name=allow_same_name,
            )
        except CatalogError as error:
            if error.code != "merchant_exists":
                raise
            raise _operator_refusal(error) from None
        if owner is not None:
            notification_enqueue(
                recipient=owner,
                kind=OWNER_ADDED_KIND,
                title=gettext_lazy("You run a shop on groupbuy now"),
                body=format_lazy(
                    gettext_lazy("You are the owner of {merchant}; open the console."),
                    merchant=merchant_name_lazy(merchant),
                ),
                url=reverse("web:merchant_home"),
            )
            return merchant, None
        invitation = MerchantOwnerInvitation.objects.create(
            merchant=merchant, phone=phone, invited_by=actor
        )
        audit_log(
            actor=actor,
            action="ops.merchant.owner_invited",
            obj=invitation,
            data={"merchant": merchant.public_id},
        )
        notification_invite(
            actor=actor,
            address=phone,
            kind=OWNER_INVITED_KIND,
            title=gettext_lazy("You are invited to run a shop on groupbuy"),
            body=format_lazy(
                gettext_lazy(
                    "{merchant} is ready for you: sign up with this phone number "
                    "to become its owner."
                ),
                merchant=merchant_name_lazy(merchant),
            ),
            url=reverse("web:signup"),
            idempotency_key=f"ops.owner_invited:{invitation.public_id}",
        )
    return merchant, invitation


@transaction.atomic
def owner_invitations_accept(*, user, phone_e164: str) -> int:
    """Make ``user`` the owner of every merchant awaiting them; return how many.

    Accepting again finds none open and changes nothing.
    """
    pending = list(
        MerchantOwnerInvitation.objects.select_for_update(of=("self",))
        .filter(phone=phone_e164, accepted_at__isnull=True)
        .select_related("merchant", "invited_by")
        .order_by("pk")
    )
    now = timezone.now()
    for invitation in pending:
        merchant_membership_add(
            actor=invitation.invited_by,
            user=user,
            merchant=invitation.merchant,
            role=MerchantMembership.Role.OWNER,
        )
        invitation.accepted_at = now
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit_log(
            actor=user,
            action="ops.merchant.owner_invitation_accepted",
            obj=invitation,
            data={"merchant": invitation.merchant.public_id},
        )
    return len(pending)
