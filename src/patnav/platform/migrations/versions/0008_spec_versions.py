"""Spec versions: every saved version of a navigation spec is kept (导航方案的版本), with
who saved it and when; the existing specs' current text becomes their first kept
version.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "spec_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("spec_id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("yaml_text", sa.Text(), nullable=False),
        sa.Column("saved_by", sa.Integer(), nullable=True),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["saved_by"], ["users.id"]),
        sa.ForeignKeyConstraint(["spec_id"], ["specs.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("spec_id", "version", name="uq_spec_version"),
    )
    with op.batch_alter_table("spec_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_spec_versions_spec_id"), ["spec_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_spec_versions_tenant_id"), ["tenant_id"], unique=False
        )
    op.execute(
        "INSERT INTO spec_versions "
        "(spec_id, tenant_id, version, name, title, yaml_text, saved_by, saved_at) "
        "SELECT id, tenant_id, version, name, title, yaml_text, updated_by, updated_at "
        "FROM specs"
    )


def downgrade() -> None:
    with op.batch_alter_table("spec_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_spec_versions_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_spec_versions_spec_id"))
    op.drop_table("spec_versions")
