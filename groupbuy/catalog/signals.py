"""Documented extension points of the catalog.

``reference_images_changed`` is sent after the commit of any change to a
product's reference images (added, removed, flag switched), with
``product_public_id``. Snap's appearance stage caches features of reference
images and listens to drop the product's cached entry.
"""

from django.dispatch import Signal

reference_images_changed = Signal()
