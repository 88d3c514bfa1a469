"""The spec-versions revision creates ``spec_versions`` on a database in use — every
existing spec's current text becomes its first kept version, with who saved it and when —
and drops it again on downgrade, keeping the specs."""

from __future__ import annotations

import importlib
from datetime import datetime

from alembic import command
from sqlalchemy import inspect, text

from patnav.config import Settings
from patnav.platform.db import (
    alembic_config,
    database_url,
    head_revision,
    make_engine,
    upgrade,
)

REVISION = importlib.import_module(
    "patnav.platform.migrations.versions.0008_spec_versions"
)
SAVED = datetime(2026, 12, 1, 8, 30)


def test_the_revision_keeps_every_existing_spec_as_its_first_version(tmp_path):
    engine = make_engine(database_url(Settings(data_root=tmp_path)))
    config = alembic_config()
    before = REVISION.down_revision
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, before)
        connection.execute(
            text(
                "INSERT INTO tenants (id, name, level, path, created_at) "
                "VALUES (1, '泰安市', 'city', '/1/', :now)"
            ),
            {"now": SAVED},
        )
        connection.execute(
            text(
                "INSERT INTO users (id, username, password_hash, role, tenant_id, "
                "is_active, created_at) VALUES (4, 'ta_analyst', 'x', 'analyst', 1, 1, :now)"
            ),
            {"now": SAVED},
        )
        for sid, version in ((2, 5), (9, 1)):
            connection.execute(
                text(
                    "INSERT INTO specs (id, tenant_id, name, title, type, yaml_text, "
                    "version, created_by, updated_by, created_at, updated_at) VALUES "
                    "(:id, 1, '方案', '泰安', 'industry', :yaml, :v, 4, 4, :now, :now)"
                ),
                {"id": sid, "yaml": f"title: 泰安{sid}\n", "v": version, "now": SAVED},
            )
    assert "spec_versions" not in inspect(engine).get_table_names()
    assert upgrade(engine) == head_revision()
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT spec_id, tenant_id, version, yaml_text, saved_by, saved_at "
                "FROM spec_versions ORDER BY spec_id"
            )
        ).all()
    assert [tuple(r)[:5] for r in rows] == [
        (2, 1, 5, "title: 泰安2\n", 4),
        (9, 1, 1, "title: 泰安9\n", 4),
    ]
    assert all(str(r.saved_at).startswith("2026-12-01 08:30") for r in rows)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, before)
    assert "spec_versions" not in inspect(engine).get_table_names()
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT id FROM specs ORDER BY id"))
        assert [r.id for r in kept] == [2, 9]
    engine.dispose()
