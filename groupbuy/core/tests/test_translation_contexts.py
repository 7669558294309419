"""One English word, two meanings: each meaning keeps its own Chinese.

Django looks a string up across every catalog and the first match wins, so a
word two apps use in different senses needs a context (pgettext); without one,
a failed e-mail showed 未成团 (a group buy that failed) and a withdrawn pool
request 已停用 (switched off).
"""

from django.template import Context, Template
from django.utils import translation

from groupbuy.coupons.models import Coupon
from groupbuy.deals.models import Deal
from groupbuy.notify.models import Delivery
from groupbuy.ops.models import ErasureRequest
from groupbuy.pooling.models import PoolRequest


def _zh(value) -> str:
    with translation.override("zh-hans"):
        return str(value)


def _zh_template(source: str) -> str:
    with translation.override("zh-hans"):
        return Template("{% load i18n %}" + source).render(Context()).strip()


def test_a_failed_group_buy_and_a_failed_delivery_read_differently():
    assert _zh(Deal.State.FAILED.label) == "未成团"
    assert _zh(Delivery.Status.FAILED.label) == "发送失败"


def test_withdrawn_and_revoked_keep_their_senses():
    assert _zh(PoolRequest.State.WITHDRAWN.label) == "已撤回"
    # a product taken out of the catalog, not a listing taken off sale (已下架)
    assert _zh_template('{% translate "Withdrawn" context "product" %}') == "已停用"
    assert _zh_template('{% translate "Off sale" %}') == "已下架"
    assert _zh(Coupon.Status.REVOKED.label) == "已作废"
    revoked_on = '{% translate "Revoked" context "token, before its date" %}'
    assert _zh_template(revoked_on) == "撤销于"


def test_a_payout_names_its_destination_and_a_date_range_its_end():
    assert _zh_template('{% translate "To" context "payout destination" %}') == (
        "收款账户"
    )
    assert _zh_template('{% translate "To" %}') == "至"


def test_a_missing_merchant_is_not_called_a_payment():
    missing = translation.gettext_lazy("There is no such merchant.")
    assert _zh(missing) == "没有这个商户。"


def test_an_erasure_request_pending_is_not_a_message_waiting_to_be_sent():
    assert _zh(ErasureRequest.Status.PENDING.label) == "待处理"
    assert _zh(Delivery.Status.PENDING.label) == "待发送"


def test_demand_quantities_read_as_items_and_the_share_link_opens():
    units = (
        '{% blocktranslate count count=2 context "after a number" %}{{ count }} unit'
        "{% plural %}{{ count }} units{% endblocktranslate %}"
    )
    assert _zh_template(units) == "2 件"
    open_button = '{% translate "Open" context "open the shared page" %}'
    assert _zh_template(open_button) == "打开"
