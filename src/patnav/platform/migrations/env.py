"""Alembic environment: runs the revisions on the connection ``Platform`` hands over.

``patnav`` never reads an alembic.ini: :func:`patnav.platform.db.upgrade` builds the
configuration in code and passes its open connection in ``config.attributes``.
"""

from __future__ import annotations

from alembic import context

from patnav.platform.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
