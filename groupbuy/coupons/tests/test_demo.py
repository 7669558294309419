import io

import pytest

from groupbuy.coupons.demo import load_demo_data
from groupbuy.coupons.models import MerchantKey, PlatformKey
from groupbuy.coupons.tests.factories import make_merchant, make_user

pytestmark = pytest.mark.django_db


def test_demo_data_gives_every_merchant_a_key_file_once(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    make_user(is_staff=True, is_superuser=True)
    merchant = make_merchant()
    load_demo_data(stdout=io.StringIO())
    load_demo_data(stdout=io.StringIO())
    assert MerchantKey.objects.filter(merchant=merchant).count() == 1
    assert PlatformKey.objects.count() == 1
    assert (tmp_path / "station-keys" / f"{merchant.public_id}.json").exists()


def test_the_plugin_declaration_names_modules_that_exist():
    from django.utils.module_loading import import_string

    from groupbuy.coupons.groupbuy_app import app

    targets = [
        *app.api_routers.values(),
        app.demo_data,
        *app.cli_commands.values(),
        *app.standalone_cli_commands.values(),
    ]
    for target in targets:
        import_string(target.replace(":", "."))
