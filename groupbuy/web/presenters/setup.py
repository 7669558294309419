"""What a shop's owners still have to do before buyers can join and collect.

A shop opened from an application has an owner and a branch with an address,
and nothing else: the console's overview lists the steps not yet taken, each
with the page that takes it, rather than empty tables. The apps add their own
steps (a coupon key, a payout account) through the ``merchant.setup`` part.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from groupbuy.catalog.selectors import merchant_branches
from groupbuy.deals.selectors import merchant_has_opened_a_deal


@dataclass(frozen=True)
class SetupStep:
    key: str  # the end of the step's element id, setup-step-<key>
    text: str
    action: str
    url: str


def merchant_setup_steps(
    *, merchant, has_listings: bool, recent_deals: list
) -> list[SetupStep]:
    """Return the steps the merchant has not taken, in the order to take them.

    The overview already read the shop's listings and latest deals: what they
    show is not asked of the database again (the page keeps to its queries)."""
    steps = []
    if not has_listings:
        steps.append(_listing_step(merchant))
    if not _has_opened_a_deal(merchant, recent_deals):
        steps.append(_deal_step(merchant))
    for branch in merchant_branches(merchant=merchant):
        steps.extend(_branch_steps(merchant, branch))
    return steps


def _has_opened_a_deal(merchant, recent_deals) -> bool:
    if any(deal.state != deal.State.DRAFT for deal in recent_deals):
        return True
    return merchant_has_opened_a_deal(merchant=merchant)


def _listing_step(merchant) -> SetupStep:
    return SetupStep(
        key="listing",
        text=_(
            "List a product at its everyday price: a group buy sells one of "
            "your listed products."
        ),
        action=_("List a product"),
        url=reverse("web:merchant_listing_create", args=[merchant.public_id]),
    )


def _deal_step(merchant) -> SetupStep:
    return SetupStep(
        key="deal",
        text=_(
            "Make your first group buy with its price tiers, then open it: "
            "buyers can join only once it is open."
        ),
        action=_("New group buy"),
        url=reverse("web:merchant_deal_create", args=[merchant.public_id]),
    )


def _branch_steps(merchant, branch) -> list[SetupStep]:
    missing = []
    if branch.latitude is None or branch.longitude is None:
        missing.append(
            (
                "map",
                _(
                    "Put %(branch)s on the map: shoppers nearby find a shop "
                    "by its branches' map positions."
                ),
            )
        )
    if not branch.opening_hours:
        missing.append(
            (
                "hours",
                _(
                    "Give %(branch)s its opening hours: buyers read them when "
                    "they choose where to collect."
                ),
            )
        )
    url = reverse(
        "web:merchant_branch_edit", args=[merchant.public_id, branch.public_id]
    )
    return [
        SetupStep(
            key=f"branch-{what}-{branch.public_id}",
            text=text % {"branch": branch.display_name},
            action=_("Edit the branch"),
            url=url,
        )
        for what, text in missing
    ]
