import pytest
from django.test import override_settings

from groupbuy.sharing.contacts import (
    members_by_hash,
    phone_hash,
    typed_numbers_parse,
    typed_numbers_split,
    vcard_parse,
)
from groupbuy.sharing.errors import SharingError
from groupbuy.sharing.models import MemberPhoneHash
from groupbuy.sharing.tests.factories import make_user, vcard

pytestmark = pytest.mark.django_db


def test_vcard_numbers_are_normalised_and_deduplicated():
    # given a book with one person twice in two spellings and a bad number
    data = vcard(
        [("Wang", "139 1234 5678"), ("Wang again", "+86 139-1234-5678"), ("X", "12")]
    )
    # when
    contacts = vcard_parse(data)
    # then
    assert [(c.name, c.address) for c in contacts] == [("Wang", "+8613912345678")]


@pytest.mark.parametrize(
    "data",
    [b"hello", b"\xff\xfe\x00garbage", b"", b"BEGIN:VCARD\r\nno colon here\r\n"],
)
def test_a_file_that_is_not_a_vcard_is_refused(data):
    with pytest.raises(SharingError) as refused:
        vcard_parse(data)
    assert refused.value.code == "vcard_invalid"


def test_a_vcard_of_100000_entries_is_refused_before_parsing():
    data = vcard([("x", "139 0000 0000")]) * 100_000
    with pytest.raises(SharingError) as refused:
        vcard_parse(data)
    assert (refused.value.code, refused.value.status) == ("vcard_too_large", 413)


@override_settings(GROUPBUY_SHARING_VCARD_MAX_BYTES=20 * 1024 * 1024 - 1)
def test_a_vcard_of_20_mb_is_refused():
    with pytest.raises(SharingError) as refused:
        vcard_parse(b"BEGIN:VCARD\r\n" + b" " * (20 * 1024 * 1024))
    assert refused.value.code == "vcard_too_large"


@pytest.mark.parametrize(
    "typed",
    [
        "13800000002,13912345678",
        "13800000002，13912345678",  # full-width comma
        "13800000002、13912345678",  # ideographic comma
        "13800000002;13912345678",
        "13800000002；13912345678",
        "13800000002\n13912345678",
        "13800000002\r\n\r\n13912345678\n",
        "13800000002 13912345678",
        "13800000002\u300013912345678",  # full-width space
        " 13800000002 ，  13912345678 、",
    ],
)
def test_typed_numbers_are_split_at_ascii_and_chinese_separators(typed):
    assert typed_numbers_split(typed) == ["13800000002", "13912345678"]


def test_a_number_written_in_groups_stays_one():
    typed = "139 1234 5678，+86 138 0000 0002\nann@example.com bo@example.com"
    assert typed_numbers_split(typed) == [
        "139 1234 5678",
        "+86 138 0000 0002",
        "ann@example.com",
        "bo@example.com",
    ]


def test_each_item_of_a_list_is_split_and_a_bad_part_kept_whole():
    typed = ["13800000002，13912345678", "", "not a phone 123"]
    assert typed_numbers_split(typed) == [
        "13800000002",
        "13912345678",
        "not a phone 123",
    ]


def test_typed_numbers_name_the_invalid_ones():
    with pytest.raises(SharingError) as refused:
        typed_numbers_parse(["139 1234 5678", "not a phone", "123"])
    assert refused.value.code == "phone_invalid"
    assert refused.value.extra == {"invalid_recipients": ["not a phone", "123"]}
    assert refused.value.fields == {"recipients": [refused.value.message]}


def test_members_are_matched_by_keyed_hash_only():
    # given a member and a stranger's number
    member = make_user()
    stranger = "+8613912345678"
    # when
    found = members_by_hash([phone_hash(member.phone), phone_hash(stranger)])
    # then only the member matches, and what is stored is a hash, not the number
    assert found == {phone_hash(member.phone): member}
    stored = MemberPhoneHash.objects.get(user=member).phone_hash
    assert stored == phone_hash(member.phone) and member.phone not in stored


def test_the_hash_is_keyed_by_the_server_secret():
    with override_settings(GROUPBUY_CONTACT_HASH_KEY="one"):
        first = phone_hash("+8613912345678")
    with override_settings(GROUPBUY_CONTACT_HASH_KEY="two"):
        second = phone_hash("+8613912345678")
    assert first != second


def test_vcard_21_quoted_printable_names_and_folded_lines_are_read():
    # given an Android-style 2.1 card and a 3.0 card with a folded name
    data = (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\n"
        b"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E7=8E=8B;=E5=B0=8F=E6=98=8E;;;\r\n"
        b"TEL;CELL:139-1234-5678\r\nEND:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Li\r\n  Lei\r\nTEL:tel:+86 139 0000 1111\r\n"
        b"END:VCARD\r\n"
    )
    # when
    contacts = vcard_parse(data)
    # then
    assert [(c.name, c.address) for c in contacts] == [
        ("小明 王", "+8613912345678"),
        ("Li Lei", "+8613900001111"),
    ]


def test_a_member_who_changed_number_is_not_matched_by_the_old_one():
    member = make_user()
    old = member.phone
    members_by_hash([phone_hash(old)])  # hashes the old number
    member.phone = "+8613911112222"
    member.save(update_fields=["phone"])
    assert members_by_hash([phone_hash(old)]) == {}
