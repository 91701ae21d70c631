"""Alembic environment: the engine comes from the caller (see ../migrate.py).

Several workers may start at once: on PostgreSQL an advisory lock, on SQLite the immediate
write lock, lets one migrate while the others wait and then find nothing to do.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from queue_server.adapters.tables import metadata

MIGRATION_LOCK = 7_242_001

engine = context.config.attributes["engine"]
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=engine.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        if engine.dialect.name == "postgresql":
            connection.execute(text(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
        context.run_migrations()
    connection.commit()
