"""Layout history (undo) and evaluations (好差评, one per ticket).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 13:44:17.431447
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "layout_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hall", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("undoes", sa.Integer(), nullable=True),
        sa.Column("undone_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["hall"], ["halls.code"], name=op.f("fk_layout_history_hall_halls")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_layout_history")),
    )
    with op.batch_alter_table("layout_history", schema=None) as batch_op:
        batch_op.create_index("ix_layout_history_hall", ["hall", "id"], unique=False)

    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("hall", sa.String(length=40), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("window", sa.Integer(), nullable=True),
        sa.Column("clerk", sa.String(length=80), nullable=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["hall"], ["halls.code"], name=op.f("fk_evaluations_hall_halls")),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_evaluations_service_id_services")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_evaluations_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluations")),
        sa.UniqueConstraint("ticket_id", name="uq_evaluations_ticket_id"),
    )
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.create_index("ix_evaluations_hall_at", ["hall", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.drop_index("ix_evaluations_hall_at")

    op.drop_table("evaluations")
    with op.batch_alter_table("layout_history", schema=None) as batch_op:
        batch_op.drop_index("ix_layout_history_hall")

    op.drop_table("layout_history")
