"""A person applies to open a shop; an operator approves or declines it.

Approving makes the shop the way the operator's New merchant form does
(``catalog.services.merchant_create`` with the applicant as owner, refused
while an active merchant has the name, as ``ops.onboarding`` refuses it), then
its first branch (``catalog.services.branch_create``), in one transaction; the
applicant is told after it commits. An application an operator cannot approve
(the name is taken) stays pending.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy

from groupbuy.accounts.phones import normalize_phone
from groupbuy.catalog.selectors import merchant_name_lazy
from groupbuy.catalog.services import branch_create, merchant_create
from groupbuy.core.audit import audit_log
from groupbuy.core.errors import DomainError
from groupbuy.notify.services import notification_enqueue
from groupbuy.ops import selectors
from groupbuy.ops.errors import OpsError
from groupbuy.ops.models import ShopApplication

SUBMITTED_KIND = "ops.shop_application.submitted"
APPROVED_KIND = "ops.shop_application.approved"
DECLINED_KIND = "ops.shop_application.declined"

NAME_MAX_CHARS = 120
ADDRESS_MAX_CHARS = 255
SELLS_MAX_CHARS = 500
NOTE_MAX_CHARS = 1000
REASON_MAX_CHARS = 1000


def _invalid(field: str, message: str) -> OpsError:
    return OpsError("invalid", message, fields={field: [message]})


def _one_line(value: str | None, *, field: str, label, limit: int, required: bool):
    """Return ``value`` with its runs of spaces and line breaks made one space."""
    text = " ".join((value or "").split())
    return _checked(text, field=field, label=label, limit=limit, required=required)


def _checked(text: str, *, field: str, label, limit: int, required: bool) -> str:
    if required and not text:
        raise _invalid(field, gettext("Enter the %(label)s.") % {"label": label})
    if len(text) > limit:
        raise _invalid(
            field,
            gettext("The %(label)s may have at most %(max)d characters.")
            % {"label": label, "max": limit},
        )
    return text


def _contact_phone(raw: str | None, *, actor) -> str:
    if not (raw or "").strip():
        return actor.phone
    try:
        return normalize_phone(raw)
    except ValidationError as error:
        raise _invalid("contact_phone", error.messages[0]) from None


def _cleaned(*, actor, name, name_en, contact_phone, branch_address, sells, note):
    return {
        "name": _one_line(
            name,
            field="name",
            label=gettext("shop name"),
            limit=NAME_MAX_CHARS,
            required=True,
        ),
        "name_en": _one_line(
            name_en,
            field="name_en",
            label=gettext("English name"),
            limit=NAME_MAX_CHARS,
            required=False,
        ),
        "contact_phone": _contact_phone(contact_phone, actor=actor),
        "branch_address": _one_line(
            branch_address,
            field="branch_address",
            label=gettext("address"),
            limit=ADDRESS_MAX_CHARS,
            required=True,
        ),
        "sells": _one_line(
            sells,
            field="sells",
            label=gettext("description of what you sell"),
            limit=SELLS_MAX_CHARS,
            required=True,
        ),
        "note": _checked(
            (note or "").strip(),
            field="note",
            label=gettext("note"),
            limit=NOTE_MAX_CHARS,
            required=False,
        ),
    }


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


def _tell_operators(application: ShopApplication) -> None:
    operators = get_user_model().objects.filter(is_staff=True, is_active=True)
    url = reverse("ops:operator_shop_application", args=[application.public_id])
    for operator in operators.order_by("pk"):
        notification_enqueue(
            recipient=operator,
            kind=SUBMITTED_KIND,
            title=gettext_lazy("A new shop wants to open"),
            body=format_lazy(
                gettext_lazy("{name} applied to open a shop: approve or decline it."),
                name=application.name,
            ),
            url=url,
            data={"application": application.public_id},
            idempotency_key=f"{SUBMITTED_KIND}:{application.public_id}:"
            f"{operator.public_id}",
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
    fields = _cleaned(
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
            _tell_operators(application)
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


def _locked(application: ShopApplication) -> ShopApplication:
    return ShopApplication.objects.select_for_update().get(pk=application.pk)


def _not_pending(application: ShopApplication) -> OpsError:
    return OpsError(
        "not_pending",
        gettext("This application is already %(status)s.")
        % {"status": application.get_status_display().lower()},
        status=409,
        extra={"status": application.status},
    )


def shop_application_withdraw(*, actor, application: ShopApplication):
    """Withdraw a pending application (its applicant only); again changes nothing."""
    with transaction.atomic():
        application = _locked(application)
        if application.applicant_id != actor.pk:
            raise OpsError("not_found", gettext("No such application."), status=404)
        if application.status == ShopApplication.Status.WITHDRAWN:
            return application
        if application.status != ShopApplication.Status.PENDING:
            raise _not_pending(application)
        application.status = ShopApplication.Status.WITHDRAWN
        application.withdrawn_at = timezone.now()
        application.save(update_fields=["status", "withdrawn_at"])
        audit_log(actor=actor, action="ops.shop_application.withdrawn", obj=application)
    return application


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
        application = _locked(application)
        if application.status == ShopApplication.Status.APPROVED:
            return application
        if application.status != ShopApplication.Status.PENDING:
            raise _not_pending(application)
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
        notification_enqueue(
            recipient=application.applicant,
            kind=APPROVED_KIND,
            title=gettext_lazy("Your shop is open on groupbuy"),
            body=format_lazy(
                gettext_lazy(
                    "Your application is approved: you own {merchant}. Open its "
                    "console to add what you sell."
                ),
                merchant=merchant_name_lazy(merchant),
            ),
            url=reverse("web:merchant_dashboard", args=[merchant.public_id]),
            data={"application": application.public_id},
            idempotency_key=f"{APPROVED_KIND}:{application.public_id}",
        )
    return application


def shop_application_decline(*, actor, application: ShopApplication, reason: str):
    """Decline an application saying why (operators only); the applicant is told."""
    _require_operator(actor)
    reason = _checked(
        (reason or "").strip(),
        field="reason",
        label=gettext("reason"),
        limit=REASON_MAX_CHARS,
        required=True,
    )
    with transaction.atomic():
        application = _locked(application)
        if application.status == ShopApplication.Status.DECLINED:
            return application
        if application.status != ShopApplication.Status.PENDING:
            raise _not_pending(application)
        application.status = ShopApplication.Status.DECLINED
        application.decline_reason = reason
        application.decided_at = timezone.now()
        application.decided_by = actor
        application.save(
            update_fields=["status", "decline_reason", "decided_at", "decided_by"]
        )
        audit_log(actor=actor, action="ops.shop_application.declined", obj=application)
        notification_enqueue(
            recipient=application.applicant,
            kind=DECLINED_KIND,
            title=gettext_lazy("Your shop application was declined"),
            body=format_lazy(
                gettext_lazy("{name} was not approved: {reason}"),
                name=application.name,
                reason=reason,
            ),
            url=reverse("ops:shop_application", args=[application.public_id]),
            data={"application": application.public_id},
            idempotency_key=f"{DECLINED_KIND}:{application.public_id}",
        )
    return application
