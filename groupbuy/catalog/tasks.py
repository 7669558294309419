"""Jobs of the catalog app: each loads what it needs and calls a service."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import CatalogueImport
from groupbuy.catalog.services import catalogue


@db_task()
def catalogue_import_plan_task(public_id: str) -> str | None:
    """Preview a big uploaded catalogue file."""
    upload = CatalogueImport.objects.filter(public_id=public_id).first()
    if upload is None:
        return None
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
        return catalogue.catalogue_import_apply(
            actor=actor, catalogue_import=upload
        ).status
    except CatalogError:
        return CatalogueImport.Status.READY  # the import says why, for the page
