"""Revision 0003 adds the notification tables to a database in use, and takes them away
again on downgrade; removing a tenant removes its notifications."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from patnav.config import Settings
from patnav.platform.db import alembic_config, database_url, make_engine
from patnav.platform.models import utcnow

TABLES = {"notify_alerts", "notify_inbox", "notify_subscriptions", "notify_deliveries"}


def test_revision_0003_adds_and_removes_the_notification_tables(tmp_path):
    engine = make_engine(database_url(Settings(data_root=tmp_path)))
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
        connection.execute(
            text(
                "INSERT INTO tenants (id, name, level, path, created_at) "
                "VALUES (1, '泰安市', 'city', '/1/', :now)"
            ),
            {"now": utcnow()},
        )
    assert not TABLES & set(inspect(engine).get_table_names())
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
    assert set(inspect(engine).get_table_names()) >= TABLES
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO notify_alerts (tenant_id, source, alert_id, monitor, "
                "rule, pub_number, message, evidence_json, created_at, received_at) "
                "VALUES (1, 'store:1', '1', '监控', 'expiry', 'CN202644312U', "
                "'即将届满', '{}', :now, :now)"
            ),
            {"now": utcnow()},
        )
        connection.execute(text("DELETE FROM tenants WHERE id = 1"))
        left = connection.execute(text("SELECT count(*) FROM notify_alerts")).scalar()
    assert left == 0  # the tenant's alerts went with it
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
    assert not TABLES & set(inspect(engine).get_table_names())
    engine.dispose()
