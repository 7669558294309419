"""The Django admin reads well in Chinese and shows money in yuan."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

from groupbuy.accounts.models import User
from groupbuy.deals.tests.factories import join_and_pay, make_deal

# one_database: the admin's words, whichever engine holds the rows.
pytestmark = [pytest.mark.django_db, pytest.mark.one_database]


def groupbuy_models():
    return [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("groupbuy")
        for model in config.get_models()
    ]


def test_every_app_and_model_has_a_translated_name():
    with translation.override("zh-hans"):
        for config in apps.get_app_configs():
            if config.name.startswith("groupbuy"):
                assert isinstance(config.verbose_name, Promise), config.label
                assert not str(config.verbose_name).isascii(), config.label
        for model in groupbuy_models():
            options = model._meta
            assert "verbose_name" in options.original_attrs, model
            assert "verbose_name_plural" in options.original_attrs, model
            assert not str(options.verbose_name_plural).isascii(), model


def test_admin_fields_have_chinese_labels():
    registered = list(admin.site._registry)
    with translation.override("zh-hans"):
        for model in registered:
            if not model.__module__.startswith("groupbuy"):
                continue
            for field in model._meta.concrete_fields:
                if field.name == "id":
                    continue
                label = str(field.verbose_name)
                assert not label.isascii(), f"{model.__name__}.{field.name}: {label}"


def test_admin_pages_show_no_raw_fen():
    # given an operator looking at each money model's read-only page
    request = RequestFactory().get("/")
    request.user = User(is_staff=True, is_superuser=True)
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith("groupbuy"):
            continue
        # when
        shown = list(model_admin.get_list_display(request))
        for _name, options in model_admin.get_fieldsets(request):
            shown += [
                name
                for line in options["fields"]
                for name in (line if isinstance(line, tuple | list) else [line])
            ]
        # then
        assert [name for name in shown if str(name).endswith("_fen")] == [], model


def test_order_admin_list_shows_yuan_in_chinese():
    # given
    join_and_pay(make_deal())
    operator = User.objects.create_superuser("+8613900139001", "admin-password-1")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(operator)
    # when
    html = client.get(reverse("admin:deals_dealorder_changelist")).content.decode()
    # then
    assert "¥99.00" in html
    assert "订单" in html
    assert "9900" not in html


def test_admin_pages_link_the_site_icon_and_the_readable_columns():
    operator = User.objects.create_superuser("+8613900139002", "admin-password-2")
    client = Client()
    client.force_login(operator)
    html = client.get(reverse("admin:deals_deal_changelist")).content.decode()
    assert 'rel="icon" href="/static/web/icons/icon.svg"' in html
    assert "web/css/admin.css" in html
