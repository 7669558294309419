"""The escrow admin names a person with no display name by their masked number
(``person_label``), never by ``str(user)``, their full number; a search by the
full number still finds their rows."""

import pytest
from django.test import Client
from django.utils import translation

from groupbuy.accounts.models import User
from groupbuy.accounts.tests.helpers import (
    UNNAMED_NUMBER,
    admin_page,
    assert_masked_only,
    make_user,
    support_client,
)
from groupbuy.escrow.models import LedgerAccount
from groupbuy.escrow.services import payment_refund
from groupbuy.escrow.tests.factories import make_captured_intent

pytestmark = pytest.mark.django_db


@pytest.fixture
def support() -> Client:
    return support_client()


@pytest.fixture
def unnamed():
    return make_user(UNNAMED_NUMBER)


def test_the_account_list_names_an_unnamed_person_by_the_masked_number(
    support, unnamed
):
    # given a payment held in escrow in the unnamed payer's account
    make_captured_intent(payer=unnamed)
    account = LedgerAccount.objects.get(user=unnamed)
    url = "/admin/escrow/ledgeraccount/"
    # when support opens the list and the account, then searches the number
    html = admin_page(support, url)
    detail = admin_page(support, f"{url}{account.pk}/change/")
    found = admin_page(support, url, q=UNNAMED_NUMBER)
    # then the list (its checkboxes too) and the account show the masked
    # number only, and the search finds the account
    assert_masked_only(html, detail)
    assert f"{url}{account.pk}/change/" in found


def test_the_payment_list_names_an_unnamed_payer_by_the_masked_number(support, unnamed):
    # given a payment by a person with no name
    intent = make_captured_intent(payer=unnamed)
    url = "/admin/escrow/paymentintent/"
    # when support opens the list, the payment and the refund's confirmation,
    # then searches by the full number
    html = admin_page(support, url)
    detail = admin_page(support, f"{url}{intent.pk}/change/")
    confirmation = support.post(
        url, {"action": "refund_what_is_held", "_selected_action": [intent.pk]}
    ).content.decode()
    found = admin_page(support, url, q=UNNAMED_NUMBER)
    # then each shows the masked number only, and the search finds the payment
    assert_masked_only(html, detail, confirmation)
    assert f"{url}{intent.pk}/change/" in found


def test_the_refund_list_names_an_unnamed_person_by_the_masked_number(support, unnamed):
    # given a refund the unnamed payer asked for
    intent = make_captured_intent(payer=unnamed, amount_fen=2_000)
    refund = payment_refund(
        actor=unnamed, intent=intent, amount_fen=500, idempotency_key="a"
    )
    url = "/admin/escrow/refund/"
    # when support opens the list, the refund and its payment, then searches
    html = admin_page(support, url)
    detail = admin_page(support, f"{url}{refund.pk}/change/")
    payment = admin_page(support, f"/admin/escrow/paymentintent/{intent.pk}/change/")
    found = admin_page(support, url, q=UNNAMED_NUMBER)
    # then each shows the masked number only, and the search finds the refund
    assert_masked_only(html, detail, payment)
    assert f"{url}{refund.pk}/change/" in found


def test_an_erased_payer_reads_as_a_deleted_user_not_their_pseudonym(support):
    # given a payment by a person since erased (kept under a pseudonym)
    erased = make_user("+8613700137099")
    intent = make_captured_intent(payer=erased)
    User.objects.filter(pk=erased.pk).update(phone="del_0123456789abcdef")
    url = "/admin/escrow/paymentintent/"
    # when support opens the payments list and the payment (as support reads
    # it, in English)
    with translation.override("en"):
        pages = [
            admin_page(support, url),
            admin_page(support, f"{url}{intent.pk}/change/"),
        ]
    # then they say "Deleted user", as the shop's pages do, not the pseudonym
    for page in pages:
        assert "Deleted user" in page
        assert "del_0123" not in page
