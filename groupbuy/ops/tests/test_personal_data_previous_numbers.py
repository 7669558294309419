"""A person who moved their account to another number: their export and their
erasure still find what was sent to the number they had, while it was theirs,
and leave what came to it afterwards, for its next holder."""

import io
import json
import zipfile
from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog

from groupbuy.accounts import services as accounts
from groupbuy.accounts.models import PreviousPhone, User
from groupbuy.accounts.tests.helpers import PASSWORD, code_sent_to, committed_runner
from groupbuy.notify.models import Invitation
from groupbuy.notify.sms import MemorySmsBackend
from groupbuy.notify.tests.factories import make_notification
from groupbuy.ops.models import MerchantOwnerInvitation
from groupbuy.ops.personal_data import export_zip
from groupbuy.ops.services import erasure_perform, erasure_request
from groupbuy.sharing.models import Participant
from groupbuy.sharing.tests.factories import make_merchant, make_share, make_user

pytestmark = pytest.mark.django_db

OLD = "+8613800138041"
NEW = "+8613900139042"


def _failed_login(client, phone: str, agent: str) -> None:
    answer = client.post(
        "/api/auth/token",
        {"phone": phone, "password": "not-it"},
        content_type="application/json",
        headers={"User-Agent": agent},
    )
    assert answer.status_code == 401


@pytest.fixture
def moved(client, settings, tmp_path, django_capture_on_commit_callbacks):
    """Someone who had OLD, with a share, an invitation to run a shop and a
    failed login for it, then moved to NEW; afterwards OLD got a share of its
    own and a failed login, for whoever has it next."""
    settings.GROUPBUY_SMS_BACKEND = "groupbuy.notify.sms.FileOutboxSmsBackend"
    settings.GROUPBUY_SMS_OUTBOX_DIR = tmp_path
    MemorySmsBackend.outbox.clear()
    committed = committed_runner(django_capture_on_commit_callbacks)
    # given a share sent to OLD and a shop awaiting its owner at OLD
    sender = make_user()
    before = committed(make_share, sender=sender, recipients=[OLD])
    owner_invitation = MerchantOwnerInvitation.objects.create(
        merchant=make_merchant(name="Lan's Grocery"), phone=OLD
    )
    # and an account an operator made for OLD (no SMS sign-up claimed them)
    person = User.objects.create_user(OLD, PASSWORD, preferred_language="en")
    _failed_login(client, OLD, "the person's phone")
    # when they move their account to NEW
    settings.GROUPBUY_SMS_BACKEND = "groupbuy.notify.sms.MemorySmsBackend"
    committed(accounts.phone_change_request, actor=person, new_phone=NEW)
    committed(
        accounts.phone_change_complete,
        actor=person,
        new_phone=NEW,
        code=code_sent_to(NEW),
    )
    settings.GROUPBUY_SMS_BACKEND = "groupbuy.notify.sms.FileOutboxSmsBackend"
    # and OLD, theirs no more, is sent a share and tried at the login
    after = committed(make_share, sender=sender, recipients=[OLD])
    _failed_login(client, OLD, "a stranger's phone")
    return SimpleNamespace(
        person=person,
        sender=sender,
        before=before,
        after=after,
        owner_invitation=owner_invitation,
        outbox=tmp_path,
    )


def _export(person) -> dict:
    with export_zip(person, site_name="groupbuy") as spool:
        archive = zipfile.ZipFile(io.BytesIO(spool.read()))
        return {
            name.removesuffix(".json"): json.loads(archive.read(name))
            for name in archive.namelist()
            if name.endswith(".json")
        }


def test_the_change_keeps_the_old_number_and_when_it_went(moved):
    # then the account keeps OLD as a number it had, until the change
    [previous] = PreviousPhone.objects.filter(user=moved.person)
    assert previous.phone == OLD
    assert previous.held_until == User.objects.get(pk=moved.person.pk).phone_verified_at


def test_the_export_holds_what_was_sent_to_the_old_number_while_it_was_theirs(
    moved,
):
    # when the person exports their data
    export = _export(moved.person)
    # then the share sent to OLD before the change is theirs, the later one not
    assert [i["share"] for i in export["sharing"]["invitations"]] == [
        moved.before.public_id
    ]
    assert export["sharing"]["invitations"][0]["shown_as"] == "+86138****8041"
    [invitation] = export["notify"]["invitations"]
    assert invitation["kind"] == "sharing.share.received"
    assert [i["id"] for i in export["ops"]["merchant_owner_invitations"]] == [
        moved.owner_invitation.public_id
    ]
    assert [p["phone"] for p in export["accounts"]["previous_phones"]] == [OLD]


def test_the_erasure_finds_the_old_number_and_leaves_its_next_holder_alone(
    moved, django_capture_on_commit_callbacks
):
    # given the sender's note of the old number, as people type it
    note = make_notification(recipient=moved.sender, body="Lan: 138 0013 8041")
    # when the person's account is erased
    request = erasure_request(actor=moved.person)
    with django_capture_on_commit_callbacks(execute=True):
        erasure_perform(actor=None, request=request)
    # then the share sent to OLD before the change can no longer be claimed
    # nor shows the number, while the later one awaits OLD's next holder
    recipient = Participant.objects.get(share=moved.before, role="recipient")
    assert (recipient.address_hash, recipient.label) == ("", "")
    later = Participant.objects.get(share=moved.after, role="recipient")
    assert later.address_hash and later.label == "+86138****8041"
    assert Invitation.objects.filter(
        notification__data__share=moved.after.public_id
    ).exists()
    assert not Invitation.objects.filter(
        notification__data__share=moved.before.public_id
    ).exists()
    # the shop's invitation loses the number; the login attempts for OLD
    # while it was theirs are gone, the stranger's kept
    moved.owner_invitation.refresh_from_db()
    assert moved.owner_invitation.phone == ""
    agents = {
        row.user_agent
        for model in (AccessAttempt, AccessFailureLog, AccessLog)
        for row in model.objects.filter(username=OLD)
    }
    assert agents == {"a stranger's phone"}
    # the texts to OLD from before the change are gone, the later one kept
    texts = [
        json.loads(path.read_text(encoding="utf-8"))
        for path in moved.outbox.glob("*.json")
    ]
    assert [t["idempotency_key"] for t in texts if t["phone"] == OLD] == [
        f"{Invitation.objects.get().notification.public_id}-sms"
    ]
    assert not PreviousPhone.objects.exists()
    # and the old number is cut out of what others were told
    note.refresh_from_db()
    assert note.body == "Lan: [erased]"
