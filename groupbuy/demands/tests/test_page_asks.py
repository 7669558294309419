"""The demand pages' forms: the page, not the browser, says what is missing,
and what cannot be undone asks once more first."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from groupbuy.demands import services
from groupbuy.demands.models import Demand, DemandPhoto
from groupbuy.demands.tests.factories import (
    join_and_pay,
    make_owner_merchant,
    make_published,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.GROUPBUY_PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _form_tags(page: str) -> dict[str, str]:
    """Each form's opening tag by its id."""
    found = re.findall(r'(<form [^>]*id="([-a-z]+)"[^>]*>)', page)
    return {form_id: tag for tag, form_id in found}


def _opened_details(page: str, details_id: str) -> str:
    start = page.index(f'<details class="confirm" id="{details_id}">')
    return page[start : page.index("</details>", start)]


def test_the_demand_forms_leave_missing_fields_to_the_page(client):
    # given a shopper, the initiator of a published demand and a shop's owner
    demand = make_published()
    merchant, owner = make_owner_merchant()
    shopper = make_user(preferred_language="en")
    pages = {
        "demand-form": (shopper, reverse("demands:new")),
        "join-form": (shopper, f"/demands/{demand.public_id}/"),
        "deadline-form": (demand.initiator, f"/demands/{demand.public_id}/"),
        "photo-form": (demand.initiator, f"/demands/{demand.public_id}/"),
        "offer-form": (
            owner,
            reverse(
                "demands:merchant_offer", args=[merchant.public_id, demand.public_id]
            ),
        ),
    }
    # when each opens the page with the form
    for form_id, (user, url) in pages.items():
        client.force_login(user)
        tags = _form_tags(client.get(url).content.decode())
        # then the browser does not check the fields in its own language:
        # the page says what is missing, in the page's (as the site's forms do)
        assert "novalidate" in tags[form_id], form_id


def test_an_empty_demand_form_says_what_is_missing_in_the_page_language(client):
    # given a shopper reading English
    client.force_login(make_user(preferred_language="en"))
    # when the Start a demand form is sent empty
    response = client.post(reverse("demands:new"), {})
    # then the page says so on the field, and nothing is drafted
    assert response.context["form"].errors["title"] == ["This field is required."]
    assert not Demand.objects.exists()


def test_leaving_an_open_demand_asks_first_and_says_the_deposit_comes_back(client):
    # given a joiner of a published demand whose ¥150.00 deposit is held
    demand = make_published()
    participation = join_and_pay(demand, make_user(preferred_language="en"))
    client.force_login(participation.shopper)
    # when they open its page
    page = client.get(f"/demands/{demand.public_id}/").content.decode()
    # then Leave is behind a question that says what leaving does (until
    # 2026-12-07 the first tap left)
    confirm = _opened_details(page, "withdraw-demand-confirm")
    texts = dict(re.findall(r'id="(withdraw-demand[-a-z]*)">([^<]+)<', confirm))
    del texts["withdraw-demand-confirm"]
    assert texts == {
        "withdraw-demand-ask": "Leave this demand…",
        "withdraw-demand-warning": "You give up your units and your deposit of"
        f" ¥{participation.deposit_fen / 100:,.2f} is refunded in full.",
        "withdraw-demand": "Yes, leave the demand",
    }
    assert page.count(f'action="/demands/{demand.public_id}/withdraw/"') == 1
    assert f'action="/demands/{demand.public_id}/withdraw/"' in confirm
    # and opening the page changed nothing
    participation.refresh_from_db()
    assert participation.status == "active"


def test_removing_a_photo_asks_first(client):
    # given the initiator of a published demand with a photo, reading English
    demand = make_published()
    demand.initiator.preferred_language = "en"
    demand.initiator.save(update_fields=["preferred_language"])
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (20, 200, 30)).save(buffer, format="PNG")
    upload = SimpleUploadedFile("milk.png", buffer.getvalue(), "image/png")
    photo = services.demand_photo_add(
        actor=demand.initiator, demand=demand, upload=upload
    )
    client.force_login(demand.initiator)
    # when they open its page
    page = client.get(f"/demands/{demand.public_id}/").content.decode()
    # then Remove opens a question, and only its answer removes the photo
    # (until 2026-12-07 the first tap removed it)
    figure = page[page.index(f'data-photo-id="{photo.public_id}"') :]
    figure = figure[: figure.index("</figure>")]
    confirm = figure[figure.index('<details class="confirm photo-delete-confirm">') :]
    delete_url = reverse(
        "demands:photo_delete", args=[demand.public_id, photo.public_id]
    )
    assert f'action="{delete_url}"' in confirm
    assert figure.count("<form") == 1
    assert re.findall(r">([^<>]*[a-z][^<>]*)<", confirm) == [
        "Remove photo…",
        "The photo is removed for good.",
        "Yes, remove the photo",
    ]
    # and opening the page changed nothing
    assert DemandPhoto.objects.filter(pk=photo.pk).exists()


def test_a_visitor_is_asked_to_log_in_to_join_in_the_headers_words(client):
    # given a published demand and a visitor reading English
    demand = make_published()
    # when they open its page
    page = client.get(
        f"/demands/{demand.public_id}/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    # then the page's link says "Log in", as the header's does (not "Sign in")
    assert 'id="nav-login">Log in<' in page
    assert ">Log in to join</a>" in page
    assert "Sign in" not in page
