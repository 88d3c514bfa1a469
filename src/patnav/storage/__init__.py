"""The store: DuckDB tables, migrations, batched writes and Parquet snapshots."""

from patnav.storage.store import PatentStore

__all__ = ["PatentStore"]
