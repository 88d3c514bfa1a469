"""Alembic migrations of the platform database, applied by ``Platform.open``."""
