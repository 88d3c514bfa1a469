"""Navigation projects (专利导航项目): demands, their trail of steps and the records of
how delivered results were used.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "nav_projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("requester_tenant_id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=True),
        sa.Column("requester_name", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("industry", sa.String(length=200), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("keywords", sa.Text(), nullable=False),
        sa.Column("province", sa.String(length=50), nullable=True),
        sa.Column("city", sa.String(length=50), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("preset", sa.String(length=20), nullable=False),
        sa.Column("inputs_json", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("plan_year", sa.Integer(), nullable=True),
        sa.Column("plan_batch", sa.String(length=100), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.Column("analysts", sa.String(length=500), nullable=False),
        sa.Column("spec_id", sa.Integer(), nullable=True),
        sa.Column("reviewer", sa.String(length=100), nullable=True),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("fto_id", sa.String(length=64), nullable=True),
        sa.Column("publication_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.ForeignKeyConstraint(["requester_tenant_id"], ["tenants.id"]),
        sa.ForeignKeyConstraint(["requester_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["spec_id"], ["specs.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["report_id"], ["report_jobs.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["publication_id"], ["publications.id"], ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("nav_projects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_nav_projects_tenant_id"), ["tenant_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_nav_projects_requester_tenant_id"),
            ["requester_tenant_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_nav_projects_state"), ["state"], unique=False
        )

    op.create_table(
        "nav_project_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("detail_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["nav_projects.id"], ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("nav_project_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_nav_project_events_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "nav_project_usages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("used_by", sa.String(length=200), nullable=False),
        sa.Column("use", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("used_on", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["nav_projects.id"], ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("nav_project_usages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_nav_project_usages_project_id"), ["project_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("nav_project_usages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nav_project_usages_project_id"))
    op.drop_table("nav_project_usages")
    with op.batch_alter_table("nav_project_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nav_project_events_project_id"))
    op.drop_table("nav_project_events")
    with op.batch_alter_table("nav_projects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nav_projects_state"))
        batch_op.drop_index(batch_op.f("ix_nav_projects_requester_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_nav_projects_tenant_id"))
    op.drop_table("nav_projects")
