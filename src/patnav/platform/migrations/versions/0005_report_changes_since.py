"""Periodic updates of a publication (专利导航动态更新): a report job may write the
专利导航动态更新报告 of what changed in its spec's data since a moment (``changes_since``,
naive UTC) instead of the spec's report. Existing jobs keep None (a spec report).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("report_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("changes_since", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("report_jobs", schema=None) as batch_op:
        batch_op.drop_column("changes_since")
