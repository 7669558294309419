"""The operator's side: read an application in full, approve it (opening the
shop) or decline it saying why."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from groupbuy.catalog.services import branch_create, merchant_create
from groupbuy.core.audit import audit_log
from groupbuy.core.errors import DomainError
from groupbuy.ops import selectors
from groupbuy.ops.errors import OpsError
from groupbuy.ops.models import ShopApplication
from groupbuy.ops.shop_applications.common import locked, not_pending
from groupbuy.ops.shop_applications.fields import REASON_MAX_CHARS, checked
from groupbuy.ops.shop_applications.notifications import (
    tell_applicant_approved,
    tell_applicant_declined,
)


def _require_operator(user) -> None:
    if not getattr(user, "is_operator", False):
        raise OpsError(
            "forbidden",
            gettext("Only operators can decide on shop applications."),
            status=403,
        )


@transaction.atomic
def shop_application_view_for_operator(*, actor, application_id: str):
    """Return an application for an operator to read in full, recording the
    look: its contact phone is someone's personal data (as ``ops.lookup``)."""
    application = selectors.shop_application_get_for_operator(
        user=actor, application_id=application_id
    )
    audit_log(actor=actor, action="ops.shop_application.viewed", obj=application)
    return application


def _name_taken(application: ShopApplication, error: DomainError) -> OpsError:
    merchant = error.extra.get("merchant_id", "")
    # Named as people know it, as the New merchant form says it; its id is in
    # the answer's extra for a link.
    message = gettext(
        "A merchant named “%(name)s” already exists, so this application cannot "
        "be approved as it is: ask the applicant for another name, or decline it "
        "saying why. It stays pending."
    ) % {"name": error.extra.get("merchant_name") or application.name}
    return OpsError(
        "merchant_exists",
        message,
        status=409,
        extra={"merchant_id": merchant, "application_id": application.public_id},
    )


def _open_shop(*, actor, application: ShopApplication):
    """Create the merchant with the applicant as owner, and its first branch."""
    try:
        # merchant_create refuses a name an active merchant has (409
        # merchant_exists), inside its transaction.
        merchant = merchant_create(
            actor=actor,
            name=application.name,
            name_en=application.name_en,
            description=application.sells,
            owner=application.applicant,
        )
    except DomainError as error:
        if error.code != "merchant_exists":
            raise
        raise _name_taken(application, error) from None
    branch_create(
        actor=actor,
        merchant=merchant,
        name=application.name,
        address=application.branch_address,
        phone=application.contact_phone,
    )
    return merchant


def shop_application_approve(*, actor, application: ShopApplication):
    """Open the shop an application asks for (operators only).

    Refused (409 ``merchant_exists``) while an active merchant has its name: it
    then stays pending. Approving again returns it unchanged.
    """
    _require_operator(actor)
    with transaction.atomic():
        application = locked(application)
        if application.status == ShopApplication.Status.APPROVED:
            return application
        if application.status != ShopApplication.Status.PENDING:
            raise not_pending(application)
        merchant = _open_shop(actor=actor, application=application)
        application.status = ShopApplication.Status.APPROVED
        application.merchant = merchant
        application.decided_at = timezone.now()
        application.decided_by = actor
        application.save(
            update_fields=["status", "merchant", "decided_at", "decided_by"]
        )
        audit_log(
            actor=actor,
            action="ops.shop_application.approved",
            obj=application,
            data={"merchant": merchant.public_id},
        )
        tell_applicant_approved(application, merchant=merchant)
    return application


def shop_application_decline(*, actor, application: ShopApplication, reason: str):
    """Decline an application saying why (operators only); the applicant is told."""
    _require_operator(actor)
    reason = checked(
        (reason or "").strip(),
        field="reason",
        label=gettext("reason"),
        limit=REASON_MAX_CHARS,
        required=True,
    )
    with transaction.atomic():
        application = locked(application)
        if application.status == ShopApplication.Status.DECLINED:
            return application
        if application.status != ShopApplication.Status.PENDING:
            raise not_pending(application)
        application.status = ShopApplication.Status.DECLINED
        application.decline_reason = reason
        application.decided_at = timezone.now()
        application.decided_by = actor
        application.save(
            update_fields=["status", "decline_reason", "decided_at", "decided_by"]
        )
        audit_log(actor=actor, action="ops.shop_application.declined", obj=application)
        tell_applicant_declined(application, reason=reason)
    return application
