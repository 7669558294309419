"""How apps plug into the project: each declares itself in ``groupbuy_app.py``.

An app of ``INSTALLED_APPS`` that has a ``<app>.groupbuy_app`` module with an
``app = GroupbuyApp(...)`` in it contributes API routers, URL patterns,
navigation entries, parts of the core's pages, WebSocket routes, ``groupbuy``
subcommands, a demo-data loader and notification kinds. The project's wiring
(``groupbuy/urls.py``, ``api.py``, ``asgi.py``, ``cli.py``, the base template)
reads them from here and names no app, so adding an app is the app itself plus
one line in ``INSTALLED_APPS``. References to code are ``"module:attribute"``
strings, imported only when the project wires them, so declaring an app imports
nothing heavy. See docs/architecture.md, "Extension points".

Import from here; the modules split the registry by who asks: the declaration
itself, finding it, the project's wiring, the pages, personal data, blockers
(and what apps do when a product stops selling), kinds and reportable kinds.
"""

from groupbuy.core.plugins.blockers import (
    branch_close_blockers,
    listing_price_blockers,
    listing_withdrawal_blockers,
    product_selling_changed,
)
from groupbuy.core.plugins.declaration import PAGE_SLOTS, GroupbuyApp, NavEntry
from groupbuy.core.plugins.kinds import (
    NotificationAudience,
    audit_action_groups,
    audit_action_labels,
    ledger_kinds,
    merchant_ledger_kinds,
    notification_audiences,
    notification_kinds,
)
from groupbuy.core.plugins.pages import (
    deal_card_labels,
    nav_entries,
    nav_groups,
    nav_links,
    page_part_templates,
    signed_in_scripts,
)
from groupbuy.core.plugins.personal_data import (
    PersonalDataExport,
    PersonalDataProvider,
    personal_data_providers,
)
from groupbuy.core.plugins.registry import installed_apps, load
from groupbuy.core.plugins.reporting import (
    ReportableItem,
    ReportableKind,
    ReportWording,
    messages_around,
    reportable_kinds,
)
from groupbuy.core.plugins.wiring import (
    api_routers,
    cli_commands,
    demo_loaders,
    upload_limits,
    url_patterns,
    websocket_urlpatterns,
    wrap_http_application,
    wrap_websocket_application,
)

__all__ = [
    "PAGE_SLOTS",
    "GroupbuyApp",
    "NavEntry",
    "NotificationAudience",
    "PersonalDataExport",
    "PersonalDataProvider",
    "ReportWording",
    "ReportableItem",
    "ReportableKind",
    "api_routers",
    "audit_action_groups",
    "audit_action_labels",
    "branch_close_blockers",
    "cli_commands",
    "deal_card_labels",
    "demo_loaders",
    "installed_apps",
    "ledger_kinds",
    "listing_price_blockers",
    "listing_withdrawal_blockers",
    "load",
    "merchant_ledger_kinds",
    "messages_around",
    "nav_entries",
    "nav_groups",
    "nav_links",
    "notification_audiences",
    "notification_kinds",
    "page_part_templates",
    "personal_data_providers",
    "product_selling_changed",
    "reportable_kinds",
    "signed_in_scripts",
    "upload_limits",
    "url_patterns",
    "websocket_urlpatterns",
    "wrap_http_application",
    "wrap_websocket_application",
]
