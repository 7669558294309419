"""Request and response shapes of the accounts API (names unique API-wide)."""

from datetime import datetime
from typing import Annotated

from ninja import Schema
from pydantic import Field

from groupbuy.accounts.models import MerchantMembership, User
from groupbuy.core.api_types import JsonInt, answer_choices
from groupbuy.core.pagination import PageIn, PageOut


class SignUpIn(Schema):
    phone: str = Field(min_length=3, max_length=32, examples=["13800138000"])
    password: str = Field(min_length=1, max_length=128)
    display_name: str = Field("", max_length=60)
    preferred_language: str = "zh-hans"
    email: str = Field("", max_length=254)


class PhoneCodeSentOut(Schema):
    verification_id: str
    expires_at: datetime
    # Only in demo mode: the SMS that was "sent", so the demo needs no phone.
    demo_sms: str | None = None


class SignUpVerifyIn(Schema):
    verification_id: str = Field(
        min_length=1,
        max_length=40,
        description="The `verification_id` the sign-up answered.",
    )
    code: str = Field(min_length=1, max_length=12, examples=["123456"])
    token_name: str = Field("signup", max_length=60)


class CodeResendIn(Schema):
    verification_id: str = Field(
        min_length=1,
        max_length=40,
        description="The `verification_id` of the earlier request.",
    )


class PasswordResetIn(Schema):
    phone: str = Field(min_length=3, max_length=32)


class PasswordCodeIn(Schema):
    verification_id: str = Field(
        min_length=1,
        max_length=40,
        description="The `verification_id` the code was sent with.",
    )
    code: str = Field(min_length=1, max_length=12)
    new_password: str = Field(min_length=1, max_length=128)


class PhoneCodeIn(Schema):
    verification_id: str = Field(
        min_length=1,
        max_length=40,
        description="The `verification_id` the code was sent with.",
    )
    code: str = Field(min_length=1, max_length=12, examples=["123456"])


class PhoneChangeCodeIn(Schema):
    new_phone: str = Field(min_length=3, max_length=32, examples=["13900139000"])
    password: str = Field(min_length=1, max_length=128)


class ReauthenticateIn(Schema):
    password: str = Field(min_length=1, max_length=128)


class ReauthenticatedOut(Schema):
    reauthenticated_until: datetime = Field(
        description="Until when this session may create API tokens and change "
        "where a shop's payouts go without typing the password again."
    )


class PhoneChangeIn(Schema):
    new_phone: str = Field(min_length=3, max_length=32, examples=["13900139000"])
    code: str = Field(min_length=1, max_length=12, examples=["123456"])


class PasswordSetOut(Schema):
    message: str


def _token_days():
    # No maximum here: the longest a token lives is a setting the server may
    # change after this document is built, and the service refuses above it
    # with a 400 naming the real limit (a fixed 3650 here was never the limit).
    return Field(
        None,
        ge=1,
        description="How many days the token lives: 1 up to the server's "
        "GROUPBUY_API_TOKEN_DAYS setting (90 by default), which is also what "
        "it lives when left out; longer is a 400 `invalid` naming the limit.",
    )


class TokenIn(Schema):
    phone: str = Field(min_length=3, max_length=32)
    password: str = Field(min_length=1, max_length=128)
    name: str = Field("", max_length=60)
    days: JsonInt | None = _token_days()


class MembershipOut(Schema):
    merchant_id: str
    merchant_name: str = Field(
        description="The shop's name in the reader's language (its English name "
        "for an English reader when it has one)."
    )
    role: str = answer_choices(MerchantMembership.Role)
    branch_id: str | None


class UserOut(Schema):
    id: str
    phone: str
    display_name: str
    email: str
    email_verified: bool
    preferred_language: str = answer_choices(["zh-hans", "en"])
    contact_channel: str = answer_choices(User.ContactChannel)
    inbox_only_kinds: list[str] = Field(
        description="Kinds of notification kept to the inbox: no SMS, e-mail or push"
    )
    is_operator: bool
    is_phone_verified: bool
    memberships: list[MembershipOut]


class TokenOut(Schema):
    token: str
    user: UserOut


class ProfileIn(Schema):
    display_name: str | None = Field(None, max_length=60)
    preferred_language: str | None = None
    email: str | None = Field(None, max_length=254)
    contact_channel: str | None = None
    inbox_only_kinds: list[Annotated[str, Field(max_length=80)]] | None = Field(
        None,
        max_length=200,
        description="Kinds of notification to keep to the inbox "
        "(e.g. pooling.invitation); the whole list, replacing the one before",
    )


class ApiTokenOut(Schema):
    id: str
    name: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime
    revoked_at: datetime | None
    is_usable: bool


class ApiTokenListIn(PageIn):
    include_inactive: bool = Field(
        False,
        description="Also list the tokens revoked or expired (left out by default).",
    )


class ApiTokenPageOut(PageOut):
    items: list[ApiTokenOut]


class ApiTokenCreateIn(Schema):
    name: str = Field(min_length=1, max_length=60, examples=["my script"])
    days: JsonInt | None = _token_days()


class ApiTokenCreatedOut(Schema):
    token: str
    info: ApiTokenOut


class EmailLinkSentOut(Schema):
    message: str


class EmailVerifyIn(Schema):
    token: str = Field(..., max_length=500)
