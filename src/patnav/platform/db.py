"""Open the platform: the data root, the database (migrated to the current revision) and
the secret key.

SQLite is the default (``<data_root>/platform.sqlite3``, write-ahead log, foreign keys on,
waiting on a busy database instead of failing); any SQLAlchemy URL works through
``PATNAV_PLATFORM_DB`` — PostgreSQL in server deployments. The schema is only ever changed
by the Alembic revisions shipped in ``patnav/platform/migrations``; :func:`upgrade` applies
them and runs on every start, so an upgraded patnav migrates its database by itself.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from patnav.config import Settings
from patnav.errors import StoreError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SECRET_FILE = "secret.key"
DB_FILE = "platform.sqlite3"


def database_url(settings: Settings) -> str:
    """The platform database URL: ``settings.platform_db``, else SQLite under the root."""
    if settings.platform_db:
        return settings.platform_db
    return f"sqlite:///{(settings.data_root / DB_FILE).resolve()}"


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite connections get WAL, foreign keys and a busy wait."""
    # Requests, import and report workers each hold a connection while they work: the
    # pool must outgrow the server's thread pool (40) so none waits for another's.
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=40)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        pool_size=10,
        max_overflow=60,
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.close()

    return engine


def alembic_config() -> Config:
    """An Alembic configuration pointing at the shipped migrations (no alembic.ini)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine) -> str | None:
    """Apply every migration not yet applied; return the revision the database is at."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision shipped with this patnav."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def private_folder(path: Path) -> Path:
    """Create ``path`` (and its missing parents) readable by the owner only (0700), and
    make it so if it exists: the data root holds every tenant's data."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty, readable by the owner only (0600), unless it exists; make
    an existing one owner-only too. SQLite gives its write-ahead log and shared-memory
    files the database file's mode."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
    return path


def load_secret(settings: Settings) -> str:
    """The key that signs cookies: the setting, else ``<data_root>/secret.key``, created
    (random, readable by the owner only) on first start."""
    if settings.secret_key:
        return settings.secret_key
    path = settings.data_root / SECRET_FILE
    if not path.exists():
        key = secrets.token_urlsafe(48)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first
            pass
        else:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(key)
    key = path.read_text("ascii").strip()
    if len(key) < 32:
        raise StoreError(
            f"The secret key in {path} is shorter than 32 characters. Delete the file to "
            "have a new one generated (everyone signs in again), or set PATNAV_SECRET_KEY."
        )
    return key


class Platform:
    """The open platform: database sessions, the data root and the secret key.

    Use :meth:`open`. Sessions come from :meth:`session` (a context manager that commits
    on success and rolls back on error) or :attr:`sessions` (the factory).
    """

    def __init__(self, settings: Settings, engine: Engine, secret: str) -> None:
        self.settings = settings
        self.root = settings.data_root.resolve()
        self.engine = engine
        self.secret = secret
        self.sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, settings: Settings) -> Platform:
        """Create the data root if needed, migrate the database, load the secret key.

        Raises:
            StoreError: the data root cannot be created, or the secret key is unusable.
        """
        try:
            private_folder(settings.data_root)
            if not settings.platform_db:
                private_file(settings.data_root / DB_FILE)
        except OSError as exc:
            raise StoreError(
                f"Cannot create the data root {settings.data_root}: {exc}. Set "
                "PATNAV_DATA_ROOT to a folder patnav may write to."
            ) from exc
        engine = make_engine(database_url(settings))
        upgrade(engine)
        return cls(settings, engine, load_secret(settings))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A database session that commits at the end of the block, or rolls back."""
        with self.sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()
