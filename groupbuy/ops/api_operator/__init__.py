"""The operator's dashboard over the API: figures, look-ups, merchants, products,
the audit trail.

A router per subject, tagged here; their operations keep the ids they had
while all were written in ``api_operator.py`` (``core.api_packages``).
"""

from ninja import Router

from groupbuy.core.api_packages import operation_ids_kept
from groupbuy.ops.api_operator import (
    audit,
    figures,
    lookup,
    merchants,
    products,
    support,
)

router = Router(tags=["operator"])
for subject in (figures, lookup, merchants, products, support, audit):
    router.add_router("", operation_ids_kept(subject.router, module=__name__))
