"""A member who moves their account to another number is found by the new one."""

import pytest

from groupbuy.accounts import services as accounts
from groupbuy.accounts.tests.helpers import code_sent_to
from groupbuy.sharing.contacts import member_hash_save, members_by_hash, phone_hash
from groupbuy.sharing.models import MemberPhoneHash
from groupbuy.sharing.tests.factories import make_user

pytestmark = pytest.mark.django_db

NEW = "+8613900139031"


def test_the_member_hash_follows_the_new_number(django_capture_on_commit_callbacks):
    # given a member whose number is hashed for address-book matching
    member = make_user()
    old = member.phone
    member_hash_save(member)
    # when they move their account to a new number
    with django_capture_on_commit_callbacks(execute=True):
        accounts.phone_change_request(actor=member, new_phone=NEW)
    with django_capture_on_commit_callbacks(execute=True):
        accounts.phone_change_complete(
            actor=member, new_phone=NEW, code=code_sent_to(NEW)
        )
    # then the stored hash is the new number's, and only it finds them
    assert MemberPhoneHash.objects.get(user=member).phone_hash == phone_hash(NEW)
    assert members_by_hash([phone_hash(NEW), phone_hash(old)]) == {
        phone_hash(NEW): member
    }
