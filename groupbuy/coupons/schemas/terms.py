"""A deal's coupon terms and a branch's offline redemption."""

from __future__ import annotations

from typing import Literal

from ninja import Schema
from pydantic import Field

from groupbuy.core.api_types import JsonBool, answer_choices
from groupbuy.coupons.models import ExpiryRule


class OfflineIn(Schema):
    offline_enabled: JsonBool


class TermsIn(Schema):
    expiry_rule: Literal[tuple(ExpiryRule.values)] | None = Field(
        default=None,
        description="What happens to coupons that expire unredeemed; "
        "left as it is when not given.",
    )
    unused_refundable: JsonBool | None = Field(
        default=None,
        description="Whether shoppers may refund unused coupons before they "
        "expire (the default). Once buyers have paid it can be turned on but "
        "not off (409 refund_promised). Left as it is when not given.",
    )


class TermsOut(Schema):
    deal_id: str
    expiry_rule: str = answer_choices(ExpiryRule)
    unused_refundable: bool
