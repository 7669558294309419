"""A buyer demand's photo can be reported; hidden, it leaves every page and
the API, and its file is the operators' alone (demands.reporting)."""

import pytest
from django.test import Client

from groupbuy.core.errors import DomainError
from groupbuy.demands import services
from groupbuy.demands.tests.factories import (
    make_demand,
    make_owner_merchant,
    make_published,
    make_user,
)
from groupbuy.demands.tests.test_deadline_and_photos import png

# the autouse fixture keeps the photos in this test's own media roots
from groupbuy.demands.tests.test_draft_photos import _signed_in, media_roots  # noqa: F401
from groupbuy.moderation.models import Report
from groupbuy.moderation.services import report_hide
from groupbuy.moderation.tests.factories import bearer
from groupbuy.notify.models import Notification

pytestmark = pytest.mark.django_db


def _published_with_photo():
    demand = make_published(initiator=make_user(preferred_language="en"))
    photo = services.demand_photo_add(
        actor=demand.initiator, demand=demand, upload=png()
    )
    return demand, photo


def test_a_shopper_reports_a_photo_an_operator_hides_it_everywhere(
    settings, django_capture_on_commit_callbacks
):
    public_root = settings.MEDIA_ROOT
    demand, photo = _published_with_photo()
    public_name = photo.image.name
    page = f"/demands/{demand.public_id}/"
    report_url = f"/moderation/demand-photos/{photo.public_id}/report/"
    shopper = make_user(preferred_language="en")
    # given: another shopper sees Report under the photo, its initiator does not
    assert report_url in _signed_in(shopper).get(page).content.decode()
    assert report_url not in _signed_in(demand.initiator).get(page).content.decode()
    # when the shopper opens the form, it shows the photo, and they send it
    form = _signed_in(shopper).get(report_url).content.decode()
    assert "Report a photo" in form and photo.image.url in form
    sent = _signed_in(shopper).post(report_url, {"reason": "offensive"})
    assert sent.status_code == 302 and sent["Location"] == page
    report = Report.objects.get()
    assert report.item_reference == ("demand_photo", photo.public_id)
    # and an operator, who sees it in the report, hides it
    operator = make_user(is_staff=True)
    answer = (
        Client()
        .get(f"/api/operator/reports/{report.public_id}", headers=bearer(operator))
        .json()
    )
    assert answer["item_image_url"].endswith(photo.image.url)
    with django_capture_on_commit_callbacks(execute=True):
        report_hide(actor=operator, report_id=report.public_id)
    # then the photo is on no page and in no answer, its public file is gone
    photo.refresh_from_db()
    assert photo.hidden_at is not None
    assert photo.public_id not in _signed_in(shopper).get(page).content.decode()
    listed = Client().get(f"/api/demands/{demand.public_id}", headers=bearer(shopper))
    assert listed.json()["photos"] == []
    assert not (public_root / public_name).exists()
    # its private copy is served to operators alone
    assert _signed_in(operator).get(photo.image.url).status_code == 200
    for person in (shopper, demand.initiator, make_owner_merchant()[1]):
        assert _signed_in(person).get(photo.image.url).status_code == 404
    # the initiator is told, in a photo's words, and may add another photo
    told = Notification.objects.get(
        recipient=demand.initiator, kind="moderation.item.hidden"
    )
    assert told.title == "Your photo was removed"
    services.demand_photo_add(actor=demand.initiator, demand=demand, upload=png())


def test_a_photo_is_not_reported_by_its_initiator_nor_seen_in_a_draft():
    demand, photo = _published_with_photo()
    path = f"/api/moderation/demand-photos/{photo.public_id}/report"
    own = Client().post(
        path,
        {"reason": "spam"},
        content_type="application/json",
        headers=bearer(demand.initiator),
    )
    assert own.status_code == 409
    assert own.json()["message"] == "You cannot report your own photo."
    # a draft's photo is its initiator's alone: no one else learns of it
    draft = make_demand()
    draft_photo = services.demand_photo_add(
        actor=draft.initiator, demand=draft, upload=png()
    )
    for person in (make_user(), make_owner_merchant()[1]):
        refused = Client().post(
            f"/api/moderation/demand-photos/{draft_photo.public_id}/report",
            {"reason": "spam"},
            content_type="application/json",
            headers=bearer(person),
        )
        assert refused.status_code == 404
    assert not Report.objects.exists()


def test_only_an_operator_hides_a_photo_and_hiding_again_changes_nothing():
    demand, photo = _published_with_photo()
    for person in (demand.initiator, make_user()):
        with pytest.raises(DomainError) as refused:
            services.demand_photo_hide(actor=person, photo_id=photo.public_id)
        assert refused.value.status == 403
    operator = make_user(is_staff=True)
    first = services.demand_photo_hide(actor=operator, photo_id=photo.public_id)
    again = services.demand_photo_hide(actor=operator, photo_id=photo.public_id)
    assert (again.image.name, again.hidden_at) == (first.image.name, first.hidden_at)


def test_the_operators_queue_shows_a_reported_photo_in_a_photos_words():
    # The queue said "Read it in its conversation" of a photo and, once its
    # initiator deleted it, "This message was deleted.", and showed no photo.
    # given a reported photo, and an operator who reads English
    demand, photo = _published_with_photo()
    shopper = make_user(preferred_language="en")
    _signed_in(shopper).post(
        f"/moderation/demand-photos/{photo.public_id}/report/", {"reason": "spam"}
    )
    operator = make_user(is_staff=True, preferred_language="en")
    # when the operator opens the queue
    queue = _signed_in(operator).get("/operator/reports/").content.decode()
    # then it shows the photo, and its link says what it opens
    assert f'src="{photo.image.url}"' in queue
    assert "See the photo</a>" in queue
    assert "Read it in its conversation" not in queue
    # and once its initiator deleted it, the queue says a photo was deleted
    services.demand_photo_delete(
        actor=demand.initiator, demand=demand, photo_id=photo.public_id
    )
    queue = _signed_in(operator).get("/operator/reports/").content.decode()
    assert "This photo was deleted." in queue
    assert "This message was deleted." not in queue
