"""API tokens: scopes, and an expiry for every token.

Tokens made before this revision never expired and could do whatever their user could:
they keep the scopes ``read,write`` and now expire 90 days after the upgrade (a token
without an expiry is no longer made).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

GRACE = timedelta(days=90)


def upgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "scopes",
                sa.String(length=100),
                nullable=False,
                server_default="read,write",
            )
        )
    tokens = sa.table(
        "api_tokens",
        sa.column("expires_at", sa.DateTime()),
        sa.column("revoked_at", sa.DateTime()),
    )
    until = datetime.now(UTC).replace(tzinfo=None) + GRACE
    op.execute(
        tokens.update().where(tokens.c.expires_at.is_(None)).values(expires_at=until)
    )


def downgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("scopes")
