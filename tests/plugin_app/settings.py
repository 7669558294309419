"""The test settings plus the throw-away app: one line, as the contract promises."""

from groupbuy.settings_test import *  # noqa: F403
from groupbuy.settings_test import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.plugin_app"]
