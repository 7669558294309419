"""Connect the teams app to the deals app's documented extension points.

``order_refunded``: an order refunded in whole while its team place was still
confirmed (its team complete; the coupons app refunded its unit) releases the
place (``services.releasing``). A place the teams app ended itself (a member
leaving, a team expiring or stopped) is refunded already when the signal comes,
and nothing changes.
"""

from __future__ import annotations

from groupbuy.deals import signals


def release_place_on_refund(sender, *, order, actor=None, **kwargs) -> None:
    from groupbuy.teams.services.releasing import team_place_release

    team_place_release(actor=actor, order=order)


signals.order_refunded.connect(
    release_place_on_refund, dispatch_uid="teams.order_refunded"
)
