"""Sentences a page says side by side read as their language writes them."""

import pytest
from django.template import engines
from django.test import Client
from django.urls import reverse
from django.utils import translation

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
