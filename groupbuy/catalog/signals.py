"""Documented extension points of the catalog.

``reference_images_changed`` is sent after the commit of any change to a
product's reference images (added, removed, flag switched), with
``product_public_id``. Snap's appearance stage caches features of reference
images and listens to drop the product's cached entry.

``demand_thresholds_changed`` is sent after the commit of a change that can
move a product's snap demand threshold: a category's own threshold or its
parent changed, or a product moved to another category. Snap listens to bring
the products' open demand in line with their thresholds now, rather than at
the next person's snap.
"""

from django.dispatch import Signal

reference_images_changed = Signal()
demand_thresholds_changed = Signal()
