"""The operator's erasure queue: who each request is, a confirm step before
"Erase now", and what its filters and date column say."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from groupbuy.accounts.models import User
from groupbuy.accounts.services import api_token_create
from groupbuy.deals.tests.factories import make_merchant
from groupbuy.ops.models import ErasureRequest
from groupbuy.ops.services import erasure_cancel, erasure_request

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {api_token_create(actor=user)[1]}"}


@pytest.fixture
def operator():
    return User.objects.create_user(
        "+8613700000001", "long-enough-pw", is_staff=True, preferred_language="en"
    )


@pytest.fixture
def person():
    return User.objects.create_user(
        "+8613712345678", "long-enough-pw", display_name="Zhang Erase"
    )


def moment(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def test_the_queue_names_each_person_and_links_to_their_page(client, operator, person):
    # given
    request = erasure_request(actor=person)
    client.force_login(operator)

    # when
    page = client.get("/operator/erasures/").content.decode()

    # then: the name and the masked phone, linking to the person's page; never
    # the full number
    assert (
        f'<a href="/operator/people/{person.public_id}/" class="erasure-person">'
        'Zhang Erase <span class="masked-phone">+86137****5678</span></a>'
    ) in page
    assert "+8613712345678" not in page
    # and "Erase now" leads to a confirm page, it does not erase
    assert f'href="/operator/erasures/{request.public_id}/">Erase now</a>' in page
    assert f'action="/operator/erasures/{request.public_id}/perform/"' not in page


def test_erase_now_asks_first_naming_the_person(client, operator, person):
    # given
    request = erasure_request(actor=person)
    client.force_login(operator)

    # when the operator follows "Erase now"
    confirm = client.get(f"/operator/erasures/{request.public_id}/")

    # then they are asked, with whom it is, and nothing is erased yet
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "Erase this account now?" in page
    assert '<dd id="erasure-person-name">Zhang Erase</dd>' in page
    assert ">+86137****5678</dd>" in page
    assert (
        f'<a href="/operator/people/{person.public_id}/" id="erasure-person-link">'
    ) in page
    assert f'action="/operator/erasures/{request.public_id}/perform/"' in page
    request.refresh_from_db()
    assert request.status == "pending"
    assert User.objects.get(pk=person.pk).phone == "+8613712345678"

    # when they confirm
    done = client.post(f"/operator/erasures/{request.public_id}/perform/")

    # then it is erased, and the confirm page only leads back to the queue
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.status == "completed"
    again = client.get(f"/operator/erasures/{request.public_id}/")
    assert again["Location"] == "/operator/erasures/?status=completed"


def test_the_date_column_says_due_erased_or_cancelled(client, operator, person):
    # given one request of each status
    other = User.objects.create_user("+8613712340001", "long-enough-pw")
    third = User.objects.create_user("+8613712340002", "long-enough-pw")
    pending = erasure_request(actor=person)
    cancelled = erasure_cancel(actor=other, request=erasure_request(actor=other))
    completed = erasure_request(actor=third)
    client.force_login(operator)
    client.post(f"/operator/erasures/{completed.public_id}/perform/")
    completed.refresh_from_db()

    # then pending ones are due by a date
    page = client.get("/operator/erasures/").content.decode()
    assert "<th>Due</th>" in page and "Erased by" not in page
    assert f'<td data-label="Due">{moment(pending.due_at)}</td>' in page
    # completed ones say when they were erased
    page = client.get("/operator/erasures/?status=completed").content.decode()
    assert "<th>Erased at</th>" in page
    assert f'<td data-label="Erased at">{moment(completed.completed_at)}</td>' in page
    # and cancelled ones when they were withdrawn, never the date they were due
    page = client.get("/operator/erasures/?status=cancelled").content.decode()
    assert "<th>Cancelled at</th>" in page
    assert (
        f'<td data-label="Cancelled at">{moment(cancelled.cancelled_at)}</td>'
    ) in page
    assert moment(cancelled.due_at) not in page


def test_the_status_filter_shows_the_current_one(client, operator):
    client.force_login(operator)

    page = client.get("/operator/erasures/?status=completed").content.decode()

    # the bar the console's other filter bars use, whose current link is styled
    assert '<nav class="subnav" aria-label="Status" id="erasure-statuses">' in page
    assert (
        '<a href="?status=completed" aria-current="page" id="erasures-completed">'
    ) in page
    assert page.count('aria-current="page" id="erasures-') == 1
    css = Path(settings.BASE_DIR, "web/static/web/css/app.css").read_text()
    assert '.subnav a[aria-current="page"]' in css


def test_an_unknown_status_says_so_instead_of_no_requests(client, operator, person):
    erasure_request(actor=person)
    client.force_login(operator)

    answer = client.get("/operator/erasures/?status=bogus", follow=True)

    assert answer.redirect_chain == [("/operator/erasures/?status=pending", 302)]
    page = answer.content.decode()
    assert "There is no list “bogus”: here are the pending requests." in page
    assert "No requests." not in page and "Zhang Erase" in page
    # while a status left empty is the pending list, as with none
    empty = client.get("/operator/erasures/?status=")
    assert empty.status_code == 200 and "Zhang Erase" in empty.content.decode()


def test_the_api_lists_pending_by_default_all_when_empty_and_refuses_others(
    client, operator, person
):
    # given a pending and a cancelled request
    other = User.objects.create_user("+8613712340001", "long-enough-pw")
    pending = erasure_request(actor=person)
    cancelled = erasure_cancel(actor=other, request=erasure_request(actor=other))
    headers = bearer(operator)

    def ids(query: str) -> list[str]:
        answer = client.get(f"/api/ops/erasures{query}", headers=headers)
        return [item["id"] for item in answer.json()["items"]]

    # then
    assert ids("") == [pending.public_id]
    assert ids("?status=cancelled") == [cancelled.public_id]
    assert sorted(ids("?status=")) == sorted([pending.public_id, cancelled.public_id])
    refused = client.get("/api/ops/erasures?status=bogus", headers=headers)
    assert refused.status_code == 400
    assert refused.json()["fields"] == {
        "status": ["Choose one of: pending, cancelled, completed."]
    }


def test_only_operators_open_the_confirm_page(client, person):
    # given a shopper and a merchant's owner
    request = erasure_request(actor=person)
    shopper = User.objects.create_user("+8613712340003", "long-enough-pw")
    owner = User.objects.create_user("+8613712340004", "long-enough-pw")
    make_merchant(name="Corner shop", owner=owner)

    for intruder in (shopper, owner, person):
        client.force_login(intruder)
        # then
        assert client.get(f"/operator/erasures/{request.public_id}/").status_code == 403
    client.logout()
    signed_out = client.get(f"/operator/erasures/{request.public_id}/")
    assert signed_out.status_code == 302
    assert signed_out["Location"].startswith("/login/")
    assert ErasureRequest.objects.get().status == "pending"
    assert timezone.now() < request.due_at < timezone.now() + timedelta(days=8)
