"""The applicant's side: apply to open a shop, and withdraw the application."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from groupbuy.core.audit import audit_log
from groupbuy.ops.errors import OpsError
from groupbuy.ops.models import ShopApplication
from groupbuy.ops.shop_applications.common import locked, not_pending
from groupbuy.ops.shop_applications.fields import cleaned
from groupbuy.ops.shop_applications.notifications import tell_operators


def shop_application_sent_with(*, actor, idempotency_key: str):
    """Return the application ``actor`` sent with ``idempotency_key``, or None."""
    if not idempotency_key:
        return None
    return ShopApplication.objects.filter(
        applicant=actor, idempotency_key=idempotency_key
    ).first()


def _same_request(earlier: ShopApplication, fields: dict) -> ShopApplication:
    """Return ``earlier``, what a key sent, if this request asks the same; refuse
    the key sent again with other details (the page shown again from the
    history and changed), which would otherwise silently change nothing."""
    if any(getattr(earlier, name) != value for name, value in fields.items()):
        raise OpsError(
            "idempotency_key_reused",
            gettext(
                "This form already sent an application with other details: "
                "see your applications, or send this one again to apply anew."
            ),
            status=409,
            extra={"application_id": earlier.public_id},
        )
    earlier.is_repeat = True
    return earlier


def _refuse_a_second_pending(actor) -> None:
    pending = ShopApplication.objects.filter(
        applicant=actor, status=ShopApplication.Status.PENDING
    ).first()
    if pending is None:
        return
    raise OpsError(
        "application_pending",
        gettext(
            "Your application %(application)s to open “%(name)s” is still "
            "waiting for an answer: withdraw it before applying again."
        )
        % {"application": pending.public_id, "name": pending.name},
        status=409,
        extra={"application_id": pending.public_id},
    )


def shop_application_submit(
    *,
    actor,
    name: str,
    branch_address: str,
    sells: str,
    name_en: str = "",
    contact_phone: str = "",
    note: str = "",
    idempotency_key: str = "",
) -> ShopApplication:
    """Apply to open a shop; the operators are told.

    ``contact_phone`` defaults to the applicant's own number. A second
    application while one is pending is refused (409 ``application_pending``
    naming it). The same ``idempotency_key`` sent again returns the application
    the first request made (``is_repeat`` True) and sends nothing more; sent
    with other details it is refused (409 ``idempotency_key_reused``).
    """
    fields = cleaned(
        actor=actor,
        name=name,
        name_en=name_en,
        contact_phone=contact_phone,
        branch_address=branch_address,
        sells=sells,
        note=note,
    )
    try:
        with transaction.atomic():
            # The person's row first: two submits queue here (and on SQLite at
            # BEGIN IMMEDIATE), so the second finds what the first made.
            get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
            earlier = shop_application_sent_with(
                actor=actor, idempotency_key=idempotency_key
            )
            if earlier is not None:
                return _same_request(earlier, fields)
            _refuse_a_second_pending(actor)
            application = ShopApplication.objects.create(
                applicant=actor, idempotency_key=idempotency_key, **fields
            )
            audit_log(
                actor=actor, action="ops.shop_application.submitted", obj=application
            )
            tell_operators(application)
    except IntegrityError:
        # The same submit sent at the same moment won: its application answers.
        earlier = shop_application_sent_with(
            actor=actor, idempotency_key=idempotency_key
        )
        if earlier is None:
            _refuse_a_second_pending(actor)
            raise
        return _same_request(earlier, fields)
    application.is_repeat = False
    return application


def shop_application_withdraw(*, actor, application: ShopApplication):
    """Withdraw a pending application (its applicant only); again changes nothing."""
    with transaction.atomic():
        application = locked(application)
        if application.applicant_id != actor.pk:
            raise OpsError("not_found", gettext("No such application."), status=404)
        if application.status == ShopApplication.Status.WITHDRAWN:
            return application
        if application.status != ShopApplication.Status.PENDING:
            raise not_pending(application)
        application.status = ShopApplication.Status.WITHDRAWN
        application.withdrawn_at = timezone.now()
        application.save(update_fields=["status", "withdrawn_at"])
        audit_log(actor=actor, action="ops.shop_application.withdrawn", obj=application)
    return application
