"""Migrations build the schema from empty, match the tables the code uses, and go back down."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from queue_server.adapters.migrate import downgrade, upgrade
from queue_server.adapters.store import Store
from queue_server.adapters.tables import metadata


def test_migrate_from_empty_matches_the_tables(db_url):
    store = Store(db_url)
    try:
        if store.is_sqlite:
            assert inspect(store.engine).get_table_names() == []
        else:  # the template database was migrated already: start from empty
            downgrade(store.engine, "base")
            assert set(inspect(store.engine).get_table_names()) == {"alembic_version"}
        upgrade(store.engine)
        with store.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
        assert diff == []
        assert {"tickets", "audit", "windows", "counters", "sessions"} <= set(
            inspect(store.engine).get_table_names()
        )
        downgrade(store.engine, "base")
        assert set(inspect(store.engine).get_table_names()) <= {"alembic_version"}
        upgrade(store.engine)  # and up again
        upgrade(store.engine)  # a second run has nothing to do
    finally:
        store.dispose()
