"""The admin's shop applications: listed by status, read-only, the contact
phone and the applicant's number masked (reading them in full is audited on
the operator's page), in Chinese for a Chinese reader."""

import pytest
from django.test import Client

from groupbuy.accounts.models import User
from groupbuy.core.models import AuditEntry
from groupbuy.ops.models import ShopApplication
from groupbuy.ops.shop_applications import shop_application_withdraw
from groupbuy.ops.tests.factories import make_person, make_shop_application

pytestmark = pytest.mark.django_db

APPLICANT = "+8613800138081"
APPLICANT_MASKED = "+86138****8081"
CONTACT = "+8613900139082"
CONTACT_MASKED = "+86139****9082"
LIST = "/admin/ops/shopapplication/"


@pytest.fixture
def support() -> Client:
    client = Client()
    client.force_login(make_person(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def application() -> ShopApplication:
    # an applicant with no name: str(user) would be their full number
    applicant = User.objects.create_user(
        APPLICANT, "long-enough-pw", preferred_language="en"
    )
    return make_shop_application(
        applicant=applicant, name="鲜果小铺", contact_phone=CONTACT
    )


def _page(client: Client, url: str, **query) -> str:
    answer = client.get(url, query)
    assert answer.status_code == 200
    return answer.content.decode()


def test_the_list_masks_the_numbers_and_finds_a_full_one(support, application):
    # when support opens the list, then searches by each full number
    html = _page(support, LIST)
    by_contact = _page(support, LIST, q=CONTACT)
    by_applicant = _page(support, LIST, q=APPLICANT)
    # then the list shows both numbers masked only, and each search finds it
    change = f"{LIST}{application.pk}/change/"
    assert "鲜果小铺" in html and change in html
    assert CONTACT_MASKED in html and APPLICANT_MASKED in html
    assert CONTACT not in html and APPLICANT not in html
    assert change in by_contact and change in by_applicant


def test_the_detail_masks_the_numbers_and_links_to_the_audited_page(
    support, application
):
    # when support opens the application in the admin
    html = _page(support, f"{LIST}{application.pk}/change/")
    # then the numbers are masked, and the operator's page (which gives the
    # contact phone in full and records who read it) is one click away
    assert CONTACT_MASKED in html and APPLICANT_MASKED in html
    assert CONTACT not in html and APPLICANT not in html
    assert f'href="/operator/shop-applications/{application.public_id}/"' in html
    # and reading it here wrote no "viewed" row: nothing full was shown
    assert not AuditEntry.objects.filter(action="ops.shop_application.viewed")


def test_the_list_filters_by_status(support, application):
    # given a second application, withdrawn
    withdrawn = make_shop_application(name="旧书店")
    shop_application_withdraw(actor=withdrawn.applicant, application=withdrawn)
    # when support lists each status
    pending = _page(support, LIST, status__exact="pending")
    gone = _page(support, LIST, status__exact="withdrawn")
    # then each lists its own
    assert "鲜果小铺" in pending and "旧书店" not in pending
    assert "旧书店" in gone and "鲜果小铺" not in gone


def test_the_admin_changes_nothing(support, application):
    # given the admin's change page, posted as if it were a form
    url = f"{LIST}{application.pk}/change/"
    # when support posts a decision, a new application and a deletion
    posted = support.post(url, {"status": "approved", "name": "Other"})
    added = support.get(f"{LIST}add/")
    deleted = support.post(f"{LIST}{application.pk}/delete/", {"post": "yes"})
    # then each is refused and the application is as it was
    assert (posted.status_code, added.status_code, deleted.status_code) == (
        403,
        403,
        403,
    )
    application.refresh_from_db()
    assert (application.status, application.name) == ("pending", "鲜果小铺")


def test_the_admin_reads_in_chinese(application):
    # given a superuser reading the admin in Chinese
    operator = User.objects.create_superuser("+8613900139083", "admin-password-3")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(operator)
    # when
    listed = _page(client, LIST)
    detail = _page(client, f"{LIST}{application.pk}/change/")
    # then the model, its columns and its fields are named in Chinese
    assert "开店申请" in listed
    assert "申请人" in listed and "联系电话" in listed
    assert "第一家门店的地址" in detail and "处理人" in detail
