"""Apps register themselves: a throw-away app plugs in with one INSTALLED_APPS line.

tests/plugin_app declares an API router, pages, navigation entries, parts of the
deal page, a WebSocket route, a `groupbuy` subcommand, demo data and a
notification kind in its groupbuy_app.py; nothing in the project names it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from groupbuy.core import plugins
from groupbuy.core.plugins import wiring

REPO = Path(__file__).resolve().parents[3]
PLUGIN_APP = "tests.plugin_app"
# The project's wiring: none of these may name an app.
WIRING = ("groupbuy/urls.py", "groupbuy/api.py", "groupbuy/asgi.py", "groupbuy/cli.py")
BASE_TEMPLATE = "groupbuy/web/templates/web/base.html"
APPS = ("accounts", "catalog", "deals", "escrow", "notify", "realtime", "snap", "web")
# The capabilities built on the core: its pages show them only through the parts
# they declare (GroupbuyApp.page_parts), so an installation can leave one out.
CAPABILITY_APPS = ("coupons", "demands", "pooling", "sharing", "teams")
CORE_PAGES = sorted((REPO / "groupbuy/web/templates").rglob("*.html"))


@pytest.fixture
def with_plugin_app(settings):
    # The project's URLconf and its one API are built once for the process,
    # from the apps installed when first imported: build them now, before the
    # app is added, or a page this test renders builds them with the app's
    # router mounted for every later test (test_api_document_rules read it).
    import groupbuy.urls  # noqa: F401 - imports groupbuy.api

    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, PLUGIN_APP]
    yield


@pytest.fixture(scope="module")
def probe():
    """Run tests/plugin_app/probe.py in a process whose settings add the app."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.plugin_app.settings",
        "PYTHONPATH": str(REPO),
    }
    result = subprocess.run(
        [sys.executable, "tests/plugin_app/probe.py"],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_plugin_app_api_router_is_mounted_under_its_prefix(probe):
    assert probe["api"] == [200, {"pong": True}]


def test_plugin_app_page_is_served_with_its_entry_on_the_shoppers_more_page(probe):
    status, html = probe["page"]
    assert status == 200
    assert 'id="plugin-home"' in html
    # the tab bar holds the pinned entries and "More"; the plug-in is not pinned
    tab_bar = html[
        html.index('class="tabbar"') : html.index(
            "</nav>", html.index('class="tabbar"')
        )
    ]
    assert re.findall(r'id="(nav-[^"]+)"', tab_bar) == [
        "nav-deals",
        "nav-snap",
        "nav-orders",
        "nav-more",
    ]
    status, more = probe["more"]
    assert status == 200
    listed = more[more.index('id="more-list"') :]
    core_entries = {"nav-money", "nav-inbox", "nav-plugged-in"}
    entry_ids = [
        entry_id
        for entry_id in re.findall(
            r'<a class="row start" href="[^"]*" id="(nav-[^"]+)"', listed
        )
        if entry_id in core_entries
    ]
    # ordered by NavEntry.order: the plug-in's 40 falls before money (50)
    # (other installed apps' entries are left out of the comparison)
    assert entry_ids == ["nav-plugged-in", "nav-money", "nav-inbox"]
    assert '<a class="row start" href="/plugin-app/" id="nav-plugged-in">' in more


def test_plugin_app_websocket_route_is_served_by_the_asgi_application(probe):
    assert probe["socket"] == {"type": "plugin.hello", "room": "lobby"}


def test_plugin_app_cli_command_runs_with_its_arguments_and_exit_code(probe):
    assert probe["cli"] == [3, "plugin-hello says: from the probe\n"]


def test_plugin_app_notification_kind_is_listed(probe):
    assert probe["kinds"]["plugin_app.hello"] == "Hello from a plug-in"
    assert probe["kinds"]["deals.deal.succeeded"] == "Group buy succeeded"


def test_installed_apps_follow_installed_apps_order(with_plugin_app):
    labels = [app.label for app in plugins.installed_apps()]
    core = ["accounts", "catalog", "escrow", "deals", "notify", "snap", "web"]
    # the core apps in INSTALLED_APPS order, later apps after them, the probe last
    assert [label for label in labels if label in core] == core
    assert labels[-1] == "plugin_app"


def test_plugin_app_nav_entries_join_the_merchant_and_operator_menus(with_plugin_app):
    core_and_probe = {
        "overview",
        "listings",
        "products",
        "deals",
        "plug-in-report",
        "money",
        "dashboard",
        "demand",
        "queue",
        "plug-in-queue",
    }
    merchant_menu = [
        entry.name
        for entry in plugins.nav_entries("merchant")
        if entry.name in core_and_probe
    ]
    operator_menu = [
        entry.name
        for entry in plugins.nav_entries("operator")
        if entry.name in core_and_probe
    ]
    assert merchant_menu == [
        "overview",
        "deals",
        "listings",
        "products",
        "plug-in-report",
        "money",
    ]
    assert operator_menu == [
        "dashboard",
        "demand",
        "queue",
        "products",  # the operator's catalogue (web's own, order 35)
        "plug-in-queue",
    ]


def test_plugin_app_demo_data_runs_after_the_core_demo_data(with_plugin_app):
    from tests.plugin_app import demo

    # when
    loaders = plugins.demo_loaders()
    output = StringIO()
    loader = dict(loaders)["plugin_app"]
    loader(stdout=output)
    # then
    assert [label for label, _loader in loaders][-1] == "plugin_app"
    assert demo.LOADED == ["hello"]
    assert output.getvalue() == "plug-in demo data loaded"


def test_cli_commands_come_only_from_apps_that_declare_them():
    declared = {
        name
        for app in plugins.installed_apps()
        for name in [*app.cli_commands, *app.standalone_cli_commands]
    }
    assert set(plugins.cli_commands()) == declared
    assert "plugin-hello" not in declared


# `groupbuy <argv>` in a process where setting Django up is an error.
WITHOUT_DJANGO = """
import atexit
import sys

import django


def refuse(*args, **kwargs):
    raise SystemExit("django.setup() was called")


django.setup = refuse
# what a standalone command should not pay for: ~0.6 s of CPU to import
atexit.register(
    lambda: print(
        "heavy:",
        sorted({"huey", "ninja", "django.contrib.admin"} & set(sys.modules)),
        file=sys.stderr,
    )
)
from groupbuy import cli

sys.exit(cli.main(sys.argv[1:]))
"""


def test_the_station_starts_without_setting_django_up_and_backup_sets_it_up(
    tmp_path,
):
    def groupbuy(*argv):
        return subprocess.run(
            [sys.executable, "-c", WITHOUT_DJANGO, *argv],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=REPO,
            env={
                **os.environ,
                "PYTHONPATH": str(REPO),
                "DJANGO_SETTINGS_MODULE": "groupbuy.settings",
                "GROUPBUY_DATA_DIR": str(tmp_path / "data"),
            },
        )

    # when: the offline station, which needs no database
    station = groupbuy("station", "--dir", str(tmp_path / "station"), "status")
    # then: it ran (and answered that it has not been set up yet)
    assert station.returncode == 2, station.stderr
    assert "groupbuy station init" in station.stdout
    # and found its command without importing apps that declare none
    assert "heavy: []" in station.stderr
    # when: a command that needs the database
    backup = groupbuy("backup", "--output", str(tmp_path / "backup.tar.gz"))
    # then: it set Django up first
    assert "django.setup() was called" in backup.stderr


def test_commands_are_looked_for_in_every_app_that_can_declare_one():
    from django.apps import apps

    from groupbuy.core.plugins.registry import app_declaration

    # every installed app that declares something is looked in (the station
    # looks before Django is set up, skipping app packages without a
    # groupbuy_app module, unimported)
    for config in apps.get_app_configs():
        if app_declaration(config) is not None:
            assert wiring._may_declare_commands(config.name), config.name
    assert wiring._may_declare_commands(PLUGIN_APP)  # outside groupbuy too
    assert not wiring._may_declare_commands("huey.contrib.djhuey")
    assert not wiring._may_declare_commands("django.contrib.admin")
    # an AppConfig's dotted path is created, as Django would
    assert wiring._may_declare_commands("groupbuy.coupons.apps.CouponsConfig")


def test_two_apps_may_not_declare_the_same_command(monkeypatch):
    same = plugins.GroupbuyApp(cli_commands={"hello": "a.module:main"})
    standalone = plugins.GroupbuyApp(standalone_cli_commands={"hello": "b.module:main"})
    for apps in ([same, same], [same, standalone]):
        # patched where cli_commands looks the apps up
        monkeypatch.setattr(wiring, "installed_apps", lambda apps=apps: apps)
        with pytest.raises(ValueError, match="groupbuy hello"):
            plugins.cli_commands()


def test_a_nav_entry_needs_a_known_role():
    with pytest.raises(ValueError, match="nav role"):
        plugins.NavEntry(role="cashier", label="Till", url_name="web:deal_list")


def test_a_console_entry_lands_under_its_groups_heading(with_plugin_app):
    # given the plug-in app's console entry, declared in the Money group
    with translation.override("en"):
        # when the console's entries are grouped
        groups = [
            (str(group.label), [entry.name for entry in group.entries])
            for group in plugins.nav_groups(plugins.nav_entries("merchant"))
        ]
    # then it is among Money's entries, in its order, and the groups keep theirs
    assert [heading for heading, _names in groups] == [
        "Sell",
        "At the till",
        "Money",
        "Shop",
    ]
    assert dict(groups)["Money"] == [
        "sales",
        "plug-in-report",
        "money",
        "statement",
        "payouts",
    ]


def test_a_console_entry_naming_no_group_is_under_more_and_a_group_is_known():
    # given an entry that names no group
    entry = plugins.NavEntry(role="merchant", label="Till", url_name="web:deal_list")
    # then it is listed under More, after the other groups
    with translation.override("en"):
        groups = plugins.nav_groups([entry])
    assert [(str(group.label), group.entries) for group in groups] == [
        ("More", [entry])
    ]
    with pytest.raises(ValueError, match="nav group"):
        plugins.NavEntry(
            role="merchant", label="Till", url_name="web:deal_list", group="till2"
        )


@pytest.mark.parametrize("path", WIRING)
def test_the_projects_wiring_names_no_app(path):
    source = (REPO / path).read_text()
    named = [app for app in APPS if re.search(rf"groupbuy[./]{app}\b", source)]
    assert named == []


def test_the_base_template_names_no_app_but_its_own():
    source = (REPO / BASE_TEMPLATE).read_text()
    named = [
        app for app in APPS if app != "web" and re.search(rf"['\"]{app}[:/]", source)
    ]
    assert named == []


@pytest.mark.parametrize("path", CORE_PAGES, ids=lambda path: path.name)
def test_the_core_pages_name_no_capability_app(path):
    source = path.read_text()
    named = [app for app in CAPABILITY_APPS if re.search(rf"['\"]{app}[:/]", source)]
    assert named == []


@pytest.mark.django_db
def test_an_apps_parts_show_on_the_deal_page_and_a_blank_one_leaves_its_own(
    with_plugin_app, settings, client
):
    from groupbuy.deals.tests.factories import make_deal

    settings.ROOT_URLCONF = "tests.plugin_app.root_urls"  # its menu entries link

    deal = make_deal(title="Jasmine tea")
    html = client.get(reverse("web:deal_detail", args=[deal.public_id])).content
    html = html.decode()
    # the summary part sees the page's context; the progress part said nothing
    assert '<p id="plugin-deal-note">Plugged into Jasmine tea</p>' in html
    assert 'id="deal-tiers"' in html
    assert 'id="plugin-progress"' not in html

    sold_its_way = make_deal(title="Sold by the plug-in")
    response = client.get(reverse("web:deal_detail", args=[sold_its_way.public_id]))
    html = response.content.decode()
    assert '<section class="card" id="plugin-progress">0 joined' in html
    assert 'id="deal-tiers"' not in html
    # and the project's one API, built for the process, mounts no router of the
    # app this test added (later tests read its document)
    from groupbuy.api import api
    from tests.plugin_app.api import router

    assert router not in [mounted for _prefix, mounted in api._routers]


def test_a_part_needs_a_known_place():
    with pytest.raises(ValueError, match="unknown page slots"):
        plugins.GroupbuyApp(page_parts={"deal.sidebar": "x.html"})
    with pytest.raises(ValueError, match="page slot must be one of"):
        plugins.page_part_templates("deal.sidebar")


def test_existing_apps_keep_their_urls_and_api_paths():
    assert reverse("notify:inbox") == "/inbox/"
    assert reverse("snap:snap") == "/snap/"
    assert reverse("escrow:sandbox_pay", args=["pi_1"]) == "/escrow/sandbox/pay/pi_1/"
    assert reverse("web:deal_list") == "/"
    assert reverse("sharing:inbox") == "/sharing/"
    assert reverse("sharing_links:open", args=["abc"]) == "/s/abc"
    api_paths = {prefix for prefix, _router in plugins.api_routers()}
    assert api_paths >= {"/", "/catalog", "/deals", "/escrow", "/notify", "/snap"}


def _dotted_kinds(*, in_code_calling: tuple[str, ...], on_lines_with: tuple[str, ...]):
    """Every dotted three-part literal ("deals.order.paid") on a line holding
    one of ``on_lines_with``, in the application code calling one of
    ``in_code_calling``."""
    kinds = set()
    for path in (REPO / "groupbuy").rglob("*.py"):
        source = path.read_text()
        if "tests" in path.parts or not any(c in source for c in in_code_calling):
            continue
        for line in source.splitlines():
            if any(marker in line for marker in on_lines_with):
                kinds |= set(re.findall(r'"([a-z_]+\.[a-z_]+\.[a-z_]+)"', line))
    return kinds


def test_every_kind_the_apps_send_is_declared():
    # given every dotted kind literal on a `kind=` line of the code that notifies
    sent = _dotted_kinds(
        in_code_calling=("notification_enqueue(",), on_lines_with=("kind=",)
    )
    # then each has a label
    assert sent
    assert sent - set(plugins.notification_kinds()) == set()


def test_every_ledger_kind_the_apps_post_has_a_label():
    # given every dotted kind literal on a `kind=` line (or a constant) of the
    # code that posts to the ledger (money pages showed "payments.payout.sent")
    posted = _dotted_kinds(
        in_code_calling=("ledger_post(", "Posting("),
        on_lines_with=("kind=", '= "escrow.'),
    )
    # and the payouts' outcomes, posted as f"payments.payout.{kind}"
    posted |= {"payments.payout.paid", "payments.payout.returned"}
    # then each has a label
    assert "payments.payout.sent" in posted
    assert posted - set(plugins.ledger_kinds()) == set()


def test_groupbuy_demo_runs_each_apps_loader_after_the_core_data(
    with_plugin_app, monkeypatch
):
    from django.core.management import call_command

    from groupbuy import demo_data

    # given the core demo data (stubbed: it has its own tests)
    logins = [("shopper", "+86138", "pw")]
    monkeypatch.setattr(demo_data, "load_demo", lambda **_: logins)
    # other apps' loaders have their own tests and need the real core data
    only_the_probe = [
        (label, loader)
        for label, loader in plugins.demo_loaders()
        if label == "plugin_app"
    ]
    monkeypatch.setattr(plugins, "demo_loaders", lambda: only_the_probe)
    output = StringIO()
    # when
    call_command("load_demo", stdout=output)
    # then
    text = output.getvalue()
    assert "Demo data: plugin_app\nplug-in demo data loaded" in text
    assert text.index("plug-in demo data loaded") < text.index("Demo logins")


def test_groupbuy_help_lists_the_apps_commands(with_plugin_app, capsys):
    from groupbuy import cli

    assert cli.main(["help"]) == 0
    assert "App commands: backup, plugin-hello, restore" in capsys.readouterr().out
