"""Sentences a page says side by side read as their language writes them."""

import pytest
from django.template import engines
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from groupbuy.catalog.tests.factories import make_merchant_member, make_user
from groupbuy.web.forms_merchant import DateRangeForm, OrderFilterForm
from groupbuy.web.views.merchant_money import form_refusal
from groupbuy.web.views.merchant_orders import _filters_refused

SIDE_BY_SIDE = (
    "{% load i18n web_extras %}<p>{% sentences %}"
    '{% translate "Nothing shared yet." %}\n'
    '  {% translate "Open a group buy and choose Share to send it to your contacts." %}'
    ' {% if more %}{% translate "They will see this share if they sign up." %}'
    "{% endif %} {% if none %}{% translate 'Nothing is refunded.' %}{% endif %}"
    "{% endsentences %}</p>"
)


def _render(context: dict) -> str:
    return engines["django"].from_string(SIDE_BY_SIDE).render(context)


def test_chinese_sentences_side_by_side_have_no_space_after_their_full_stop():
    with translation.override("zh-hans"):
        html = _render({"more": True})
    assert html == (
        "<p>还没有分享。打开一个团购，点“分享”即可发给您的联系人。对方注册后会看到这条分享。</p>"
    )


def test_english_sentences_side_by_side_keep_one_space():
    with translation.override("en"):
        html = _render({"more": False})
    assert html == (
        "<p>Nothing shared yet. "
        "Open a group buy and choose Share to send it to your contacts.</p>"
    )


SENTENCE_AND_LINK = (
    "{% load i18n web_extras %}<li>{% sentences %}"
    '{% translate "No orders yet." %} <a class="button  small"\n'
    ' href="/deals/?q={{ q }}" title="{{ q }}">{% translate "Find a group buy" %}</a>'
    "{% endsentences %}</li>"
)


@pytest.mark.parametrize(
    ("language", "sentence_and_link"),
    [
        # (a space after 。 showed as a gap before the link)
        ("zh-hans", "还没有订单。<a"),
        ("en", "No orders yet. <a"),
    ],
)
def test_a_link_after_a_sentence_follows_it_as_the_language_writes_it(
    language, sentence_and_link
):
    # given a sentence and a link in one block, the link's attributes spread
    # over two lines
    template = engines["django"].from_string(SENTENCE_AND_LINK)
    # when it renders in the language
    with translation.override(language):
        html = template.render({"q": "a b"})
        link_text = gettext("Find a group buy")
    # then the link follows the sentence as the language spaces sentences, and
    # its tag keeps the spaces between (and inside) its attributes
    assert html == (
        f'<li>{sentence_and_link} class="button  small"\n'
        f' href="/deals/?q=a b" title="a b">{link_text}</a></li>'
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            (
                "The days asked for could not be read. From: Enter a valid date.",
                "date_from: Enter a valid date.",
                "a filter could not be read (From: Enter a valid date.)",
            ),
        ),
        (
            "zh-hans",
            (
                "无法读取所请求的日期。从：输入一个有效的日期。",
                "date_from：输入一个有效的日期。",
                "有一个筛选条件无法读取（从：输入一个有效的日期。）",
            ),
        ),
    ],
)
def test_a_refused_day_is_named_with_its_languages_colon(language, expected):
    # given a day that does not exist, for the money CSV, its API and the
    # order list's CSV
    asked = {"date_from": "2026-11-31"}
    # when each refuses it
    with translation.override(language):
        page = form_refusal(DateRangeForm(data=asked)).message
        api = form_refusal(DateRangeForm(data=asked), as_parameters=True).message
        orders = _filters_refused(OrderFilterForm(data=asked)).message
    # then the field is named with the language's colon: "从：", not "从: "
    assert (page, api) == expected[:2]
    assert expected[2] in orders


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "between"), [("en", "last. Times are"), ("zh-hans", "。时间为")]
)
def test_the_money_pages_period_is_said_in_sentences_of_its_language(language, between):
    # given a shop owner reading the language
    membership = make_merchant_member(user=make_user(preferred_language=language))
    client = Client()
    client.force_login(membership.user)
    # when they open the money page for November
    page = client.get(
        reverse("web:merchant_money", args=[membership.merchant.public_id]),
        {"date_from": "2026-11-01", "date_to": "2026-11-30"},
    )
    # then the period and its time zone are two sentences, spaced as the
    # language spaces them
    text = page.content.decode().split('id="money-period-text">')[1]
    assert between in text.split("</p>")[0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "between"),
    [("en", "No orders yet. <a"), ("zh-hans", "还没有订单。<a")],
)
def test_an_empty_order_list_says_so_and_links_on_as_the_language_writes_it(
    language, between
):
    # given a shopper with no order, reading the language
    client = Client()
    client.force_login(make_user(preferred_language=language))
    # when they open their orders
    page = client.get(reverse("web:order_list")).content.decode()
    # then the link to the group buys follows the sentence with the language's
    # space: none after 。 (it showed as a gap until 2026-12-07)
    empty = page.split('id="order-list-empty">')[1].split("</li>")[0]
    assert empty.startswith(between)


@pytest.mark.parametrize(
    ("language", "between"),
    [("en", "New here? <a"), ("zh-hans", "第一次来？<a")],
)
def test_the_login_page_offers_an_account_as_the_language_writes_it(
    client, language, between
):
    # given a visitor whose browser asks for the language
    # when they open the login page
    page = client.get(reverse("web:login"), HTTP_ACCEPT_LANGUAGE=language)
    # then the link to sign up follows its question with the language's space
    assert between in page.content.decode()
