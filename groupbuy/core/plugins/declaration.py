"""What an app declares in its groupbuy_app module: GroupbuyApp and its parts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

NAV_ROLES = ("shopper", "merchant", "operator")
# The headings the merchant console's home lists its entries under, in this
# order (``NavEntry.group``); a heading with no entry the person may open is
# left out. "more" is for an entry that names none.
NAV_GROUPS = {
    "sell": pgettext_lazy("console group", "Sell"),
    "till": pgettext_lazy("console group", "At the till"),
    "money": pgettext_lazy("console group", "Money"),
    "shop": pgettext_lazy("console group", "Shop"),
    "more": _("More"),
}
# The places of the core's pages an app may fill with a template of its own
# (``GroupbuyApp.page_parts``). The template is rendered with the page's
# context and decides for itself whether it has anything to say; what the
# apps render, joined, is the part. In a place the core has something of its
# own to show, a part that is not blank takes its place (a team buy's deal
# page shows teams instead of tiers).
PAGE_SLOTS = {
    "deal.summary": "the end of a deal page's first card (context: deal, card)",
    "deal.progress": "instead of a deal's buyers, tiers and deadline",
    "deal.entry": "instead of a deal's join form or the shopper's order on it",
    "order.detail": "under an order's status (context: order, is_mine)",
    "order.deadline": "instead of the deal's deadline in an order's timeline "
    "(context: order, view)",
    "merchant_deal.price": "instead of a console deal's 'Price now' row",
    "merchant_deal.terms": "instead of a console deal's tiers",
    "merchant_deal.selling": "instead of a console deal's add-stock and deadline forms",
    "operator.demand_alerts": "the operator dashboard's demand alerts",
    "operator_order.actions": "cards after an operator's page of an order "
    "(context: order)",
    "operator.figures": "more figures after the operator dashboard's own "
    "(each a div.figure)",
    "merchant.setup": "more steps on the console overview's list of what a "
    "shop's owners still have to do, each an li (context: merchant)",
    "merchant_order.actions": "an order's actions on the merchant's order list "
    "and a deal's page, for its owners (context: order, merchant)",
    # A thread's reply another participant wrote: moderation's Report link.
    "thread_reply.actions": "after the time of a reply someone else wrote, in a "
    "share's thread (context: message, share, report_path, report_item_id)",
    # A chat message another person wrote, in a pool's or a contact's chat.
    "chat_message.actions": "after the time of a chat message someone else "
    "wrote (context: message, report_path, report_item_id)",
    # A photo of a buyer demand someone else started, on the demand's page.
    "demand_photo.actions": "under a photo of a demand someone else started "
    "(context: photo, demand, report_path, report_item_id)",
}


@dataclass(frozen=True)
class NavEntry:
    """One link of a navigation: the shopper's tab bar, the merchant console's
    menu or the operator dashboard's menu.

    ``url_name`` is reversed; merchant console entries get the merchant's public
    id as their one argument. ``key`` names the entry in the page (the element id
    ``nav-<key>``, ``merchant-nav-<key>`` or ``operator-nav-<key>``, and the
    console's current section); it defaults to the url name's last part.
    ``badge`` is the id of an empty counter badge a script may fill.
    ``pinned`` shopper entries are tabs of the phone's tab bar itself; the
    others are listed on the "More" page (keep the pinned ones to three).
    ``owners_only`` merchant entries are left out of a cashier's menu: name the
    sections whose pages answer a cashier 403, so the menu links only to pages
    the person may open.
    ``group`` is the heading a merchant entry is listed under on the console's
    home, one of NAV_GROUPS ("more", after the others, when it names none).
    """

    role: str
    label: Any
    url_name: str
    icon: str = ""
    order: int = 100
    key: str = ""
    badge: str = ""
    pinned: bool = False
    owners_only: bool = False
    group: str = "more"

    def __post_init__(self) -> None:
        if self.role not in NAV_ROLES:
            raise ValueError(f"nav role must be one of {NAV_ROLES}: {self.role!r}")
        if self.group not in NAV_GROUPS:
            raise ValueError(
                f"nav group must be one of {sorted(NAV_GROUPS)}: {self.group!r}"
            )

    @property
    def name(self) -> str:
        return self.key or self.url_name.rpartition(":")[2]


@dataclass(frozen=True)
class GroupbuyApp:
    """What one app adds to the project; every field is optional."""

    # API prefix ("" for the API root) -> "module:router"
    api_routers: dict[str, str] = field(default_factory=dict)
    # URL prefix ("pooling/", "" for the site root) -> URLconf module
    urls: dict[str, str] = field(default_factory=dict)
    nav: list[NavEntry] = field(default_factory=list)
    # a place of PAGE_SLOTS -> template rendered there with the page's context
    page_parts: dict[str, str] = field(default_factory=dict)
    # (Django path pattern, or a regex starting with "^"; "module:ConsumerClass")
    websocket_routes: list[tuple[str, str]] = field(default_factory=list)
    # `groupbuy <name> ...` -> "module:function" taking the argv list, returning
    # int; run with Django set up
    cli_commands: dict[str, str] = field(default_factory=dict)
    # the same for a program that needs neither the database nor the server's
    # settings (the offline station on a till): run without setting Django up,
    # which would cost it most of its start (~1.4 s of ~1.7 s)
    standalone_cli_commands: dict[str, str] = field(default_factory=dict)
    # "module:function" taking keyword `stdout`, idempotent
    demo_data: str = ""
    # dotted notification kind -> human label
    notification_kinds: dict[str, Any] = field(default_factory=dict)
    # dotted notification kind -> who it can reach, for kinds that do not reach
    # everyone: NotificationAudience.MERCHANT_STAFF (someone on a merchant's
    # staff) or .OPERATOR; the settings page shows a kind only to them
    notification_audiences: dict[str, str] = field(default_factory=dict)
    # dotted audit action the app writes (``core.audit.audit_log``) -> the
    # label operators read on the audit trail page; an action with none is
    # shown by its code
    audit_actions: dict[str, Any] = field(default_factory=dict)
    # dotted kind of a ledger transaction the app posts -> the label people
    # read on money pages (a shopper's, a merchant's, the operator's)
    ledger_kinds: dict[str, Any] = field(default_factory=dict)
    # the same, where a merchant reads it on its own money page differently:
    # what left a shopper "to the merchant" arrived in the merchant's balance,
    # which only a payout sends on to its bank
    merchant_ledger_kinds: dict[str, Any] = field(default_factory=dict)
    # extra notification channel (at most 10 characters) -> "module:attribute" of
    # a groupbuy.notify.channels.NotificationChannel: whom it reaches, how it sends
    notification_channels: dict[str, str] = field(default_factory=dict)
    # static paths of module scripts every page loads for signed-in people
    signed_in_scripts: list[str] = field(default_factory=list)
    # ASGI middleware for HTTP, "module:Class" taking the inner application;
    # the first declared is the outermost (e.g. refuse work before Django runs)
    http_middleware: list[str] = field(default_factory=list)
    # the same for WebSocket connections (outside the origin and auth checks)
    websocket_middleware: list[str] = field(default_factory=list)
    # "module:attribute" of a PersonalDataProvider: what the app holds about a
    # person, for their export and their erasure (groupbuy.ops.personal_data)
    personal_data: str = ""
    # (regex on the request path, "module:function" returning the most bytes of
    # the files a request there carries): its body may be that large, plus the
    # multipart framing; every other body is held to GROUPBUY_REQUEST_MAX_BYTES
    # (groupbuy.core.body_limits refuses larger ones before Django stores them)
    upload_paths: list[tuple[str, str]] = field(default_factory=list)
    # "module:function" taking a branch and keyword ``last_open`` (no other
    # branch of its merchant is open), returning what must happen before the
    # branch may close (one sentence each, naming what to do first), or
    # nothing: while any app names something, closing it is refused (409)
    branch_close_blockers: str = ""
    # "module:function" taking a listing and keyword ``price_fen`` (lower than
    # its everyday price now), returning why the listing may not drop to it
    # (one sentence each, naming what rests on the old price), or nothing:
    # while any app names something, the new price is refused (409)
    listing_price_blockers: str = ""
    # "module:function" taking a listing (on sale now), returning why it may
    # not be switched off (one sentence each, naming what shows its everyday
    # price to buyers), or nothing: while any app names something, switching
    # it off is refused (409)
    listing_withdrawal_blockers: str = ""
    # "module:function" taking a product and keyword ``is_active``, called in
    # the transaction where an operator stops selling the product (False) or
    # sells it again (True), once per change: what the app's own things of that
    # product now mean for the people it tells (notifications it queues there
    # are delivered after commit, and not at all if it rolls back)
    product_selling_changed: str = ""
    # "module:function" taking the deals a list shows as cards (the home page,
    # a search), returning {deal pk: [label, ...]} for the deals the app names
    # a kind of ("Team buy"), read in one query for the whole list, not one a
    # card: each card shows its labels as pills
    deal_card_labels: str = ""
    # reportable kind -> "module:attribute" of a ReportableKind
    # (groupbuy.core.plugins.reporting): what of the app's content people may
    # report to the operators, and how moderation finds, shows and hides it
    reportable_kinds: dict[str, str] = field(default_factory=dict)
    # Filled in by installed_apps(): the Django app this declaration belongs to.
    label: str = ""

    def __post_init__(self) -> None:
        unknown = sorted(set(self.page_parts) - set(PAGE_SLOTS))
        if unknown:
            raise ValueError(f"unknown page slots {unknown}; see PAGE_SLOTS")
