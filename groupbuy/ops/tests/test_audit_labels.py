"""Every audit action the code base can write has a label on the audit trail
(``GroupbuyApp.audit_actions``), found from the source so a new one cannot be
forgotten (``audit_codes``)."""

import ast

import pytest
from django.utils import translation

from groupbuy.core.plugins import audit_action_labels
from groupbuy.ops.tests.audit_codes import (
    ROOT,
    Module,
    Unresolved,
    audit_codes,
    resolve,
)


def test_every_audited_action_has_a_label():
    # given every code an audit_log call can write, followed from the source
    written = audit_codes()

    # when the apps' labels are read
    labels = audit_action_labels()

    # then none is missing, and no label names a code nothing writes
    missing = {code: where for code, where in written.items() if code not in labels}
    assert missing == {}, "label these in their app's groupbuy_app.audit_actions"
    assert set(labels) - set(written) == set()
    assert "coupons.coupon.redeemed" in written  # the scan found the codes
    assert len(written) > 200


def test_every_label_reads_in_the_readers_language():
    # given the labels, read in English and in Chinese
    labels = audit_action_labels()
    with translation.override("en"):
        english = {code: str(label) for code, label in labels.items()}
    with translation.override("zh-hans"):
        chinese = {code: str(label) for code, label in labels.items()}
    # then each is a phrase, no two alike, translated as it is read
    assert english["coupons.coupon.redeemed"] == "Coupon redeemed at the till"
    assert all(label and "." not in label for label in english.values())
    assert len(set(english.values())) == len(english)
    assert chinese["ops.lookup.user_viewed"] == "打开了用户页面"


def _scan(source: str) -> set:
    module = Module(path=ROOT / "x.py", name="x", text=source)
    call = next(
        node
        for node in ast.walk(module.tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "audit_log"
    )
    action = next(k.value for k in call.keywords if k.arg == "action")
    return resolve(module, action)


def test_the_scan_follows_a_code_built_from_variables():
    # a conditional, a local name, an f-string over a local tuple's value
    assert _scan(
        "def f(paid):\n"
        "    to, kind = 1, 'paid' if paid else 'returned'\n"
        "    audit_log(action=f'payments.payout.{kind}')\n"
    ) == {"payments.payout.paid", "payments.payout.returned"}


def test_the_scan_refuses_a_code_it_cannot_tell():
    # a code from the caller's input: which codes it may be is not in the source
    with pytest.raises(Unresolved):
        _scan("def f(payload):\n    audit_log(action=f'pooling.cart.{payload.kind}')\n")
