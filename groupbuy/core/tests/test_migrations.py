"""The migrations describe the models, and a squashed migration ends where the
chain it replaces ends (a new database applies the squash, an old one the
chain: both must reach the same models)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    # makemigrations --check exits non-zero when a model differs from the state
    # its migrations build
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_each_squash_reaches_the_models_its_chain_reaches():
    # Without a connection nothing counts as applied, so the loader takes each
    # squash in place of its chain, as on a new database.
    with_squashes = MigrationLoader(None, ignore_no_migrations=True)
    chains = MigrationLoader(None, ignore_no_migrations=True, replace_migrations=False)
    squashes = [
        migration
        for migration in with_squashes.disk_migrations.values()
        if migration.replaces
    ]
    assert squashes, "no squashed migration to check"
    by_squash = with_squashes.project_state()
    by_chain = chains.project_state()
    for squash in squashes:
        app = squash.app_label
        squashed_models = {
            key: state for key, state in by_squash.models.items() if key[0] == app
        }
        chain_models = {
            key: state for key, state in by_chain.models.items() if key[0] == app
        }
        assert squashed_models.keys() == chain_models.keys(), app
        for key, state in squashed_models.items():
            chain = chain_models[key]
            assert _fields(state) == _fields(chain), key
            assert _options(state) == _options(chain), key
            assert (state.bases, state.managers) == (chain.bases, chain.managers), key


def _fields(state) -> dict:
    return {
        name: _comparable(field.deconstruct()[1:])
        for name, field in state.fields.items()
    }


def _comparable(value):
    # A storage is made anew in each migration file: compare what it is made of.
    if isinstance(value, (list, tuple)):
        return [_comparable(item) for item in value]
    if isinstance(value, dict):
        return {key: _comparable(item) for key, item in value.items()}
    if not isinstance(value, type) and hasattr(value, "deconstruct"):
        return _comparable(value.deconstruct())
    return value


def _options(state) -> dict:
    # makemigrations writes 'abstract': False for a model with an abstract base,
    # where the chain's AlterModelOptions left it out: the same model.
    return {
        name: value
        for name, value in state.options.items()
        if (name, value) != ("abstract", False)
    }


@pytest.mark.django_db
def test_a_new_database_records_the_squash_and_what_it_replaces():
    # the test database was made by migrate: the squashes were applied, and
    # Django records the replaced migrations as applied with them
    applied = MigrationLoader(connection).applied_migrations
    for migration in MigrationLoader(connection).disk_migrations.values():
        if migration.replaces:
            assert (migration.app_label, migration.name) in applied
            for replaced in migration.replaces:
                assert replaced in applied, replaced
