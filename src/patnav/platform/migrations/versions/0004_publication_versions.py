"""Publication versions: a publication may be a new version of an earlier one of its
tenant (成果发布的版本). ``series_id`` is the id of the series' first publication (every
existing publication starts its own series), ``version`` its number in the series.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("publications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("series_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("version", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(
            batch_op.f("ix_publications_series_id"), ["series_id"], unique=False
        )
    op.execute("UPDATE publications SET series_id = id WHERE series_id IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("publications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_publications_series_id"))
        batch_op.drop_column("version")
        batch_op.drop_column("series_id")
