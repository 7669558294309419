"""groupbuy's settings plus a test app with a slow job (worker SIGTERM test)."""

from groupbuy.settings import *  # noqa: F403
from groupbuy.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "groupbuy.ops.tests.slowjob"]
