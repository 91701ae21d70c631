"""Board notices a hall manager posts, kept so that boards show them again after a reload.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "board_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hall", sa.String(length=40), nullable=False),
        sa.Column("zone", sa.String(length=40), nullable=True),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(["hall"], ["halls.code"], name=op.f("fk_board_notices_hall_halls")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_notices")),
    )
    op.create_index("ix_board_notices_hall_until", "board_notices", ["hall", "until"])


def downgrade() -> None:
    op.drop_index("ix_board_notices_hall_until", table_name="board_notices")
    op.drop_table("board_notices")
