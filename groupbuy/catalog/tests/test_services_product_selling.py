"""An operator stops selling a product, and sells it again: safe to repeat,
audited once, refused to anyone else."""

import pytest

from groupbuy.catalog import services
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.selectors import product_find_by_gtin, products_matching
from groupbuy.catalog.tests.factories import (
    make_merchant_member,
    make_operator,
    make_product,
    make_user,
)
from groupbuy.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _audit(product):
    return list(
        AuditEntry.objects.filter(object_id=product.public_id)
        .order_by("id")
        .values_list("action", "actor_id")
    )


def test_stopping_twice_stops_once_and_logs_once():
    # given a product on sale
    operator = make_operator()
    product = make_product(name_en="Longjing tea")
    # when an operator stops selling it twice
    first = services.product_selling_stop(actor=operator, product=product)
    second = services.product_selling_stop(actor=operator, product=product)
    # then it is stopped, and the change is logged once
    product.refresh_from_db()
    assert (first.is_active, second.is_active, product.is_active) == (
        False,
        False,
        False,
    )
    assert _audit(product) == [("catalog.product.selling_stopped", operator.pk)]
    # and neither its barcode nor its name finds it any more
    assert product_find_by_gtin(code=product.gtin) is None
    assert not products_matching(query="Longjing").exists()


def test_selling_again_twice_resumes_once_and_logs_once():
    # given a stopped product
    operator = make_operator()
    product = make_product(is_active=False)
    # when an operator sells it again twice
    services.product_selling_resume(actor=operator, product=product)
    services.product_selling_resume(actor=operator, product=product)
    # then it is on sale, found by its barcode, and the change is logged once
    product.refresh_from_db()
    assert product.is_active is True
    assert product_find_by_gtin(code=product.gtin) == product
    assert _audit(product) == [("catalog.product.selling_resumed", operator.pk)]


def test_a_stale_copy_learns_the_state_it_found():
    # given two operators' copies of a product on sale
    product = make_product()
    stale = type(product).objects.get(pk=product.pk)
    services.product_selling_stop(actor=make_operator(), product=product)
    # when the second stops it from its stale copy
    answered = services.product_selling_stop(actor=make_operator(), product=stale)
    # then it is told it is stopped, and nothing more is logged
    assert answered.is_active is False
    assert len(_audit(product)) == 1


@pytest.mark.parametrize("who", ["shopper", "owner", "cashier"])
def test_only_operators_stop_or_resume_selling(who):
    # given the shop that added the product, its owner and cashier, a shopper
    owner = make_merchant_member()
    product = make_product(added_by_merchant=owner.merchant)
    actor = {
        "shopper": make_user(),
        "owner": owner.user,
        "cashier": make_merchant_member(merchant=owner.merchant, role="cashier").user,
    }[who]
    # when they try either
    for service in (services.product_selling_stop, services.product_selling_resume):
        with pytest.raises(CatalogError) as refused:
            service(actor=actor, product=product)
        # then they are refused, and nothing changes
        assert refused.value.status == 403
    product.refresh_from_db()
    assert product.is_active is True
    assert _audit(product) == []
