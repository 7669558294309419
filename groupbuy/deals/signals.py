"""Documented extension points of the deals app.

``deal_opened`` is sent inside the transaction of ``deal_open`` (so receivers
that write, e.g. queueing notifications, commit or roll back with it), with
keyword arguments ``deal`` and ``actor``. The snap app listens to tell everyone
who asked for the product that a deal now exists.
"""

from django.dispatch import Signal

deal_opened = Signal()
