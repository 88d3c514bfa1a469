"""Revision 0004 adds the publication versions (``series_id``, ``version``) to a
database in use — every existing publication starts its own series at version 1 — and
takes them away again on downgrade, keeping the publications."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from patnav.config import Settings
from patnav.platform.db import alembic_config, database_url, make_engine, upgrade
from patnav.platform.models import utcnow


def _columns(engine) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns("publications")}


def test_revision_0004_adds_and_removes_publication_versions(tmp_path):
    engine = make_engine(database_url(Settings(data_root=tmp_path)))
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
        connection.execute(
            text(
                "INSERT INTO tenants (id, name, level, path, created_at) "
                "VALUES (1, '泰安市', 'city', '/1/', :now)"
            ),
            {"now": utcnow()},
        )
        for pid in (3, 7):
            connection.execute(
                text(
                    "INSERT INTO publications (id, tenant_id, title, tags, type, "
                    "visibility, filename, download_name, content_type, size, "
                    "downloads, created_at) VALUES (:id, 1, '泰安成果', '', "
                    "'industry', 'public', 'x.html', 'x.html', 'text/html', 1, 0, :now)"
                ),
                {"id": pid, "now": utcnow()},
            )
    assert not {"series_id", "version"} & _columns(engine)
    assert upgrade(engine) == "0004"
    assert {"series_id", "version"} <= _columns(engine)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id, series_id, version FROM publications ORDER BY id")
        ).all()
    assert [tuple(r) for r in rows] == [(3, 3, 1), (7, 7, 1)]
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0003")
    assert not {"series_id", "version"} & _columns(engine)
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT id FROM publications ORDER BY id"))
        assert [r.id for r in kept] == [3, 7]
    engine.dispose()
