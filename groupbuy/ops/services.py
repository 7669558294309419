"""Erasure requests: asked by the person, performed by an operator or when due."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groupbuy.core.audit import audit_log
from groupbuy.core.i18n import join_sentences
from groupbuy.core.plugins import personal_data_providers
from groupbuy.ops.errors import OpsError
from groupbuy.ops.models import ErasureRequest
from groupbuy.ops.selectors import erasure_blockers_for

logger = logging.getLogger(__name__)


def _refuse_while_blocked(user) -> None:
    """Refuse to erase ``user`` while an app names something to finish first
    (a merchant they own alone still selling or owed money)."""
    blockers = erasure_blockers_for(user=user)
    if blockers:
        raise OpsError(
            "erasure_blocked",
            join_sentences(blockers),
            status=409,
            extra={"blockers": blockers},
        )


def _lock_person(user_id: int):
    """Lock the person's row for the check and the erasure: always before their
    requests' rows (requesting and performing take them in this order)."""
    return get_user_model().objects.select_for_update().get(pk=user_id)


def erasure_request(*, actor) -> ErasureRequest:
    """Ask for the actor's own erasure; asking again returns the pending request."""
    with transaction.atomic():
        _lock_person(actor.pk)
        pending = (
            ErasureRequest.objects.select_for_update()
            .filter(user=actor, status=ErasureRequest.Status.PENDING)
            .first()
        )
        if pending is not None:
            return pending
        _refuse_while_blocked(actor)
        now = timezone.now()
        request = ErasureRequest.objects.create(
            user=actor,
            requested_at=now,
            due_at=now + timedelta(days=settings.GROUPBUY_ERASURE_GRACE_DAYS),
        )
        audit_log(actor=actor, action="ops.erasure.requested", obj=request)
    return request


def erasure_cancel(*, actor, request: ErasureRequest) -> ErasureRequest:
    """Withdraw a pending request (its person only)."""
    with transaction.atomic():
        request = ErasureRequest.objects.select_for_update().get(pk=request.pk)
        if request.user_id != actor.pk:
            raise OpsError("not_found", _("No such request."), status=404)
        if request.status == ErasureRequest.Status.CANCELLED:
            return request
        if request.status != ErasureRequest.Status.PENDING:
            raise OpsError(
                "already_erased", _("This account is already erased."), status=409
            )
        request.status = ErasureRequest.Status.CANCELLED
        request.cancelled_at = timezone.now()
        request.save(update_fields=["status", "cancelled_at"])
        audit_log(actor=actor, action="ops.erasure.cancelled", obj=request)
    return request


def erasure_perform(*, actor, request: ErasureRequest) -> ErasureRequest:
    """Erase or anonymise the person's data in every app; keep money records.

    ``actor`` is the operator, or None for the job that performs due requests.
    Safe to repeat: a completed request is returned unchanged.
    """
    if actor is not None and not actor.is_operator:
        raise OpsError("forbidden", _("Only operators can do this."), status=403)
    user_id = ErasureRequest.objects.values_list("user_id", flat=True).get(
        pk=request.pk
    )
    with transaction.atomic():
        # The blockers are read and the data erased under the person's lock.
        user = _lock_person(user_id)
        request = ErasureRequest.objects.select_for_update().get(pk=request.pk)
        if request.status == ErasureRequest.Status.COMPLETED:
            return request
        if request.status != ErasureRequest.Status.PENDING:
            raise OpsError(
                "cancelled", _("The person cancelled this request."), status=409
            )
        _refuse_while_blocked(user)
        # Reverse INSTALLED_APPS order: accounts (early) renames the user last,
        # after the others searched by the real number.
        for _label, provider in reversed(personal_data_providers()):
            provider.erase(user)
        request.status = ErasureRequest.Status.COMPLETED
        request.completed_at = timezone.now()
        request.completed_by = actor
        request.save(update_fields=["status", "completed_at", "completed_by"])
        audit_log(
            actor=actor,
            action="ops.erasure.completed",
            obj=request,
            data={"pseudonym": user.phone},
        )
    return request


def erasures_perform_due(*, now=None) -> int:
    """Perform every pending request whose period has passed; return how many.

    A request something still blocks stays pending (held) and is tried again
    next time; the operator's queue shows why when they try to erase it.
    """
    now = now or timezone.now()
    due = ErasureRequest.objects.filter(
        status=ErasureRequest.Status.PENDING, due_at__lte=now
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(due):
        try:
            erasure_perform(actor=None, request=ErasureRequest(pk=pk))
        except OpsError as error:
            if error.code != "erasure_blocked":
                raise
            logger.warning("erasure %s held: %s", pk, error.message)
            continue
        count += 1
    return count


def personal_data_exported(*, actor) -> None:
    """Record that the person downloaded their data."""
    audit_log(actor=actor, action="ops.personal_data.exported", obj=actor)
