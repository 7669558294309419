"""Jobs of the catalog app: each loads what it needs and calls a service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import Branch, CatalogueImport, Merchant, Product
from groupbuy.catalog.search_keys import fill_missing_keys
from groupbuy.catalog.services import catalogue


@db_task()
def catalogue_import_plan_task(public_id: str) -> str | None:
    """Preview a big uploaded catalogue file."""
    upload = CatalogueImport.objects.filter(public_id=public_id).first()
    if upload is None:
        return None
    with catalogue.failing_visibly(upload):
        return catalogue.catalogue_import_plan(catalogue_import=upload).status


@db_task()
def catalogue_import_apply_task(public_id: str, actor_id: int | None) -> str | None:
    """Apply a big catalogue import its owner confirmed."""
    from groupbuy.accounts.models import User

    upload = CatalogueImport.objects.filter(public_id=public_id).first()
    if upload is None:
        return None
    actor = User.objects.filter(pk=actor_id).first()
    try:
        with catalogue.failing_visibly(upload):
            return catalogue.catalogue_import_apply(
                actor=actor, catalogue_import=upload
            ).status
    except CatalogError:
        return CatalogueImport.Status.READY  # the import says why, for the page


@db_periodic_task(crontab(minute="*/5"))
def search_keys_fill() -> int:
    """Give products, shops and branches written without pinyin keys (by the
    release before, during a rolling deploy) their keys, every five minutes."""
    return (
        fill_missing_keys(Product, sources=("name_zh", "brand"))
        + fill_missing_keys(Merchant, sources=("name",))
        + fill_missing_keys(Branch, sources=("name",))
    )
