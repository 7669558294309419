"""A deal's name as each reader reads it."""

from __future__ import annotations

from django.utils.functional import lazy
from django.utils.translation import gettext as _

from groupbuy.deals.models import Deal


def deal_title_for_reader(deal: Deal) -> str:
    """Return the deal's title, followed by its product's name in the active
    language when that name is not the Chinese one and the title does not say
    it: a shop writes its title in Chinese, and an English reader would
    otherwise not know what "香蕉团购" sells. Chinese readers read the title alone.
    """
    product = deal.product
    beside = deal.product_name_beside_title
    if not beside or beside == product.name_zh:
        return deal.title
    return _("%(title)s (%(product)s)") % {"title": deal.title, "product": beside}


def deal_title_lazy(deal: Deal):
    """Return ``deal_title_for_reader`` rendered in whatever language is active
    when it is read, so a notification naming the deal is written in each
    reader's language."""
    return lazy(lambda: deal_title_for_reader(deal), str)()
