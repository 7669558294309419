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
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps as django_apps
from django.urls import NoReverseMatch, reverse

MODULE_NAME = "groupbuy_app"
NAV_ROLES = ("shopper", "merchant", "operator")
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
    "operator.figures": "more figures after the operator dashboard's own "
    "(each a div.figure)",
    "merchant_order.actions": "an order's actions on the merchant's order list, "
    "for its owners (context: order, merchant)",
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

    def __post_init__(self) -> None:
        if self.role not in NAV_ROLES:
            raise ValueError(f"nav role must be one of {NAV_ROLES}: {self.role!r}")

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
    # Filled in by installed_apps(): the Django app this declaration belongs to.
    label: str = ""

    def __post_init__(self) -> None:
        unknown = sorted(set(self.page_parts) - set(PAGE_SLOTS))
        if unknown:
            raise ValueError(f"unknown page slots {unknown}; see PAGE_SLOTS")


@dataclass
class PersonalDataExport:
    """What one app holds about a person: JSON records and files.

    ``files`` maps a name inside the export ZIP to a name in the default
    storage, or to a ``FieldFile`` read from its own storage (a snap's photo,
    which lives in the private storage).
    """

    records: dict[str, Any] = field(default_factory=dict)
    files: dict[str, Any] = field(default_factory=dict)


class PersonalDataProvider:
    """The shape of ``personal_data``; subclassing it is optional.

    ``export`` returns everything the app holds about ``user``. ``erase`` deletes
    or anonymises it inside the erasure's transaction; money records are kept
    (the user row stays, under a pseudonym, so the ledger still balances).
    ``holds`` says in a few words what that is, for the person's data page.
    ``erasure_blockers`` says what must happen before ``user`` can be erased
    (one sentence each, naming what to do first), or nothing: while any app
    names something, the request is refused and an erasure is held.
    """

    holds: Any = ""

    def export(self, user) -> PersonalDataExport:
        return PersonalDataExport()

    def erasure_blockers(self, user) -> list[str]:
        return []

    def erase(self, user) -> None:
        return None


def load(reference: str) -> Any:
    """Import ``"package.module:attribute"`` and return the attribute."""
    module_name, _, attribute = reference.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"expected 'module:attribute', got {reference!r}")
    value = importlib.import_module(module_name)
    for part in attribute.split("."):
        value = getattr(value, part)
    return value


def _declaration(app_config) -> GroupbuyApp | None:
    module_name = f"{app_config.name}.{MODULE_NAME}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        # Only the module's own absence means "no declaration"; a missing import
        # inside it is a bug that must not pass silently.
        if error.name == module_name:
            return None
        raise
    declared = getattr(module, "app", None)
    if not isinstance(declared, GroupbuyApp):
        raise TypeError(f"{module_name}.app must be a GroupbuyApp")
    return GroupbuyApp(**{**declared.__dict__, "label": app_config.label})


def installed_apps() -> list[GroupbuyApp]:
    """Return the GroupbuyApps of INSTALLED_APPS, in INSTALLED_APPS order."""
    configs = tuple(django_apps.get_app_configs())
    return list(_declarations(configs))


@functools.lru_cache(maxsize=8)
def _declarations(configs: tuple) -> tuple[GroupbuyApp, ...]:
    # Keyed on the app configs, so a test that changes INSTALLED_APPS sees its
    # own apps, while every page render of the navigation costs no import.
    declarations = (_declaration(config) for config in configs)
    return tuple(declaration for declaration in declarations if declaration)


# --- What the project's wiring asks for ---------------------------------------


def api_routers() -> list[tuple[str, Any]]:
    """Return (mount prefix, Ninja router) pairs: "/catalog", "/" for the root."""
    return [
        (f"/{prefix.strip('/')}", load(reference))
        for app in installed_apps()
        for prefix, reference in app.api_routers.items()
    ]


def url_patterns() -> list:
    """Return one ``include()`` per declared URLconf, in app order."""
    from django.urls import include, path

    return [
        path(prefix, include(module))
        for app in installed_apps()
        for prefix, module in app.urls.items()
    ]


def _wrapped(application: Any, attribute: str) -> Any:
    references = [
        reference for app in installed_apps() for reference in getattr(app, attribute)
    ]
    for reference in reversed(references):
        application = load(reference)(application)
    return application


def wrap_http_application(application: Any) -> Any:
    """Return ``application`` wrapped in every app's declared HTTP middleware."""
    return _wrapped(application, "http_middleware")


def wrap_websocket_application(application: Any) -> Any:
    """Return ``application`` wrapped in every app's WebSocket middleware."""
    return _wrapped(application, "websocket_middleware")


def websocket_urlpatterns() -> list:
    """Return the Channels routes of every app, consumers instantiated."""
    from django.urls import path, re_path

    routes = []
    for app in installed_apps():
        for pattern, reference in app.websocket_routes:
            route = re_path if pattern.startswith("^") else path
            routes.append(route(pattern, load(reference).as_asgi()))
    return routes


def cli_commands() -> dict[str, Callable[[list[str]], int | None]]:
    """Return ``groupbuy`` subcommands by name; two apps may not share one.

    Found without setting Django up when it is not (the ``groupbuy`` command):
    a command from ``cli_commands`` sets it up before it is imported, one from
    ``standalone_cli_commands`` never does."""
    commands: dict[str, Callable[[list[str]], int | None]] = {}
    for app in _apps_for_commands():
        for declared, needs_django in (
            (app.cli_commands, True),
            (app.standalone_cli_commands, False),
        ):
            for name, reference in declared.items():
                if name in commands:
                    raise ValueError(f"two apps declare the `groupbuy {name}` command")
                commands[name] = _lazy_command(reference, needs_django=needs_django)
    return commands


def _apps_for_commands() -> list[GroupbuyApp]:
    if django_apps.ready:
        return installed_apps()
    # Only the app packages and their declarations are imported (what Django's
    # own first loading phase imports), not the models.
    from django.apps import AppConfig
    from django.conf import settings

    configs = [AppConfig.create(entry) for entry in settings.INSTALLED_APPS]
    return [app for app in map(_declaration, configs) if app]


def _lazy_command(
    reference: str, *, needs_django: bool
) -> Callable[[list[str]], int | None]:
    def run(argv: list[str]) -> int | None:
        if needs_django and not django_apps.ready:
            import django

            django.setup()
        return load(reference)(argv)

    run.reference = reference  # type: ignore[attr-defined]
    return run


def nav_entries(role: str) -> list[NavEntry]:
    """Return the navigation entries for ``role``, sorted by order then label."""
    if role not in NAV_ROLES:
        raise ValueError(f"nav role must be one of {NAV_ROLES}: {role!r}")
    entries = [entry for app in installed_apps() for entry in app.nav]
    return sorted(
        (entry for entry in entries if entry.role == role),
        key=lambda entry: (entry.order, str(entry.label)),
    )


@dataclass(frozen=True)
class NavLink:
    """A navigation entry resolved for one page."""

    entry: NavEntry
    url: str

    label = property(lambda self: self.entry.label)
    name = property(lambda self: self.entry.name)
    icon = property(lambda self: self.entry.icon)
    badge = property(lambda self: self.entry.badge)
    pinned = property(lambda self: self.entry.pinned)
    owners_only = property(lambda self: self.entry.owners_only)


def nav_links(role: str, *, args: Iterable[Any] = ()) -> list[NavLink]:
    """Return the role's entries with their URLs (reversed with ``args``)."""
    links = []
    for entry in nav_entries(role):
        try:
            url = reverse(entry.url_name, args=list(args))
        except NoReverseMatch as error:
            raise NoReverseMatch(
                f"nav entry {entry.name!r} ({role}): {error}"
            ) from error
        links.append(NavLink(entry=entry, url=url))
    return links


def page_part_templates(slot: str) -> list[str]:
    """Return the templates the apps render in ``slot``, in app order."""
    if slot not in PAGE_SLOTS:
        raise ValueError(f"page slot must be one of {sorted(PAGE_SLOTS)}: {slot!r}")
    return [app.page_parts[slot] for app in installed_apps() if slot in app.page_parts]


def demo_loaders() -> list[tuple[str, Callable[..., None]]]:
    """Return (app label, loader) for every app that ships demo data."""
    return [
        (app.label, load(app.demo_data)) for app in installed_apps() if app.demo_data
    ]


def signed_in_scripts() -> list[str]:
    """Return the static module scripts of every app, in app order."""
    return [script for app in installed_apps() for script in app.signed_in_scripts]


def personal_data_providers() -> list[tuple[str, Any]]:
    """Return (app label, provider instance or class) for every app declaring one.

    In INSTALLED_APPS order; erasure runs them in reverse, so the accounts app
    (listed early) anonymises the user row last.
    """
    providers = []
    for app in installed_apps():
        if app.personal_data:
            provider = load(app.personal_data)
            providers.append(
                (app.label, provider() if isinstance(provider, type) else provider)
            )
    return providers


def branch_close_blockers(branch, *, last_open: bool) -> list[str]:
    """Return what every app says must happen before ``branch`` closes, in
    app order; empty when it may close."""
    return [
        blocker
        for app in installed_apps()
        if app.branch_close_blockers
        for blocker in load(app.branch_close_blockers)(branch, last_open=last_open)
    ]


def listing_price_blockers(listing, *, price_fen: int) -> list[str]:
    """Return what every app says stops ``listing`` dropping to ``price_fen``,
    in app order; empty when it may."""
    return [
        blocker
        for app in installed_apps()
        if app.listing_price_blockers
        for blocker in load(app.listing_price_blockers)(listing, price_fen=price_fen)
    ]


def listing_withdrawal_blockers(listing) -> list[str]:
    """Return what every app says stops ``listing`` being switched off, in app
    order; empty when it may."""
    return [
        blocker
        for app in installed_apps()
        if app.listing_withdrawal_blockers
        for blocker in load(app.listing_withdrawal_blockers)(listing)
    ]


def upload_limits() -> list[tuple[re.Pattern, Callable[[], int]]]:
    """Return (path pattern, function giving its files' most bytes) of every
    app, in app order."""
    return list(_upload_limits(tuple(django_apps.get_app_configs())))


@functools.lru_cache(maxsize=8)
def _upload_limits(configs: tuple) -> tuple:
    # Cached: the body limit is looked up for every HTTP request.
    return tuple(
        (re.compile(pattern), load(reference))
        for app in _declarations(configs)
        for pattern, reference in app.upload_paths
    )


def ledger_kinds() -> dict[str, Any]:
    """Return every declared ledger transaction kind with its human label."""
    kinds: dict[str, Any] = {}
    for app in installed_apps():
        kinds.update(app.ledger_kinds)
    return kinds


def merchant_ledger_kinds() -> dict[str, Any]:
    """Return the labels a merchant reads for ledger kinds on its money page,
    where they differ from ``ledger_kinds``."""
    kinds: dict[str, Any] = {}
    for app in installed_apps():
        kinds.update(app.merchant_ledger_kinds)
    return kinds


def notification_kinds() -> dict[str, Any]:
    """Return every declared notification kind with its human label."""
    kinds: dict[str, Any] = {}
    for app in installed_apps():
        kinds.update(app.notification_kinds)
    return kinds


class NotificationAudience:
    """Who a kind of notification can reach, when not everyone."""

    EVERYONE = "everyone"
    MERCHANT_STAFF = "merchant_staff"
    OPERATOR = "operator"


def notification_audiences() -> dict[str, str]:
    """Return every declared notification kind with who it can reach."""
    audiences = dict.fromkeys(notification_kinds(), NotificationAudience.EVERYONE)
    for app in installed_apps():
        audiences.update(app.notification_audiences)
    return audiences
