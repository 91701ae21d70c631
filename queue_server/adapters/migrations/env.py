"""Alembic environment: the engine comes from the caller (see ../migrate.py)."""

from __future__ import annotations

from alembic import context

from queue_server.adapters.tables import metadata

engine = context.config.attributes["engine"]
with engine.connect() as connection:
    if engine.dialect.name == "sqlite":
        connection = connection.execution_options(sqlite_begin="DEFERRED")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=engine.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
