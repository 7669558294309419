from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from groupbuy.accounts import services
from groupbuy.accounts.auth import api_auth
from groupbuy.accounts.errors import AccountError
from groupbuy.accounts.phones import normalize_phone
from groupbuy.accounts.selectors import user_memberships

router = Router(tags=["accounts"])


class SignUpIn(Schema):
    phone: str = Field(min_length=3, max_length=32, examples=["13800138000"])
    password: str = Field(min_length=1, max_length=128)
    display_name: str = Field("", max_length=60)
    preferred_language: str = "zh-hans"
    email: str = Field("", max_length=254)


class TokenIn(Schema):
    phone: str = Field(min_length=3, max_length=32)
    password: str = Field(min_length=1, max_length=128)
    name: str = Field("", max_length=60)


class MembershipOut(Schema):
    merchant_id: str
    merchant_name: str
    role: str
    branch_id: str | None


class UserOut(Schema):
    id: str
    phone: str
    display_name: str
    email: str
    preferred_language: str
    contact_channel: str
    is_operator: bool
    memberships: list[MembershipOut]


class TokenOut(Schema):
    token: str
    user: UserOut


class ProfileIn(Schema):
    display_name: str | None = Field(None, max_length=60)
    preferred_language: str | None = None
    email: str | None = Field(None, max_length=254)
    contact_channel: str | None = None


def user_out(user) -> dict:
    return {
        "id": user.public_id,
        "phone": user.phone,
        "display_name": user.display_name,
        "email": user.email,
        "preferred_language": user.preferred_language,
        "contact_channel": user.contact_channel,
        "is_operator": user.is_operator,
        "memberships": [
            {
                "merchant_id": m.merchant.public_id,
                "merchant_name": m.merchant.name,
                "role": m.role,
                "branch_id": m.branch.public_id if m.branch else None,
            }
            for m in user_memberships(user=user)
        ],
    }


@router.post("/auth/signup", response={201: TokenOut}, auth=None)
def sign_up(request, payload: SignUpIn):
    """Create a shopper account and return an API token for it."""
    user = services.user_sign_up(**payload.dict())
    _token, secret = services.api_token_create(actor=user, name="signup")
    return Status(201, {"token": secret, "user": user_out(user)})


@router.post("/auth/token", response=TokenOut, auth=None)
def token_create(request, payload: TokenIn):
    """Exchange a phone number and password for a bearer token."""
    try:
        phone = normalize_phone(payload.phone)
    except ValidationError as error:
        raise AccountError(
            "invalid", error.messages[0], fields={"phone": error.messages}
        ) from None
    user = authenticate(request, phone=phone, password=payload.password)
    if user is None:
        raise AccountError(
            "bad_credentials", _("Wrong phone number or password."), status=401
        )
    _token, secret = services.api_token_create(actor=user, name=payload.name)
    return {"token": secret, "user": user_out(user)}


@router.get("/me", response=UserOut, auth=api_auth)
def me(request):
    return user_out(request.auth)


@router.patch("/me", response=UserOut, auth=api_auth)
def me_update(request, payload: ProfileIn):
    user = services.user_update_profile(actor=request.auth, **payload.dict())
    return user_out(user)
