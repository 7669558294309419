"""The accounts app's one write path: users, API tokens and phone codes."""

from groupbuy.accounts.services.email_verification import (
    email_verification_check,
    email_verification_send,
    email_verify,
)
from groupbuy.accounts.services.failed_logins import (
    failed_logins_delete,
    failed_logins_expired_delete,
    failed_logins_reset,
)
from groupbuy.accounts.services.password_codes import (
    password_change_complete,
    password_change_request,
    password_reset_complete,
    password_reset_request,
    password_reset_resend,
    password_set_by_support,
)
from groupbuy.accounts.services.password_confirm import (
    LockoutCleared,
    password_confirm_attempts_clear,
    person_lockout_clear,
)
from groupbuy.accounts.services.phone_change import (
    phone_change_complete,
    phone_change_request,
    phone_change_verification,
)
from groupbuy.accounts.services.phone_codes import (
    phone_verify_complete,
    phone_verify_request,
)
from groupbuy.accounts.services.sign_up import (
    sign_up_complete,
    sign_up_request,
    sign_up_resend,
)
from groupbuy.accounts.services.switching import (
    AccountSwitched,
    account_active_set,
    account_switch_off,
    account_switch_on,
    account_switch_refusal,
    person_api_tokens_revoke,
)
from groupbuy.accounts.services.tokens import (
    api_token_authenticate,
    api_token_create,
    api_token_hash,
    api_token_revoke,
    api_tokens_revoke_all,
)
from groupbuy.accounts.services.users import (
    merchant_membership_add,
    user_language_switch,
    user_sign_up,
    user_update_profile,
    validation_error,
)

__all__ = [
    "AccountSwitched",
    "LockoutCleared",
    "account_active_set",
    "account_switch_off",
    "account_switch_on",
    "account_switch_refusal",
    "api_token_authenticate",
    "api_token_create",
    "api_token_hash",
    "api_token_revoke",
    "api_tokens_revoke_all",
    "email_verification_check",
    "email_verification_send",
    "email_verify",
    "failed_logins_delete",
    "failed_logins_expired_delete",
    "failed_logins_reset",
    "merchant_membership_add",
    "password_change_complete",
    "password_change_request",
    "password_confirm_attempts_clear",
    "password_reset_complete",
    "password_reset_request",
    "password_reset_resend",
    "password_set_by_support",
    "person_api_tokens_revoke",
    "person_lockout_clear",
    "phone_change_complete",
    "phone_change_request",
    "phone_change_verification",
    "phone_verify_complete",
    "phone_verify_request",
    "sign_up_complete",
    "sign_up_request",
    "sign_up_resend",
    "user_language_switch",
    "user_sign_up",
    "user_update_profile",
    "validation_error",
]
