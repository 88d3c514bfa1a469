"""Enterprise users tied to an enterprise of a store's register, for the SME cultivation
library (培育库): the enterprise's own application and status page.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "enterprise_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("province", sa.String(length=50), nullable=False),
        sa.Column("enterprise_id", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "user_id", "store_id", "province", name="uq_enterprise_link"
        ),
    )
    with op.batch_alter_table("enterprise_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_enterprise_links_store_id"), ["store_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_enterprise_links_user_id"), ["user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("enterprise_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enterprise_links_user_id"))
        batch_op.drop_index(batch_op.f("ix_enterprise_links_store_id"))
    op.drop_table("enterprise_links")
