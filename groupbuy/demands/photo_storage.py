"""Where a demand's photos are kept: a draft's privately, a published demand's
in the public media.

A draft is its initiator's alone (``selectors.demand_get_for_user``), and so are
its photos: they are stored under ``demand-drafts/`` in the private storage and
served by ``core.private_media`` to the initiator and operators only. Published,
the demand is public and its photos show the goods, not the person: they move to
``demands/`` in the public media (served by the web server, cached by anyone),
and photos added later go there at once. One field holds both, its storage
choosing by the name's first segment.
"""

from __future__ import annotations

from django.core.files.storage import Storage, default_storage
from django.utils.deconstruct import deconstructible

from groupbuy.core.private_media import private_storage

DRAFT_PREFIX = "demand-drafts"
PUBLIC_PREFIX = "demands"
# Photos an operator hid after a report: for operators only.
HIDDEN_PREFIX = "demand-hidden"


def is_private_name(name: str) -> bool:
    return str(name).startswith((f"{DRAFT_PREFIX}/", f"{HIDDEN_PREFIX}/"))


@deconstructible(path="groupbuy.demands.photo_storage.DemandPhotoStorage")
class DemandPhotoStorage(Storage):
    """The private storage for drafts' photos, the public one for the rest."""

    def _target(self, name: str) -> Storage:
        return private_storage() if is_private_name(name) else default_storage

    def _open(self, name, mode="rb"):
        return self._target(name).open(name, mode)

    def _save(self, name, content):
        return self._target(name).save(name, content)

    def get_available_name(self, name, max_length=None):
        return self._target(name).get_available_name(name, max_length=max_length)

    def delete(self, name):
        self._target(name).delete(name)

    def exists(self, name):
        return self._target(name).exists(name)

    def size(self, name):
        return self._target(name).size(name)

    def url(self, name):
        return self._target(name).url(name)

    def path(self, name):
        return self._target(name).path(name)

    def get_modified_time(self, name):
        return self._target(name).get_modified_time(name)


def demand_photo_storage() -> Storage:
    """Return the storage of ``DemandPhoto.image`` (a FileField ``storage=``)."""
    return DemandPhotoStorage()


def may_view_draft_photo(user, name: str) -> bool:
    """Say whether ``user`` may see the stored photo ``name`` of a demand not
    published: its initiator and operators; once the demand left its draft
    (cancelled or expired before it was published), whoever may see it."""
    from groupbuy.catalog.permissions import is_operator
    from groupbuy.demands.models import Demand, DemandPhoto

    photo = DemandPhoto.objects.filter(image=name).select_related("demand").first()
    if photo is None:
        return False
    demand = photo.demand
    return (
        demand.initiator_id == getattr(user, "pk", None)
        or is_operator(user)
        or demand.state != Demand.State.DRAFT
    )


def may_view_hidden_photo(user, name: str) -> bool:
    """Only operators see a photo hidden after a report."""
    from groupbuy.catalog.permissions import is_operator

    return is_operator(user)


def demand_photos_make_public(*, demand_id: int) -> int:
    """Move a published demand's photos still kept privately to the public
    media; return how many moved. Safe to repeat: a moved photo is public."""
    from groupbuy.demands.models import Demand, DemandPhoto

    if not Demand.objects.filter(pk=demand_id, published_at__isnull=False).exists():
        return 0
    storage = demand_photo_storage()
    moved = 0
    photos = DemandPhoto.objects.filter(
        demand_id=demand_id, image__startswith=f"{DRAFT_PREFIX}/"
    )
    for private_name in photos.values_list("image", flat=True):
        public_name = PUBLIC_PREFIX + private_name.removeprefix(DRAFT_PREFIX)
        try:
            with storage.open(private_name, "rb") as source:
                public_name = storage.save(public_name, source)
        except FileNotFoundError:  # removed by its initiator meanwhile
            continue
        if DemandPhoto.objects.filter(image=private_name).update(image=public_name):
            moved += 1
            storage.delete(private_name)
        else:  # the photo was removed while it was copied
            storage.delete(public_name)
    return moved
