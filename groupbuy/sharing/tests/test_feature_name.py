"""The sharing feature's name is not the received list's: in Chinese 分享
names the feature, 分享给我的 the shares others sent me."""

import pytest

from groupbuy.sharing.tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_no_chinese_page_calls_the_feature_or_both_lists_received_shares(client):
    # given a member who reads Chinese
    client.force_login(make_user(preferred_language="zh-hans"))
    # when they open More and both Shared lists
    pages = {url: client.get(url).content.decode() for url in ("/more/", "/sharing/")}
    sent = client.get("/sharing/?box=sent").content.decode()
    # then none calls the feature, or its tab nav, 收到的分享 ("received shares")
    for html in (*pages.values(), sent):
        assert "收到的分享" not in html
    # and the received list is headed as its tab reads
    assert "<h1>分享给我的</h1>" in pages["/sharing/"]
    assert "<h1>我分享的</h1>" in sent


def test_the_english_pages_name_the_feature_shared_and_the_list_shared_with_me(
    client,
):
    client.force_login(make_user(preferred_language="en"))
    more = client.get("/more/").content.decode()
    received = client.get("/sharing/").content.decode()
    assert "<span>Shared</span>" in more
    assert '<nav class="subnav" id="thread-boxes" aria-label="Shared">' in received
    assert "<h1>Shared with me</h1>" in received
