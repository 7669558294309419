"""A shopper's pool requests: their list, and one on its own as its page and
the API's read of it show it."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from groupbuy.pooling.models import PoolMember, PoolRequest
from groupbuy.pooling.selectors.common import not_found

# The states in which a request's latest pool is still its own: suggested to
# answer, or pooled in. An open request's last pool (if any) was dissolved.
WITH_A_POOL = (PoolRequest.State.SUGGESTED, PoolRequest.State.POOLED)


def request_get_with_pool_for_user(*, user, request_id: str) -> PoolRequest:
    """Return my pool request with its promotion and shop, and the public id of
    the pool it is suggested for or pooled in (``pool_public_id``, else None);
    anyone else's, or none, is 404."""
    latest_pool = (
        PoolMember.objects.filter(request=OuterRef("pk"))
        .order_by("-id")
        .values("pool__public_id")[:1]
    )
    pool_request = (
        PoolRequest.objects.filter(public_id=request_id, user=user)
        .select_related("promotion", "branch", "branch__merchant")
        .annotate(latest_pool_public_id=Subquery(latest_pool))
        .first()
    )
    if pool_request is None:
        raise not_found()
    pool_request.pool_public_id = (
        pool_request.latest_pool_public_id
        if pool_request.state in WITH_A_POOL
        else None
    )
    return pool_request


def requests_for_user(*, user, still_looking: bool = False):
    """My pool requests, newest first (a QuerySet, to paginate); with
    ``still_looking``, only those open or suggested, each with the public id
    of the pool it was last suggested for (``pool_public_id``), to answer."""
    requests = PoolRequest.objects.filter(user=user)
    if still_looking:
        requests = requests.filter(
            state__in=[PoolRequest.State.OPEN, PoolRequest.State.SUGGESTED]
        ).annotate(
            pool_public_id=Subquery(
                PoolMember.objects.filter(request=OuterRef("pk"))
                .order_by("-id")
                .values("pool__public_id")[:1]
            )
        )
    return requests.select_related("promotion", "branch").order_by("-created_at", "-id")


def request_get_for_user(*, user, request_id: str) -> PoolRequest:
    request = PoolRequest.objects.filter(public_id=request_id, user=user).first()
    if request is None:
        raise not_found()
    return request
