"""An app's API module split into a package keeps its operations' names.

Ninja names an operation after the module its view is written in
(``groupbuy_coupons_api_redeem``), and a client generated from the OpenAPI
document calls it by that name. An ``api.py`` past ~400 lines becomes a
package of routers by subject, whose views Ninja would name after their new
module (``groupbuy_coupons_api_till_redeem``): the package mounts each subject
router through ``operation_ids_kept``, and generated clients keep working.
"""

from __future__ import annotations

from ninja import Router


def operation_ids_kept(router: Router, *, module: str) -> Router:
    """Name each operation of ``router`` as Ninja named it while its view was
    written in ``module`` (an id given explicitly stays); return the router."""
    prefix = module.replace(".", "_")
    for path_view in router.path_operations.values():
        for operation in path_view.operations:
            if not operation.operation_id:
                operation.operation_id = f"{prefix}_{operation.view_func.__name__}"
    return router
