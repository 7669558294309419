from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from groupbuy.core.plugins import personal_data_providers
from groupbuy.ops.errors import OpsError
from groupbuy.ops.models import ErasureRequest


def erasure_pending_for(*, user) -> ErasureRequest | None:
    return ErasureRequest.objects.filter(
        user=user, status=ErasureRequest.Status.PENDING
    ).first()


def erasure_list_for_operator(*, user, status: str = "pending"):
    if not user.is_operator:
        raise OpsError(
            "forbidden", _("Only operators can see erasure requests."), status=403
        )
    requests = ErasureRequest.objects.select_related("user", "completed_by")
    if status:
        requests = requests.filter(status=status)
    return requests.order_by("due_at", "id")


def erasure_get_for_operator(*, user, request_id: str) -> ErasureRequest:
    requests = erasure_list_for_operator(user=user, status="")
    try:
        return requests.get(public_id=request_id)
    except ErasureRequest.DoesNotExist:
        raise Http404 from None


def personal_data_holdings() -> list:
    """What each app's part of a person's export holds, in app order."""
    return [
        provider.holds
        for _label, provider in personal_data_providers()
        if getattr(provider, "holds", "")
    ]
