"""Waiting counts per service, kept with every ticket change (filled from the tickets).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "queue_stats",
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("waiting", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_queue_stats_service_id_services")
        ),
        sa.PrimaryKeyConstraint("service_id", name=op.f("pk_queue_stats")),
    )
    op.execute(
        "INSERT INTO queue_stats (service_id, waiting) "
        "SELECT service_id, count(*) FROM tickets WHERE state = 'waiting' GROUP BY service_id"
    )


def downgrade() -> None:
    op.drop_table("queue_stats")
