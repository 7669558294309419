"""An audit entry's page shows its data with what support need not read cut:
phone numbers masked, a payee account by its last four characters, secrets
replaced. The entry itself keeps its data as written."""

import pytest

from groupbuy.accounts.tests.helpers import (
    UNNAMED_MASKED,
    UNNAMED_NUMBER,
    admin_page,
    assert_masked_only,
    make_user,
    support_client,
)
from groupbuy.core.audit import audit_log
from groupbuy.core.models import AuditEntry
from groupbuy.core.redaction import mask_account, redacted

pytestmark = pytest.mark.django_db

ACCOUNT = "6222020200112233"
DATA = {
    "payee_account": ACCOUNT,
    "reason": f"Customer called from {UNNAMED_NUMBER}",
    "signature": "c2lnbmVk",
    "amount_fen": 1380,
}


def test_the_audit_entry_page_shows_its_data_redacted():
    # given an entry whose data holds an account, a typed number and a secret
    person = make_user("+8613800138072")
    entry = audit_log(
        actor=person, action="payments.payout_schedule.set", obj=person, data=DATA
    )
    # when support opens it
    page = admin_page(support_client(), f"/admin/core/auditentry/{entry.pk}/change/")
    # then the number is masked, the account by its last four, the secret cut
    assert_masked_only(page)
    assert ACCOUNT not in page
    assert "****2233" in page
    assert "c2lnbmVk" not in page
    assert "1380" in page
    # and the stored entry is as written
    assert AuditEntry.objects.get(pk=entry.pk).data == DATA


def test_redaction_walks_nested_data():
    payload = {
        "payer": {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
        "buyer_logon_id": "159****5620",
        "notes": [f"call {UNNAMED_NUMBER}"],
        "sign": "abc",
        "trade_state": "SUCCESS",
    }
    assert redacted(payload) == {
        "payer": {"openid": "****eS6o"},
        "buyer_logon_id": "****5620",
        "notes": [f"call {UNNAMED_MASKED}"],
        "sign": "[redacted]",
        "trade_state": "SUCCESS",
    }
    assert mask_account("") == ""
    assert mask_account("123") == "****"


@pytest.mark.parametrize(
    "key",
    ["design", "keyword", "monkey", "signup_source", "keys_sold", "tokenizer_note"],
)
def test_a_key_that_only_contains_a_secret_word_is_shown(key):
    # given a value under a key where "sign", "key" or "token" is part of
    # another word
    # when / then it is shown as written
    assert redacted({key: "blue"}) == {key: "blue"}


@pytest.mark.parametrize(
    "key",
    [
        "sign",
        "paySign",
        "key",
        "api_key",
        "apiKey",
        "app_private_key",
        "access_token",
        "refreshToken",
        "X-Session-Token",
        "sessionid",
        "code_hash",
        "password",
    ],
)
def test_a_key_naming_a_secret_as_a_whole_word_is_redacted(key):
    assert redacted({key: "s3cr3t"}) == {key: "[redacted]"}


def test_a_key_naming_the_kind_of_signature_is_shown():
    # Alipay's sign_type says which algorithm, not the signature
    assert redacted({"sign_type": "RSA2"}) == {"sign_type": "RSA2"}
