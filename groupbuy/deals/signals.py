"""Documented extension points of the deals app.

``deal_opened`` is sent inside the transaction of ``deal_open`` (so receivers
that write, e.g. queueing notifications, commit or roll back with it), with
keyword arguments ``deal`` and ``actor``. The snap app listens to tell everyone
who asked for the product that a deal now exists.

``order_confirmed`` is sent inside the settle transaction of a successful deal,
once per order that is charged the final price, with keyword arguments
``order`` (a confirmed ``DealOrder``: quantity, final_unit_price_fen, shopper,
deal) and ``actor`` (None for jobs). The coupons app connects here to issue the
order's coupons; a receiver that raises rolls the settlement back, and the
periodic sweep retries it.
"""

from django.dispatch import Signal

deal_opened = Signal()
order_confirmed = Signal()
