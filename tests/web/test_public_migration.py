"""Revision 0004 adds the publication versions (``series_id``, ``version``) to a
database in use — every existing publication starts its own series at version 1 — and
takes them away again on downgrade, keeping the publications."""

from __future__ import annotations

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
    assert upgrade(engine) == head_revision()
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


def test_revision_0005_adds_and_removes_the_changes_moment_of_report_jobs(tmp_path):
    """Revision 0005 adds ``report_jobs.changes_since`` (a 专利导航动态更新报告's
    cut-off): existing jobs keep None (a spec report); downgrade keeps the jobs."""
    engine = make_engine(database_url(Settings(data_root=tmp_path)))
    config = alembic_config()

    def columns() -> set[str]:
        return {c["name"] for c in inspect(engine).get_columns("report_jobs")}

    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0004")
        now = utcnow()
        connection.execute(
            text(
                "INSERT INTO tenants (id, name, level, path, created_at) "
                "VALUES (1, '泰安市', 'city', '/1/', :now)"
            ),
            {"now": now},
        )
        connection.execute(
            text(
                "INSERT INTO stores (id, tenant_id, name, filename, created_at) "
                "VALUES (1, 1, '泰安库', 's.duckdb', :now)"
            ),
            {"now": now},
        )
        connection.execute(
            text(
                "INSERT INTO specs (id, tenant_id, name, title, type, yaml_text, "
                "version, created_at, updated_at) VALUES "
                "(1, 1, 's', '导航', 'industry', 'x', 1, :now, :now)"
            ),
            {"now": now},
        )
        connection.execute(
            text(
                "INSERT INTO report_jobs (id, tenant_id, store_id, spec_id, title, fmt, "
                "lang, status, created_at) VALUES "
                "(5, 1, 1, 1, '导航', 'html', 'zh', 'done', :now)"
            ),
            {"now": now},
        )
    assert "changes_since" not in columns()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0005")
    assert "changes_since" in columns()
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id, changes_since FROM report_jobs")
        ).all()
    assert [tuple(r) for r in rows] == [(5, None)]
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
    assert "changes_since" not in columns()
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT id FROM report_jobs"))
        assert [r.id for r in kept] == [5]
    engine.dispose()
