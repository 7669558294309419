from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog.models import Merchant
from groupbuy.core.models import AuditEntry
from groupbuy.core.plugins import personal_data_providers
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.ops.errors import OpsError
from groupbuy.ops.models import ErasureRequest, ShopApplication


def erasure_pending_for(*, user) -> ErasureRequest | None:
    return ErasureRequest.objects.filter(
        user=user, status=ErasureRequest.Status.PENDING
    ).first()


ERASURE_STATUSES = tuple(ErasureRequest.Status.values)


def erasure_list_for_operator(*, user, status: str = "pending"):
    """Return the requests in ``status`` ("" for all), soonest due first."""
    if not user.is_operator:
        raise OpsError(
            "forbidden", _("Only operators can see erasure requests."), status=403
        )
    if status and status not in ERASURE_STATUSES:
        message = _("Choose one of: %(statuses)s.") % {
            "statuses": ", ".join(ERASURE_STATUSES)
        }
        raise OpsError("invalid", message, fields={"status": [message]})
    requests = ErasureRequest.objects.select_related("user", "completed_by")
    if status:
        requests = requests.filter(status=status)
    return requests.order_by("due_at", "id")


def erasure_get_for_operator(*, user, request_id: str) -> ErasureRequest:
    requests = erasure_list_for_operator(user=user, status="")
    try:
        return requests.get(public_id=request_id)
    except ErasureRequest.DoesNotExist:
        # a 404 that says what is missing (the API answered a bare "Not found.")
        message = _("There is no such erasure request.")
        raise OpsError("not_found", message, status=404) from None


def erasure_blockers_for(*, user) -> list[str]:
    """Return what keeps ``user`` from being erased, each saying what to do
    first (a shop they own alone still selling, money they paid still waiting);
    empty when nothing does. The person's own: asking and erasing refuse on
    these, and their data page shows them before they ask."""
    return [
        blocker
        for _label, provider in personal_data_providers()
        for blocker in getattr(provider, "erasure_blockers", lambda user: [])(user)
    ]


def personal_data_holdings() -> list:
    """What each app's part of a person's export holds, in app order."""
    return [
        provider.holds
        for _label, provider in personal_data_providers()
        if getattr(provider, "holds", "")
    ]


def shop_application_list_for_user(*, user):
    """Return the person's own shop applications, newest first."""
    return ShopApplication.objects.filter(applicant=user).select_related("merchant")


def shop_application_pending_for(*, user) -> ShopApplication | None:
    return shop_application_list_for_user(user=user).filter(status="pending").first()


def shop_application_get_for_user(*, user, application_id: str) -> ShopApplication:
    """Return one of the person's own applications; anyone else's is a 404."""
    try:
        return shop_application_list_for_user(user=user).get(public_id=application_id)
    except ShopApplication.DoesNotExist:
        raise Http404 from None


SHOP_APPLICATION_STATUSES = tuple(ShopApplication.Status.values)


def shop_application_list_for_operator(*, user, status: str = "pending"):
    """Return the applications in ``status`` ("" for all), oldest pending first."""
    if not user.is_operator:
        raise OpsError(
            "forbidden", _("Only operators can see shop applications."), status=403
        )
    if status and status not in SHOP_APPLICATION_STATUSES:
        message = _("Choose one of: %(statuses)s.") % {
            "statuses": ", ".join(SHOP_APPLICATION_STATUSES)
        }
        raise OpsError("invalid", message, fields={"status": [message]})
    applications = ShopApplication.objects.select_related(
        "applicant", "merchant", "decided_by"
    )
    if status:
        applications = applications.filter(status=status)
    if status == ShopApplication.Status.PENDING:
        return applications.order_by("created_at", "id")
    return applications.order_by("-created_at", "-id")


def shop_application_pending_count(*, user) -> int:
    """Return how many applications wait for an operator's answer (operators
    only): the dashboard's figure, one count over the status index."""
    return shop_application_list_for_operator(user=user).count()


def shop_application_get_for_operator(*, user, application_id: str):
    applications = shop_application_list_for_operator(user=user, status="")
    try:
        return applications.get(public_id=application_id)
    except ShopApplication.DoesNotExist:
        # a 404 that says what is missing (the API answered a bare "Not found.")
        raise OpsError("not_found", _("No such application."), status=404) from None


@dataclass(frozen=True)
class MerchantStanding:
    """What an operator weighs before switching a shop off or on."""

    merchant: Merchant
    owners: list
    open_deals: int
    paid_orders: int
    # While it is off: the operator's entry that switched it off (reason, when).
    switched_off: AuditEntry | None = None


def merchant_standing_for_operator(*, user, merchant_id: str) -> MerchantStanding:
    """Return the shop ``merchant_id`` with its owners and what is still running
    (its open group buys, and their paid orders), for operators only."""
    if not getattr(user, "is_operator", False):
        raise OpsError(
            "forbidden", _("Only operators can switch a shop off or on."), status=403
        )
    merchant = Merchant.objects.filter(public_id=merchant_id).first()
    if merchant is None:
        raise OpsError("not_found", _("There is no such shop."), status=404)
    owners = [
        membership.user
        for membership in MerchantMembership.objects.filter(
            merchant=merchant, role=MerchantMembership.Role.OWNER
        )
        .select_related("user")
        .order_by("pk")
    ]
    open_deals = Deal.objects.filter(merchant=merchant, state=Deal.State.OPEN)
    switched_off = None
    if not merchant.is_active:
        switched_off = (
            AuditEntry.objects.filter(
                action="ops.merchant.switched_off", object_id=merchant.public_id
            )
            .order_by("-created_at", "-id")
            .first()
        )
    return MerchantStanding(
        merchant=merchant,
        owners=owners,
        open_deals=open_deals.count(),
        paid_orders=DealOrder.objects.filter(
            deal__in=open_deals, status=DealOrder.Status.PAID
        ).count(),
        switched_off=switched_off,
    )
