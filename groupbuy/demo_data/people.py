"""The demo's people: their logins, accounts and roles at the demo shop."""

from __future__ import annotations

from dataclasses import dataclass

from groupbuy.accounts.models import MerchantMembership, User
from groupbuy.accounts.services import merchant_membership_add, user_sign_up


@dataclass(frozen=True)
class DemoLogin:
    role: str
    phone: str
    password: str
    display_name: str


SHOPPER = DemoLogin("shopper", "+8613800000001", "demo-shopper-1", "小王")
SHOPPER_2 = DemoLogin("shopper", "+8613800000002", "demo-shopper-2", "小李")
OWNER = DemoLogin("owner", "+8613800000003", "demo-owner-1", "鲜邻张店长")
CASHIER = DemoLogin("cashier", "+8613800000004", "demo-cashier-1", "鲜邻收银员")
OPERATOR = DemoLogin("operator", "+8613800000005", "demo-operator-1", "平台运营")
LOGINS = (SHOPPER, SHOPPER_2, OWNER, CASHIER, OPERATOR)


def ensure_user(login: DemoLogin) -> User:
    user = User.objects.filter(phone=login.phone).first()
    if user is None:
        user = user_sign_up(
            phone=login.phone,
            password=login.password,
            display_name=login.display_name,
        )
    elif not user.check_password(login.password):
        # The printed logins must work even if someone changed a demo password.
        user.set_password(login.password)
        user.save(update_fields=["password"])
    if login is OPERATOR and not (user.is_staff and user.is_superuser):
        # Operators use the Django admin; no service promotes people (on purpose).
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    return user


def ensure_membership(actor, user, merchant, role) -> None:
    membership = MerchantMembership.objects.filter(user=user, merchant=merchant).first()
    if membership is None or membership.role != role:
        merchant_membership_add(actor=actor, user=user, merchant=merchant, role=role)
